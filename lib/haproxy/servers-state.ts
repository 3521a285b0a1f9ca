/**
 * `show servers state [<backend>]`, parsed. Pure.
 *
 * The first line is the format version (`1`), the second a `#` header naming the columns
 * (25 in 2.6.12); columns are read by name, so a version that adds columns still parses. The
 * admin state is a bitmask (HAProxy's `enum srv_admin`): maintenance is any of 0x23 (forced,
 * inherited, resolution), drain any of 0x18 (forced, inherited). A server `disabled` in the
 * configuration keeps 0x04 (CMAINT) after it is enabled at run time although it is not in
 * maintenance any more: 0x04 alone is not maintenance.
 */
import { ReplyParseError } from './errors.ts';

export const ADMIN = {
  FMAINT: 0x01,
  IMAINT: 0x02,
  CMAINT: 0x04,
  FDRAIN: 0x08,
  IDRAIN: 0x10,
  RMAINT: 0x20,
  HMAINT: 0x40,
} as const;
export const MAINT_MASK = 0x23;
export const DRAIN_MASK = 0x18;

/** srv_op_state. */
export type OpState = 'stopped' | 'starting' | 'running' | 'stopping';
const OP_STATES: OpState[] = ['stopped', 'starting', 'running', 'stopping'];

/** What the admin bits mean for traffic: maint wins over drain. */
export type AdminMode = 'ready' | 'drain' | 'maint';

/** Health-check state bits (CHK_ST_*). */
const CHK_CONFIGURED = 0x02;

export interface ServerState {
  backendId: number;
  backend: string;
  id: number;
  name: string;
  /** `-` (none: e.g. `init-addr none`) becomes null. */
  addr: string | null;
  port: number | null;
  opState: OpState;
  adminBits: number;
  admin: AdminMode;
  /** A health check is configured for this server (it is paused while in maintenance). */
  checked: boolean;
  /** Seconds since the last state change. */
  sinceChangeS: number;
  fqdn: string | null;
}

export function adminMode(bits: number): AdminMode {
  if (bits & MAINT_MASK) return 'maint';
  if (bits & DRAIN_MASK) return 'drain';
  return 'ready';
}

const REQUIRED = ['be_id', 'be_name', 'srv_id', 'srv_name', 'srv_addr', 'srv_op_state', 'srv_admin_state', 'srv_time_since_last_change', 'srv_check_state', 'srv_port'] as const;

function integer(source: string, line: number, column: string, text: string | undefined): number {
  if (text === undefined || !/^-?\d+$/.test(text)) throw new ReplyParseError(source, line, `column ${column}: expected an integer, got '${text ?? ''}'`);
  return Number(text);
}

export function parseServersState(text: string, source = 'show servers state'): ServerState[] {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new ReplyParseError(source, 1, 'empty reply');
  if (lines[0]!.trim() !== '1') {
    throw new ReplyParseError(source, 1, `expected the format version '1', got '${lines[0]!.slice(0, 80)}'`);
  }
  const header = lines[1];
  if (header === undefined || !header.startsWith('# ')) throw new ReplyParseError(source, 2, 'expected the "# be_id be_name …" header');
  const columns = header.slice(2).trim().split(/\s+/);
  const at = new Map(columns.map((c, i) => [c, i]));
  for (const name of REQUIRED) if (!at.has(name)) throw new ReplyParseError(source, 2, `header lacks column ${name}`);
  const col = (fields: string[], name: string): string | undefined => fields[at.get(name)!];

  const servers: ServerState[] = [];
  for (let i = 2; i < lines.length; i++) {
    const n = i + 1;
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const fields = raw.trim().split(/\s+/);
    if (fields.length < columns.length) throw new ReplyParseError(source, n, `expected ${columns.length} fields, got ${fields.length}`);
    const op = integer(source, n, 'srv_op_state', col(fields, 'srv_op_state'));
    if (op < 0 || op > 3) throw new ReplyParseError(source, n, `column srv_op_state: unknown state ${op}`);
    const adminBits = integer(source, n, 'srv_admin_state', col(fields, 'srv_admin_state'));
    const checkBits = integer(source, n, 'srv_check_state', col(fields, 'srv_check_state'));
    const addr = col(fields, 'srv_addr')!;
    const portText = col(fields, 'srv_port');
    const fqdn = at.has('srv_fqdn') ? col(fields, 'srv_fqdn')! : '-';
    servers.push({
      backendId: integer(source, n, 'be_id', col(fields, 'be_id')),
      backend: col(fields, 'be_name')!,
      id: integer(source, n, 'srv_id', col(fields, 'srv_id')),
      name: col(fields, 'srv_name')!,
      addr: addr === '-' ? null : addr,
      port: portText === undefined || portText === '-' || portText === '0' ? null : integer(source, n, 'srv_port', portText),
      opState: OP_STATES[op]!,
      adminBits,
      admin: adminMode(adminBits),
      checked: (checkBits & CHK_CONFIGURED) !== 0,
      sinceChangeS: integer(source, n, 'srv_time_since_last_change', col(fields, 'srv_time_since_last_change')),
      fqdn: fqdn === '-' ? null : fqdn,
    });
  }
  return servers;
}
