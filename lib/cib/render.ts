/**
 * `renderCib(vars, { variant, restoreWindow })`: the two-node stack from cib-templates/ as CIB XML,
 * as an equivalent `pcs -f` script, and corosync's part (contract 5 of this session).
 *
 * Deterministic: the same vars give the same bytes. The only input besides the vars is the
 * template files (read once, or passed in as `templates`).
 *
 * Resource ids other code relies on: drbd-data / drbd-data-clone, fs-data, vip, haproxy-target,
 * app-services (hot: app-services-ro / app-services-ro-clone), fence-<node>, alert ocfkit-alert.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTemplate, shQuote, xmlEscape, type Escape, type TemplateValues } from './template.ts';
import { servicesParam, validateVars, restoreWindowVars, type RestoreWindowVars, type StackVars } from './vars.ts';
import { CibVarsError } from './errors.ts';
import { dateSpecFields, windowDateSpecs, type DateSpec } from './window.ts';
import { parseDuration } from '../pacemaker/values.ts';

export { EXAMPLE_VARS, LAB_VARS, validateVars, type StackVars, type RestoreWindowVars } from './vars.ts';
export { CibVarsError } from './errors.ts';
export { loadVars } from './load-vars.ts';

export type Variant = 'cold' | 'hot';
export const VARIANTS: readonly Variant[] = ['cold', 'hot'];

export interface RenderOptions {
  variant: Variant;
  /**
   * The failback restore window: overrides vars.restore_window (null: none, whatever the vars
   * say; undefined: the vars' own). `score` defaults as in the vars.
   */
  restoreWindow?: { start: string; length: string; score?: number } | null;
  /** Template texts by file name (`xml/drbd.xml`, `pcs/drbd.sh`, `corosync.conf`); default: cib-templates/. */
  templates?: Readonly<Record<string, string>>;
}

export interface RenderResult {
  /** The whole CIB (`<cib>` with an empty status): for crm_verify --xml-file and a new cluster. */
  xml: string;
  /** The `<configuration>` element alone: for `cibadmin --replace --scope configuration --xml-file`. */
  configuration: string;
  /** A sh script of `pcs -f "$1" …` commands that builds the same configuration in a CIB file. */
  pcs: string;
  /** corosync.conf's totem/nodelist/quorum for these vars (token). */
  corosync: string;
  /** The vars after validation, the variant and the window's date_specs (for tests and status). */
  vars: StackVars;
  variant: Variant;
  restoreWindow: (RestoreWindowVars & { dateSpecs: DateSpec[] }) | null;
}

