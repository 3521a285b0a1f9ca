/**
 * The `<alert id="ocfkit-alert">` element of the CIB: rendered from the install options, and
 * compared with what the CIB holds (so `ocfkit alert install` is idempotent). Pure.
 */
import { parseXml, type XmlElement } from '../xml/parse-xml.ts';

export const ALERT_ID = 'ocfkit-alert';
export const ALERT_PATH = '/usr/lib/ocf/alerts/ocfkit-alert';
/** The transient node attribute `ocfkit alert install` changes to see the alert fire. */
export const PROBE_ATTRIBUTE = 'ocfkit-alert-probe';

export const SELECT_KINDS = ['nodes', 'fencing', 'resources', 'attributes'] as const;
export type SelectKind = (typeof SELECT_KINDS)[number];
export const DEFAULT_SELECT: readonly SelectKind[] = ['nodes', 'fencing', 'resources'];

export interface AlertConfig {
  path: string;
  select: readonly SelectKind[];
  /** Instance attributes (the agent's options), by name; empty values are left out. */
  options: Readonly<Record<string, string>>;
}

/** `--select nodes,fencing` → the kinds, in the canonical order; throws naming a bad word. */
export function parseSelect(text: string): SelectKind[] {
  const words = text.split(',').map((w) => w.trim()).filter(Boolean);
  if (words.length === 0) throw new Error('--select: name at least one of nodes, fencing, resources, attributes');
  for (const w of words) {
    if (!(SELECT_KINDS as readonly string[]).includes(w)) throw new Error(`--select: unknown kind '${w}' (nodes, fencing, resources, attributes)`);
  }
  return SELECT_KINDS.filter((k) => words.includes(k));
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The alert element. Without `attributes` selected, `<select_attributes>` still names the probe
 * attribute alone, so that install can see the alert fire without a flood of attribute events.
 */
export function renderAlert(config: AlertConfig): string {
  const nv = Object.entries(config.options)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `<nvpair id="${ALERT_ID}-option-${esc(k)}" name="${esc(k)}" value="${esc(v)}"/>`)
    .join('');
  const select = SELECT_KINDS.filter((k) => config.select.includes(k) && k !== 'attributes').map((k) => `<select_${k}/>`);
  select.push(
    config.select.includes('attributes')
      ? '<select_attributes/>'
      : `<select_attributes><attribute id="${ALERT_ID}-probe" name="${PROBE_ATTRIBUTE}"/></select_attributes>`,
  );
  return (
    `<alert id="${ALERT_ID}" path="${esc(config.path)}" description="ocfkit: event log, local subscribers, webhook">` +
    (nv ? `<instance_attributes id="${ALERT_ID}-options">${nv}</instance_attributes>` : '') +
    `<select>${select.join('')}</select>` +
    `</alert>`
  );
}

function canonical(e: XmlElement): string {
  const attrs = Object.keys(e.attrs)
    .sort()
    .map((k) => `${k}=${JSON.stringify(e.attrs[k])}`)
    .join(' ');
  return `<${e.name} ${attrs}>${e.children.map(canonical).join('')}</${e.name}>`;
}

/** The `<alert id="ocfkit-alert">` in a `cibadmin --query --scope alerts` answer, or null. */
export function findAlert(alertsXml: string): XmlElement | null {
  const root = parseXml(alertsXml);
  const alerts = root.name === 'alerts' ? [root] : root.children.filter((c) => c.name === 'alerts');
  for (const section of alerts) for (const a of section.children) if (a.name === 'alert' && a.attrs.id === ALERT_ID) return a;
  return null;
}

/** The same element, whatever the attribute order and white space. */
export function sameAlert(existing: XmlElement, wanted: string): boolean {
  return canonical(existing) === canonical(parseXml(wanted));
}
