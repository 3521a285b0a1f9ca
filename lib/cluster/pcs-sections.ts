/** The non-resource sections of `pcs status` text: summary, nodes, attributes, failures, … */
import { ClusterParseError, MAX_NODES, type WarningList, clip } from './errors.ts';
import { ownOrNew, setOwn } from './xml-context.ts';
import type { FailedAction, NodeStatus, NodeType, Ticket } from './model.ts';
import type { MigrationEntry, PcsStatus } from './pcs-model.ts';
import type { TextLine } from './pcs-resources.ts';
import { parseDuration, parseInteger, parseScore, promotionScoreResource, splitOpKey } from './normalize.ts';

function warn(warnings: WarningList, l: TextLine, message: string): void {
  warnings.push({ source: 'pcs-status', line: l.line, message });
}

/** A summary line (`Cluster Summary:` in 2.x, top level in pcs 0.9). True when recognised. */
export function summaryLine(t: string, s: PcsStatus): boolean {
  let m: RegExpExecArray | null;
  if ((m = /^Stack: (.*)$/.exec(t))) s.stack = m[1]!.trim();
  else if ((m = /^Current DC: (\S+)(?: \(([^)\s]+)\))?(?: \(version ([^)]*)\))?(?: - (.*))?$/.exec(t))) {
    if (m[1] !== 'NONE') {
      s.dc = m[1]!;
      s.dcId = m[2] ?? null;
      s.dcVersion = m[3] ?? null;
    }
    s.quorum = m[4] ? /with quorum/.test(m[4]) : false;
  } else if ((m = /^Last updated: (.*)$/.exec(t))) {
    // Pacemaker 1.1.13-1.1.14 print `Last updated: <t>\t\tLast change: <t> by …` on one line.
    const both = /^(.*?)\s+Last change:\s*(.*)$/.exec(m[1]!);
    s.lastUpdate = (both ? both[1]! : m[1]!).trim();
    if (both) s.lastChange = both[2]!.trim() || null;
  } else if ((m = /^Last change:\s*(.*)$/.exec(t))) s.lastChange = m[1]!.trim() || null;
  else if ((m = /^Version: (\S+)$/.exec(t))) s.dcVersion = m[1]!;
  else if ((m = /^(\d+) nodes and (\d+) resources configured/i.exec(t))) {
    s.nodesConfigured = Number(m[1]);
    s.resourcesConfigured = Number(m[2]);
  } else if ((m = /^(\d+) nodes? configured/i.exec(t))) s.nodesConfigured = Number(m[1]);
  else if ((m = /^(\d+) (?:resource instances?|resources?) configured(?: \((.*)\))?/i.exec(t))) {
    s.resourcesConfigured = Number(m[1]);
    for (const part of (m[2] ?? '').split(',')) {
      const d = /(\d+) DISABLED/.exec(part);
      const b = /(\d+) BLOCKED/.exec(part);
      if (d) s.resourcesDisabled = Number(d[1]);
      if (b) s.resourcesBlocked = Number(b[1]);
    }
  } else if (/\*\*\* Resource management is DISABLED \*\*\*/.test(t)) s.maintenanceMode = true;
  else if (/^The cluster will not attempt to start, stop or recover services$/.test(t)) return true;
  else if ((m = /^Status of pacemakerd: '([^']*)'/.exec(t))) s.pacemakerdState = m[1]!;
  else return false;
  return true;
}

function blankNode(name: string, type: NodeType): NodeStatus {
  return {
    name, id: null, type, online: false, standby: false, standbyOnFail: false, maintenance: false, pending: false,
    unclean: false, shutdown: false, expectedUp: null, isDc: false, resourcesRunning: null, health: null,
    featureSet: null, idAsResource: null, extra: {},
  };
}

function applyState(node: NodeStatus, state: string): void {
  node.online = !/offline/i.test(state) && !/^pending/.test(state);
  node.standby = /standby/.test(state);
  node.standbyOnFail = /standby \(on-fail\)/.test(state);
  node.maintenance = /maintenance/.test(state);
  node.unclean = /UNCLEAN/.test(state);
  node.pending = /pending/.test(state);
  node.shutdown = /shutting down/.test(state);
  const fs = /feature set (\S+)/.exec(state);
  if (fs) node.featureSet = fs[1]!;
  node.extra = { state };
}

