/**
 * `pcs status corosync` and `pcs status quorum`: pcs prints corosync-quorumtool's output as it is
 * (`-l`: the membership table; `-p`/`-s`: `Quorum information`, `Votequorum information`, then
 * the membership table), the same from pcs 0.9 (Corosync 2: `Ring ID: 1/8`) to 0.11 (Corosync 3:
 * `Ring ID: 1.9`). Rows are `Nodeid Votes [Qdevice] Name [(local)]`, node ids decimal or hex.
 */
import { ClusterParseError, MAX_NODES, type WarningList, clip } from './errors.ts';
import { setOwn } from './xml-context.ts';
import type { MembershipEntry, QuorumInfo } from './pcs-model.ts';
import type { TextLine } from './pcs-resources.ts';

export const COROSYNC_HEADERS: Record<string, 'quorum' | 'votequorum' | 'membership'> = Object.assign(Object.create(null), {
  'Quorum information': 'quorum',
  'Votequorum information': 'votequorum',
  'Membership information': 'membership',
});

export interface CorosyncResult {
  quorumInfo: QuorumInfo | null;
  membership: MembershipEntry[] | null;
  recognised: number;
}

function emptyQuorum(): QuorumInfo {
  return {
    date: null, provider: null, nodes: null, nodeId: null, ringId: null, quorate: null, expectedVotes: null,
    highestExpected: null, totalVotes: null, quorum: null, quorumNote: null, flags: [], extra: {},
  };
}

const int = (v: string): number | null => (/^\d{1,9}$/.test(v) ? Number(v) : null);

export function parseCorosyncForm(lines: Iterable<TextLine>, warnings: WarningList): CorosyncResult {
  const out: CorosyncResult = { quorumInfo: null, membership: null, recognised: 0 };
  let block: 'quorum' | 'votequorum' | 'membership' | null = null;
  let qdeviceColumn = false;
  const warn = (l: TextLine, what: string) =>
    warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised ${what} line "${clip(l.text, 80)}"` });
  for (const l of lines) {
    const t = l.text;
    if (t === '' || /^-+$/.test(t)) continue;
    if (l.indent === 0 && t in COROSYNC_HEADERS) {
      block = COROSYNC_HEADERS[t]!;
      if (block !== 'membership') out.quorumInfo ??= emptyQuorum();
      else out.membership ??= [];
      out.recognised++;
      continue;
    }
    if (block === 'membership') {
      if (/^Nodeid\s+Votes\b/.test(t)) {
        qdeviceColumn = /\bQdevice\b/.test(t);
        continue;
      }
      const row = membershipRow(t, qdeviceColumn);
      if (!row) {
        warn(l, 'membership');
        continue;
      }
      if (out.membership!.length >= MAX_NODES) {
        throw new ClusterParseError('pcs-status', `a membership of more than ${MAX_NODES} nodes`, { line: l.line });
      }
      out.membership!.push(row);
      out.recognised++;
      continue;
    }
    const kv = block !== null ? /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(t) : null;
    if (!kv) {
      warn(l, block === null ? 'corosync' : 'quorum information');
      continue;
    }
    if (!field(out.quorumInfo!, kv[1]!, kv[2]!)) setOwn(out.quorumInfo!.extra, kv[1]!, kv[2]!);
    out.recognised++;
  }
  return out;
}

/** One `Key: value` line of the information blocks; false when there is no field for the key. */
function field(q: QuorumInfo, key: string, value: string): boolean {
  switch (key) {
    case 'Date': q.date = value; break;
    case 'Quorum provider': q.provider = value; break;
    case 'Nodes': q.nodes = int(value); break;
    case 'Node ID': q.nodeId = value; break;
    case 'Ring ID': q.ringId = value; break;
    case 'Quorate': q.quorate = value === 'Yes' ? true : value === 'No' ? false : null; break;
    case 'Expected votes': q.expectedVotes = int(value); break;
    case 'Highest expected': q.highestExpected = int(value); break;
    case 'Total votes': q.totalVotes = int(value); break;
    case 'Quorum': {
      const m = /^(\d{1,9})\s*(.*)$/.exec(value);
      q.quorum = m ? Number(m[1]) : null;
      q.quorumNote = m && m[2] !== '' ? m[2]! : null;
      break;
    }
    case 'Flags': q.flags = value.split(/\s+/).filter(Boolean); break;
    default: return false;
  }
  return true;
}

function membershipRow(t: string, qdeviceColumn: boolean): MembershipEntry | null {
  const m = /^(0x[0-9A-Fa-f]+|\d+)\s+(\d+)\s+(.*)$/.exec(t);
  if (!m) return null;
  const words = m[3]!.split(/\s+/).filter(Boolean);
  const local = words[words.length - 1] === '(local)';
  if (local) words.pop();
  let qdevice: string | null = null;
  if (qdeviceColumn && words.length === 2) qdevice = words.shift()!;
  if (words.length !== 1) return null;
  return { nodeId: m[1]!, votes: Number(m[2]), qdevice, name: words[0]!, local };
}