/** cib-templates/, found upwards from this module (works from source and from dist/cli). */
export function templatesDir(): string {
  if (process.env.OCFKIT_CIB_TEMPLATES) return process.env.OCFKIT_CIB_TEMPLATES;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'cib-templates');
    if (existsSync(join(candidate, 'xml', 'cib.xml'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error('cib-templates/ not found next to ocfkit (set OCFKIT_CIB_TEMPLATES)');
    dir = up;
  }
}

let cached: Record<string, string> | null = null;

/** Every template file of cib-templates/ (xml/*.xml, pcs/*.sh, corosync.conf), read once. */
export function loadTemplates(dir = templatesDir()): Record<string, string> {
  if (cached && dir === templatesDir()) return cached;
  const out: Record<string, string> = {};
  for (const sub of ['xml', 'pcs']) for (const f of readdirSync(join(dir, sub)).sort()) out[`${sub}/${f}`] = readFileSync(join(dir, sub, f), 'utf8');
  out['corosync.conf'] = readFileSync(join(dir, 'corosync.conf'), 'utf8');
  if (dir === templatesDir()) cached = out;
  return out;
}

/** Scalars of the vars as template keys: `vip.ip`, `nodes.0.name`, …; objects and lists flattened. */
function flatten(value: unknown, prefix: string, out: Record<string, string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out[prefix] = String(value);
}

interface Format {
  dir: 'xml' | 'pcs';
  ext: string;
  escape: Escape;
  fenceParam(node: string, name: string, value: string): string;
  dateSpecs(idBase: string, specs: DateSpec[]): string[];
}

const XML: Format = {
  dir: 'xml',
  ext: 'xml',
  escape: xmlEscape,
  fenceParam: (node, name, value) => `<nvpair id="fence-${node}-instance_attributes-${name}" name="${name}" value="${xmlEscape(value)}"/>`,
  // The ids pcs gives the same rule, so that both renders are the same CIB.
  dateSpecs: (ruleId, specs) => {
    const one = (id: string, s: DateSpec) => [
      `<date_expression id="${id}" operation="date_spec">`,
      `  <date_spec id="${id}-datespec" ${dateSpecFields(s).map(([k, v]) => `${k}="${v}"`).join(' ')}/>`,
      `</date_expression>`,
    ];
    if (specs.length === 1) return one(`${ruleId}-expr-2`, specs[0]!);
    return [
      `<rule id="${ruleId}-rule" boolean-op="or" score="0">`,
      ...specs.flatMap((s, i) => one(`${ruleId}-rule-expr${i ? `-${i}` : ''}`, s).map((l) => `  ${l}`)),
      `</rule>`,
    ];
  },
};

const PCS: Format = {
  dir: 'pcs',
  ext: 'sh',
  escape: shQuote,
  fenceParam: (_node, name, value) => `${name}=${shQuote(value)} \\`,
  dateSpecs: (_ruleId, specs) => {
    const one = (s: DateSpec) => `date-spec ${dateSpecFields(s).map(([k, v]) => `${k}=${v}`).join(' ')}`;
    if (specs.length === 1) return [one(specs[0]!)];
    return [`'(' ${specs.map(one).join(' or ')} ')'`];
  },
};

export function renderCib(input: StackVars, options: RenderOptions): RenderResult {
  if (!['cold', 'hot'].includes(options.variant)) throw new CibVarsError('options', 'variant', `must be cold or hot, got ${JSON.stringify(options.variant)}`);
  const vars = validateVars(input, 'vars');
  const variant = options.variant;
  const hot = variant === 'hot';
  if (hot && vars.haproxy.read_backends === '') throw new CibVarsError('vars', 'haproxy.read_backends', 'is required for the hot variant (reads are served by every node through it)');
  if (hot && (typeof vars.services.read_only === 'string' ? vars.services.read_only.trim() === '' : vars.services.read_only.length === 0)) {
    throw new CibVarsError('vars', 'services.read_only', 'is required for the hot variant (the services that run read-only on the standby)');
  }
  let window: RestoreWindowVars | null = vars.restore_window;
  if (options.restoreWindow === null) window = null;
  else if (options.restoreWindow !== undefined) {
    window = restoreWindowVars('--restore-window', { score: vars.restore_window?.score, ...options.restoreWindow }, vars.policy.resource_stickiness);
  }
  const dateSpecs = window ? windowDateSpecs(window.start, window.length, options.restoreWindow ? '--restore-window' : 'vars') : [];
  const templates = options.templates ?? loadTemplates();

  const values: Record<string, string> = {};
  flatten(vars, '', values);
  values['services.active_param'] = servicesParam(vars.services.active);
  values['services.read_only_param'] = servicesParam(vars.services.read_only);
  values['haproxy.read_backends_rendered'] = hot ? vars.haproxy.read_backends : '';
  values['restore_window.score'] = window ? String(window.score) : '';
  // The filesystem and services monitors do more (a mount check, one check per service): at least 40 s.
  const monitorS = Math.ceil((parseDuration(vars.policy.monitor_timeout) ?? 20_000) / 1000);
  values['policy.monitor_timeout'] = `${monitorS}s`;
  values['policy.monitor_timeout_slow'] = `${Math.max(40, monitorS)}s`;

  const render = (f: Format, name: string, extra: Record<string, string> = {}, blocks: Record<string, readonly string[]> = {}): string => {
    const file = `${f.dir}/${name}.${f.ext}`;
    const text = templates[file];
    if (text === undefined) throw new Error(`cib-templates: ${file} is missing`);
    const input: TemplateValues = { values: { ...values, ...extra }, blocks };
    return renderTemplate(file, text, input, f.escape, { shell: f.dir === 'pcs' });
  };
  const perNode = (f: Format, name: string): string[] =>
    vars.nodes.map((n) =>
      render(
        f,
        name,
        { 'node.name': n.name, 'node.fence_delay': vars.fence.delay_node === n.name ? vars.fence.delay : '' },
        { 'node.fence_params': Object.keys(vars.fence.params[n.name]!).sort().map((k) => f.fenceParam(n.name, k, vars.fence.params[n.name]![k]!)) },
      ),
    );
  const build = (f: Format): string => {
    const resources = [
      ...perNode(f, 'fence-device'),
      render(f, 'drbd'),
      render(f, 'filesystem'),
      render(f, 'vip'),
      render(f, 'haproxy'),
      render(f, 'services'),
      ...(hot ? [render(f, 'services-ro')] : []),
    ];
    const constraints = [
      ...perNode(f, 'fence-location'),
      render(f, 'constraints'),
      ...(hot ? [render(f, 'constraints-ro')] : []),
      ...(window ? [render(f, 'restore-window', {}, { 'restore_window.date_specs': f.dateSpecs('drbd-data-clone-restore-window-rule', dateSpecs) })] : []),
    ];
    const top = f.dir === 'xml' ? 'cib' : 'stack';
    return `${render(f, top, {}, { resources: resources.join('\n').split('\n'), constraints: constraints.join('\n').split('\n') })}\n`;
  };

  const xml = build(XML);
  // Ids are made from node names: two names can make one id (nodes 'a' and 'a-avoids-a' both give
  // 'fence-a-avoids-a'). Values are escaped, so ` id="` only ever starts an id attribute.
  const seen = new Set<string>();
  for (const m of xml.matchAll(/\sid="([^"]*)"/g)) {
    if (seen.has(m[1]!)) throw new CibVarsError('vars', 'nodes', `the node names make the CIB id '${m[1]}' twice; rename a node`);
    seen.add(m[1]!);
  }
  const open = xml.indexOf('<configuration>');
  const close = xml.indexOf('</configuration>') + '</configuration>'.length;
  const configuration = `${xml
    .slice(open, close)
    .split('\n')
    .map((l, i) => (i === 0 ? l : l.replace(/^ {2}/, '')))
    .join('\n')}\n`;
  const corosync = `${renderTemplate('corosync.conf', templates['corosync.conf'] ?? '', { values }, (v) => v, { keepBlank: true })}\n`;
  return { xml, configuration, pcs: build(PCS), corosync, vars, variant, restoreWindow: window ? { ...window, dateSpecs } : null };
}