/** A node-list line. True when recognised. `byName` indexes `s.nodes`. */
export function nodeLine(l: TextLine, s: PcsStatus, byName: Map<string, NodeStatus>): boolean {
  const t = l.text;
  let m: RegExpExecArray | null;
  const get = (name: string, type: NodeType): NodeStatus => {
    let node = byName.get(name);
    if (!node) {
      if (byName.size >= MAX_NODES) {
        throw new ClusterParseError('pcs-status', `more than ${MAX_NODES} nodes (the limit: a cluster has at most 32 members and a few thousand remote nodes)`, { line: l.line });
      }
      node = blankNode(name, type);
      s.nodes.push(node);
      byName.set(name, node);
    }
    return node;
  };
  // `(.*)\]$` then a split, not `\[\s*(.*?)\s*\]$`: that backtracks quadratically on long lists.
  if ((m = /^(Online|OFFLINE|RemoteOnline|RemoteOFFLINE|GuestOnline|GuestOFFLINE): \[(.*)\]$/.exec(t))) {
    const kind = m[1]!;
    const type: NodeType = kind.startsWith('Remote') ? 'remote' : kind.startsWith('Guest') ? 'guest' : 'member';
    for (const word of m[2]!.matchAll(/\S+/g)) {
      const entry = word[0];
      const [name, host] = entry.split('@') as [string, string | undefined];
      const node = get(name, type);
      applyState(node, /online/i.test(kind) && !/OFFLINE/.test(kind) ? 'online' : 'OFFLINE');
      if (host !== undefined) node.extra.host = host;
    }
    return true;
  }
  if ((m = /^(Node|RemoteNode|GuestNode) ([^\s:]+)(?: \(([^)]+)\))?: (.*)$/.exec(t))) {
    const type: NodeType = m[1] === 'RemoteNode' ? 'remote' : m[1] === 'GuestNode' ? 'guest' : 'member';
    const [name, host] = m[2]!.split('@') as [string, string | undefined];
    const node = get(name, type);
    node.id = m[3] ?? null;
    applyState(node, m[4]!);
    if (host !== undefined) node.extra.host = host;
    return true;
  }
  return false;
}

/** `Node Attributes:` lines; `node` is the current node header. */
export function attributeLines(lines: Iterable<TextLine>, s: PcsStatus, warnings: WarningList): void {
  let node: string | null = null;
  for (const l of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^Node:? ([^\s:]+)(?: \([^)]*\))?:$/.exec(l.text))) node = m[1]!;
    else if (node && (m = /^(\S+)\s*:(.*)$/.exec(l.text))) {
      const value = m[2]!.trim();
      setOwn(ownOrNew(s.nodeAttributes, node, () => ({})), m[1]!, value);
      const rsc = promotionScoreResource(m[1]!);
      const score = parseScore(value.split(/\s/)[0]);
      if (rsc !== null && score !== null) setOwn(ownOrNew(s.promotionScores, node, () => ({})), rsc, score);
    } else warn(warnings, l, `unrecognised node attribute line "${clip(l.text, 80)}"`);
  }
}

/** `key=value` pairs; a key starts only where a word starts (else a long word is rescanned per character). */
const KV = /(?<![\w-])([\w-]+)=('[^']*'|[^,\s]*)/g;

function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(KV)) setOwn(out, m[1]!, m[2]!.replace(/^'|'$/g, ''));
  return out;
}

export function migrationLines(lines: Iterable<TextLine>, warnings: WarningList): MigrationEntry[] {
  const out: MigrationEntry[] = [];
  let node: string | null = null;
  for (const l of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^Node:? ([^\s:]+)(?: \([^)]*\))?:$/.exec(l.text))) node = m[1]!;
    else if (node && (m = /^(\S+?):? (migration-threshold=.*)$/.exec(l.text))) {
      const values = keyValues(m[2]!);
      out.push({
        node,
        resource: m[1]!,
        migrationThreshold: parseScore(values['migration-threshold']),
        failCount: parseScore(values['fail-count']),
        lastFailure: values['last-failure'] ?? null,
        values,
      });
    } else warn(warnings, l, `unrecognised migration summary line "${clip(l.text, 80)}"`);
  }
  return out;
}

