/**
 * Which `pcs status` form a text is, from the text alone: the first non-blank line names it
 * (`Pacemaker Nodes:`, `Cluster Status:`, `Quorum information`, …); text without such a header
 * is `status` (a status marker: `Cluster name:`, `Cluster Summary:`, `Stack:`, …) or `resources`.
 * A form's own headers may repeat only where pcs repeats them; the header of another form at the
 * left margin means two outputs were glued together: a typed error naming that line.
 */
import { ClusterParseError } from './errors.ts';
import type { PcsStatusKind } from './pcs-model.ts';

export interface LineSource {
  readonly count: number;
  raw(i: number): string;
}

/** Headers that start a form, at the left margin, and the form they start. */
const FORM_HEADERS: Record<string, PcsStatusKind> = Object.assign(Object.create(null), {
  'Pacemaker Nodes:': 'nodes',
  'Corosync Nodes:': 'nodes',
  'Pacemaker Remote Nodes:': 'nodes',
  'Cluster Status:': 'cluster',
  'Quorum information': 'quorum',
  'Membership information': 'corosync',
  'Votequorum information': 'quorum',
  'Cluster Summary:': 'status',
  'Current cluster status:': 'status',
});

/** For each form: the headers it may print, and how often each may occur (0 = any number). */
const OWN: Record<PcsStatusKind, Record<string, number>> = {
  status: { 'Cluster name:': 1, 'Cluster Summary:': 1, 'Current cluster status:': 1 },
  resources: {},
  nodes: { 'Pacemaker Nodes:': 1, 'Corosync Nodes:': 1, 'Pacemaker Remote Nodes:': 1 },
  cluster: { 'Cluster Status:': 1 },
  quorum: { 'Quorum information': 1, 'Votequorum information': 1, 'Membership information': 1 },
  corosync: { 'Membership information': 1 },
  pcsd: {},
  xml: {},
  error: {},
};

const PCSD_LINE = /^\s+\S+: (?:Online|Offline|Unable to authenticate)\s*$/;
const STATUS_PREFIX = /^(Cluster name:|Cluster Summary:|Current cluster status:)/;
/** The lines that make a text `pcs status` rather than resource lines (pcs-status.ts's markers). */
const STATUS_MARKER = /^(Current cluster status:|Cluster name:|Cluster Summary:|Stack:|Current DC:|Node List:|Online:|Full [Ll]ist of [Rr]esources:|WARNINGS:|Status of pacemakerd:)/;

/** The line without its line end and trailing white space (CRLF and tabs included). */
const clean = (s: string) => s.trimEnd();

export function detectForm(lines: LineSource): PcsStatusKind | null {
  let first = -1;
  for (let i = 0; i < lines.count; i++) {
    if (clean(lines.raw(i)) !== '') {
      first = i;
      break;
    }
  }
  if (first === -1) return null;
  // pcs 0.9 prints `Error mapping <node>` before `Corosync Nodes:` when node ids do not map.
  while (first + 1 < lines.count && /^Error mapping \S+$/.test(clean(lines.raw(first)))) first++;
  const raw = clean(lines.raw(first));
  if (raw.trimStart().startsWith('<')) return 'xml';
  const header = FORM_HEADERS[raw];
  if (header !== undefined && header !== 'status') return header;
  if (PCSD_LINE.test(raw)) return 'pcsd';
  if (/^(Error|Warning): /.test(raw) && onlyMessages(lines, first)) return 'error';
  return null;
}

/** Every non-blank line an `Error:` or `Warning:` line (pcs's stderr, kept with stdout). */
function onlyMessages(lines: LineSource, from: number): boolean {
  for (let i = from; i < lines.count; i++) {
    const t = clean(lines.raw(i));
    if (t !== '' && !/^(Error|Warning): /.test(t)) return false;
  }
  return true;
}

/**
 * Throws when a line at the left margin starts another form (or repeats a header this form
 * prints once). Linear: one dictionary lookup per line that starts in column 0.
 */
export function checkSingleForm(lines: LineSource, kind: PcsStatusKind): void {
  const own = OWN[kind];
  const seen = new Map<string, number>();
  // `pcs status` never starts with an indented line: one that does is resource lines (`pcs
  // status resources`) with a status output glued after them.
  let startsIndented: boolean | null = null;
  for (let i = 0; i < lines.count; i++) {
    const raw = lines.raw(i);
    const c = raw.charCodeAt(0);
    if (startsIndented === null && clean(raw) !== '') startsIndented = c === 32 || c === 9;
    if (c === 32 || c === 9 || raw.length > 64) continue;
    const t = clean(raw);
    if (kind === 'status' && startsIndented && STATUS_MARKER.test(t)) {
      throw new ClusterParseError('pcs-status', `a pcs status output ("${t.slice(0, 24)}") after resource lines: parse each command's output on its own`, { line: i + 1 });
    }
    const starts = FORM_HEADERS[t] ?? (STATUS_PREFIX.test(t) ? 'status' : undefined);
    if (starts === undefined) continue;
    const key = t.startsWith('Cluster name:') ? 'Cluster name:' : t;
    const limit = own[key];
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (limit === undefined) {
      throw new ClusterParseError('pcs-status', `"${key}" starts another pcs status form (${starts}) inside the ${kind} form: parse each command's output on its own`, { line: i + 1 });
    }
    if (limit !== 0 && n > limit) {
      throw new ClusterParseError('pcs-status', `"${key}" a second time: two outputs of the ${kind} form glued together`, { line: i + 1 });
    }
  }
}
