/**
 * `show stat` (CSV with a `# pxname,svname,…` header) and `show info` / `show backend`, parsed.
 * Pure. Columns are read by name.
 */
import { ReplyParseError } from './errors.ts';

export interface StatRow {
  proxy: string;
  /** A server name, or FRONTEND / BACKEND. */
  name: string;
  /** Current sessions. */
  sessions: number;
  /** UP, DOWN, DRAIN, MAINT, `UP 1/2`, `MAINT (resolution)`, OPEN, no check … as HAProxy prints it. */
  status: string;
  checkStatus: string;
  addr: string;
  /** Every column by name. */
  fields: Record<string, string>;
}

export function parseStat(text: string, source = 'show stat'): StatRow[] {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = lines[0];
  if (header === undefined || !header.startsWith('# ')) throw new ReplyParseError(source, 1, 'expected the "# pxname,svname,…" CSV header');
  const columns = header.slice(2).split(',');
  for (const name of ['pxname', 'svname', 'scur', 'status']) {
    if (!columns.includes(name)) throw new ReplyParseError(source, 1, `header lacks column ${name}`);
  }
  const rows: StatRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const values = line.split(',');
    if (values.length < columns.length) throw new ReplyParseError(source, i + 1, `expected ${columns.length} fields, got ${values.length}`);
    const fields: Record<string, string> = {};
    columns.forEach((c, k) => {
      if (c !== '') fields[c] = values[k]!;
    });
    const scur = fields.scur ?? '';
    if (scur !== '' && !/^\d+$/.test(scur)) throw new ReplyParseError(source, i + 1, `column scur: expected an integer, got '${scur}'`);
    rows.push({
      proxy: fields.pxname!,
      name: fields.svname!,
      sessions: scur === '' ? 0 : Number(scur),
      status: fields.status ?? '',
      checkStatus: fields.check_status ?? '',
      addr: fields.addr ?? '',
      fields,
    });
  }
  return rows;
}

/** `show info`: `Name: value` lines. */
export function parseInfo(text: string, source = 'show info'): Map<string, string> {
  const info = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ReplyParseError(source, i + 1, `expected 'Name: value', got '${line.slice(0, 80)}'`);
    info.set(line.slice(0, colon), line.slice(colon + 1).trim());
  });
  return info;
}

export interface ProcessInfo {
  pid: number;
  uptimeS: number;
  version: string;
}

export function processInfo(info: Map<string, string>, source = 'show info'): ProcessInfo {
  const pid = Number(info.get('Pid'));
  const uptimeS = Number(info.get('Uptime_sec'));
  if (!Number.isInteger(pid) || !Number.isInteger(uptimeS)) throw new ReplyParseError(source, 0, 'no Pid or Uptime_sec line');
  return { pid, uptimeS, version: info.get('Version') ?? '' };
}

/** `show backend`: a `# name` header, then one backend per line. */
export function parseBackends(text: string, source = 'show backend'): string[] {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines[0] !== '# name') throw new ReplyParseError(source, 1, `expected the "# name" header, got '${(lines[0] ?? '').slice(0, 80)}'`);
  return lines.slice(1);
}