export function failureLines(lines: Iterable<TextLine>, warnings: WarningList): FailedAction[] {
  // pcs 0.9 wraps a failure over two lines: a continuation line is joined to the line it continues.
  const out: FailedAction[] = [];
  let pending: TextLine | null = null;
  for (const l of lines) {
    if (pending && !/^\S+ on \S+ '/.test(l.text) && l.indent > pending.indent) pending.text += ' ' + l.text;
    else {
      if (pending) failure(pending, warnings, out);
      pending = { ...l };
    }
  }
  if (pending) failure(pending, warnings, out);
  return out;
}

function failure(l: TextLine, warnings: WarningList, out: FailedAction[]): void {
  {
    const m = /^(\S+) on (\S+) '([^']*)' \((-?\d+)\): (.*)$/.exec(l.text);
    const short = m ? null : shortFailure(l.text);
    if (short) {
      out.push(short);
      return;
    }
    if (!m) {
      warn(warnings, l, `unrecognised failed action "${clip(l.text, 80)}"`);
      return;
    }
    const kv = keyValues(m[5]!);
    const op = splitOpKey(m[1]!);
    const reason = kv.exitreason;
    out.push({
      opKey: m[1]!,
      resource: op.resource,
      node: m[2]!,
      task: op.task,
      intervalMs: op.intervalMs,
      exitCode: Number(m[4]),
      exitStatus: m[3]!,
      exitReason: reason === undefined || reason === '' || reason === 'none' ? null : reason,
      call: parseInteger(kv.call),
      status: kv.status ?? null,
      lastRcChange: kv['last-rc-change'] ?? null,
      queuedMs: parseInteger(kv.queued?.replace(/ms$/, '')),
      execMs: parseInteger(kv.exec?.replace(/ms$/, '')),
      extra: {},
    });
  }
}

export function ticketLines(lines: Iterable<TextLine>, warnings: WarningList): Ticket[] {
  const out: Ticket[] = [];
  for (const l of lines) {
    const m = /^(\S+?):?\s+(granted|revoked)(.*)$/.exec(l.text);
    if (!m) {
      warn(warnings, l, `unrecognised ticket line "${clip(l.text, 80)}"`);
      continue;
    }
    out.push({ id: m[1]!, status: m[2]!, standby: /standby/.test(m[3]!) ? true : null, lastGranted: /last-granted='([^']*)'/.exec(m[3]!)?.[1] ?? null });
  }
  return out;
}

/** `name: value` lines (PCSD Status, Daemon Status). */
export function colonLines(lines: Iterable<TextLine>, into: Record<string, string>): void {
  for (const l of lines) {
    const m = /^([^:]+):\s*(.*)$/.exec(l.text);
    if (m) setOwn(into, m[1]!.trim(), m[2]!.trim());
  }
}

/** Pacemaker's names of OCF exit codes, as the short failed-action lines print them. */
const EXIT_NAMES: Record<string, number> = Object.assign(Object.create(null), {
  ok: 0, error: 1, 'invalid parameter': 2, 'unimplemented feature': 3, 'insufficient privileges': 4,
  'not installed': 5, 'not configured': 6, 'not running': 7, promoted: 8, master: 8, 'promoted (failed)': 9,
  'master (failed)': 9, degraded: 190, 'promoted (degraded)': 191,
});

const SHORT_RETURNED = /^(\S+) (?:(\S+)-interval )?(\S+) on (\S+) returned '([^']*)'(?: \((.*)\))? at (.+?)(?: after (\S+))?$/;
const SHORT_NOT_EXECUTED = /^(\S+) (?:(\S+)-interval )?(\S+) on (\S+) could not be executed \(([^)]*)\)(?: because '(.*)')? at (.+?)(?: after (\S+))?$/;

/**
 * Pacemaker 2.1's short failed-action line (plain `pcs status`), e.g.
 * `web 10s-interval monitor on node1 returned 'error' (reason) at <time> after 12ms`. The exit
 * code is not printed: it is derived from the name where the name is known, else null.
 */
function shortFailure(text: string): FailedAction | null {
  const r = SHORT_RETURNED.exec(text);
  const n = r ? null : SHORT_NOT_EXECUTED.exec(text);
  const m = r ?? n;
  if (!m) return null;
  const intervalMs = m[2] ? parseDuration(m[2]) : 0;
  const exitStatus = r ? r[5]! : null;
  return {
    opKey: `${m[1]}_${m[3]}_${intervalMs ?? 0}`,
    resource: m[1]!,
    node: m[4]!,
    task: m[3]!,
    intervalMs,
    exitCode: exitStatus !== null ? (EXIT_NAMES[exitStatus] ?? null) : null,
    exitStatus,
    exitReason: (r ? r[6] : n![6]) ?? null,
    call: null,
    status: r ? 'complete' : n![5]!,
    lastRcChange: m[7]!,
    queuedMs: null,
    execMs: m[8] ? parseDuration(m[8]) : null,
    extra: { format: 'short' },
  };
}
