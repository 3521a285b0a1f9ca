/**
 * The report as text: at most `width` (80) columns, colour only when asked (the CLI asks when
 * stdout is a TTY and NO_COLOR is unset). Pure.
 */
import type { StatusReport, StepReport, StepState, Verdict } from './report.ts';

export interface RenderOptions {
  width?: number;
  color?: boolean;
  /** Minutes east of UTC for the times shown. */
  tzOffsetMin?: number;
}

const SGR = { red: '31', green: '32', yellow: '33', cyan: '36', bold: '1', dim: '2' } as const;
type Tone = keyof typeof SGR;

const VERDICT_TONE: Record<Verdict, Tone> = { healthy: 'green', degraded: 'yellow', 'failing-over': 'cyan', 'no-active-node': 'red', unknown: 'red' };
const STEP_TONE: Record<StepState, Tone> = { done: 'green', running: 'cyan', pending: 'cyan', failed: 'red', 'not-started': 'yellow', skipped: 'dim', unknown: 'dim' };
const STEP_MARK: Record<StepState, string> = { done: '✓', running: '›', pending: '·', failed: '✗', 'not-started': '-', skipped: '~', unknown: '?' };

export function clock(isoTime: string | null, tzOffsetMin = 0, withMs = true): string {
  if (!isoTime) return '';
  const d = new Date(Date.parse(isoTime) + tzOffsetMin * 60_000);
  const s = d.toISOString();
  return withMs ? s.slice(11, 23) : s.slice(11, 19);
}

export function seconds(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 600_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** A bar of `cells` cells for a percentage. */
export function bar(percent: number, cells = 20): string {
  const p = Math.max(0, Math.min(100, percent));
  const full = Math.round((p / 100) * cells);
  return `[${'#'.repeat(full)}${'.'.repeat(cells - full)}] ${p.toFixed(1).padStart(5)}%`;
}

/** Cut a line to `width` columns (code points), with … when cut. */
function fit(line: string, width: number): string {
  const cps = [...line];
  return cps.length <= width ? line : cps.slice(0, width - 1).join('') + '…';
}

/** Wrap text to `width`, continuation lines indented by `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lead = /^ */.exec(text)![0];
  const words = text.slice(lead.length).split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = lead;
  for (const w of words) {
    const room = width - (lines.length === 0 ? 0 : indent.length);
    if (cur.trim() && [...cur].length + 1 + [...w].length > room) {
      lines.push(cur);
      cur = w;
    } else cur = cur.trim() ? `${cur} ${w}` : cur + w;
  }
  if (cur.trim()) lines.push(cur);
  return lines.map((l, i) => fit(i === 0 ? l : indent + l, width));
}

const yesNo = (b: boolean | null, yes = 'yes', no = 'no'): string => (b === null ? '?' : b ? yes : no);

export function renderStatus(r: StatusReport, o: RenderOptions = {}): string {
  const width = o.width ?? 80;
  const tz = o.tzOffsetMin ?? 0;
  const paint = (tone: Tone, s: string): string => (o.color ? `\x1b[${SGR[tone]}m${s}\x1b[0m` : s);
  const out: string[] = [];
  // colour is applied after fitting so escape codes never count against the width
  const push = (line: string, tone?: Tone): void => {
    const l = fit(line, width);
    out.push(tone ? paint(tone, l) : l);
  };
  const pushWrapped = (text: string, indent: string, tone?: Tone): void => {
    for (const l of wrap(text, width, indent)) out.push(tone ? paint(tone, l) : l);
  };

  const label = r.verdict.state.replace(/-/g, ' ').toUpperCase();
  const head = wrap(`${label}: ${r.verdict.reason}`, width, '  ');
  out.push(...head.map((l, i) => (i === 0 ? paint('bold', paint(VERDICT_TONE[r.verdict.state], l)) : paint(VERDICT_TONE[r.verdict.state], l))));
  for (const extra of r.verdict.reasons.slice(1, 6)) pushWrapped(`  also: ${extra}`, '        ');
  if (r.verdict.reasons.length > 6) push(`  also: ${r.verdict.reasons.length - 6} more (see below)`);
  push(`ocfkit status on ${r.localNode ?? '?'} at ${clock(r.generatedAt, tz, false)}${tz === 0 ? ' UTC' : ''}`, 'dim');
  out.push('');

  if (r.cluster.running) {
    const fence = r.cluster.fencingConfigured ? `on (${r.cluster.fenceDevices.map((d) => d.id).join(', ')})` : r.cluster.stonithEnabled ? 'on, NO fence device' : 'OFF';
    const clusterLine = (f: string): string => `Cluster  quorum ${yesNo(r.cluster.quorum)} · DC ${r.cluster.dc ?? 'none'} · maintenance ${yesNo(r.cluster.maintenanceMode, 'ON', 'off')} · fencing ${f}`;
    const long = clusterLine(fence);
    push([...long].length <= width || !r.cluster.fencingConfigured ? long : clusterLine(`on (${r.cluster.fenceDevices.length} devices)`));
    const clone = r.stack.clone ?? 'the promotable clone';
    push(`Active   ${r.activeNode ? `${r.activeNode}  (${clone} Promoted there)` : `none  (${clone} is not Promoted on any node)`}`, r.activeNode ? undefined : 'red');
    out.push('');
    push(`${'Node'.padEnd(10)}${'state'.padEnd(12)}${'role'.padEnd(14)}${'DRBD'.padEnd(22)}score`);
    for (const n of r.nodes) {
      const state = n.unclean ? 'UNCLEAN' : !n.online ? 'offline' : n.standby ? 'standby' : n.maintenance ? 'maintenance' : 'online';
      const drbd = n.drbdDisk ? `${n.drbdRole ?? '?'}/${n.drbdDisk}` : '';
      const role = n.active ? 'ACTIVE' : n.role === 'Promoted' ? 'was Promoted' : n.role;
      push(`${(n.name + (n.local ? '*' : '')).padEnd(10)}${state.padEnd(12)}${role.padEnd(14)}${drbd.padEnd(22)}${n.promotionScore ?? ''}`, n.unclean || !n.online ? 'yellow' : undefined);
      if (n.notPromotable && n.online && !n.standby) pushWrapped(`  not promotable: ${n.notPromotable}`, '    ', 'yellow');
    }
  }

  for (const d of r.drbd) {
    out.push('');
    push(`DRBD ${d.name}  ${d.connection}${d.peer ? ` · ${d.peer.replication}` : ''}`);
    push(`  ${(d.local.node ?? 'here') + ' (here)'}`.padEnd(22) + `${d.local.role.padEnd(11)}${d.local.disk}`);
    if (d.peer) push(`  ${(d.peer.node ?? 'peer') + ' (peer)'}`.padEnd(22) + `${d.peer.role.padEnd(11)}${d.peer.disk}`);
    if (d.resync) push(`  resync ${d.resync.from ?? '?'} → ${d.resync.to ?? '?'} ${d.resync.percent !== null ? bar(d.resync.percent) : ''}${d.resync.paused ? ' paused' : ''}`, 'cyan');
    if (d.splitBrain.suspected) {
      push('  SPLIT BRAIN suspected:', 'red');
      for (const e of d.splitBrain.evidence) pushWrapped(`    - ${e}`, '      ', 'red');
    }
  }

  if (r.failover) {
    const f = r.failover;
    out.push('');
    const title = `${f.phase === 'current' ? 'Failover in progress' : r.activeNode === f.to ? 'Last takeover' : 'Failover'}: ${f.from ?? '?'} → ${f.to ?? '?'}`;
    const when = f.startedAt ? ` at ${clock(f.startedAt, tz)}` : '';
    push(`${title}${when}, ${f.state}${f.durationMs !== null ? ` in ${seconds(f.durationMs)}` : ''} (${f.done}/${f.total})`, 'bold');
    if (f.phase === 'current' && f.total > 0) push(`  ${bar((f.done / f.total) * 100)}`, 'cyan');
    for (const s of f.steps) renderStep(s);
  }

  if (r.failedActions.length > 0) {
    out.push('');
    push('Failed actions', 'red');
    for (const a of r.failedActions) {
      pushWrapped(`  ${a.resource} ${a.task ?? '?'} on ${a.node}: exit ${a.exitCode ?? '?'} (${a.exitStatus ?? '?'})${a.at ? ` at ${clock(a.at, tz, false)}` : ''}${a.exitReason ? ` — ${a.exitReason}` : ''}`, '    ');
    }
  }

  const missing = r.sources.filter((s) => !s.ok);
  if (missing.length > 0) {
    out.push('');
    for (const s of missing) pushWrapped(`! ${s.detail}`, '  ', 'yellow');
  }
  return out.join('\n') + '\n';

  function renderStep(s: StepReport): void {
    const indent = s.kind === 'service' ? '    ' : '  ';
    const name = (s.kind === 'service' ? s.name : `${s.kind.padEnd(8)} ${s.name}`);
    const nameCol = 40 - indent.length - 2;
    const left = `${indent}${STEP_MARK[s.state]} ${fit(name, nameCol).padEnd(nameCol)}`;
    const line = `${left}${s.state.padEnd(12)}${clock(s.startedAt, tz).padEnd(13)}${seconds(s.durationMs).padStart(9)}`;
    push(line.trimEnd(), STEP_TONE[s.state]);
    if (s.detail && s.state !== 'done') pushWrapped(`${indent}    ${s.detail}`, `${indent}      `, s.state === 'failed' ? 'red' : 'dim');
  }
}
