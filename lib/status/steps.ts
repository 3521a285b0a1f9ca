/**
 * The steps of the current or last failover onto the target node: fencing, promote, mount,
 * VIP, HAProxy, the services resource and each of its services. Pure.
 *
 * State comes from crm_mon (what is Promoted/Started now, a pending operation, a failure);
 * times from the event log (Pacemaker's timestamps, µs) and crm_mon's operation history
 * (seconds, with the execution time in ms); the services from their status file.
 */
import type { ClusterStatus, OperationRecord } from '../cluster/model.ts';
import type { ServicesStatus } from '../services/status-file.ts';
import { crmTime, iso } from './crm-time.ts';
import type { EventRecord } from './events.ts';
import type { FailoverReport, StepKind, StepReport, StepState } from './report.ts';
import { baseId, type ResolvedIds } from './roles.ts';

/** Events further back than this before the promote are not part of the same failover. */
export const WINDOW_MS = 15 * 60_000;

export interface StepInput {
  cs: ClusterStatus;
  ids: ResolvedIds;
  /** The node taking or holding the Promoted role. */
  target: string;
  events: EventRecord[] | null;
  services: ServicesStatus | null;
  /** Why per-service steps are not available (shown on the services step). */
  servicesUnavailable: string | null;
  now: number;
  tzOffsetMin: number;
}

const PENDING_WORD: Record<string, string> = { start: 'Starting', promote: 'Promoting' };
const ok = (rc: number | undefined): boolean => rc === 0;

interface Raw {
  state: StepState | null;
  start: number | null;
  end: number | null;
  detail: string | null;
  source: string;
}

function lastOp(cs: ClusterStatus, node: string, res: string, task: string): OperationRecord | null {
  const h = cs.history.filter((x) => x.node === node && baseId(x.resource) === res);
  const ops = h.flatMap((x) => x.operations).filter((o) => o.task === task && o.intervalMs === 0);
  if (ops.length === 0) return null;
  // the pending one (call -1) is the newest; else the highest call id
  return ops.find((o) => o.rc === 193) ?? ops.reduce((a, b) => ((b.call ?? 0) > (a.call ?? 0) ? b : a));
}

/** The task of an operation still running on `node` for `res` (crm_mon: rc 193, call -1), or null. */
export function runningTask(cs: ClusterStatus, node: string, res: string): string | null {
  for (const h of cs.history) {
    if (h.node !== node || baseId(h.resource) !== res) continue;
    const op = h.operations.find((o) => o.rc === 193 && o.intervalMs === 0);
    if (op) return op.task;
  }
  return null;
}

/** Where a failover onto `target` began, and from which node. */
export function failoverWindow(input: Pick<StepInput, 'events' | 'ids' | 'target' | 'now'>): { from: string | null; start: number | null; promote: EventRecord | null } {
  const { events, ids, target } = input;
  if (!events || !ids.primitive) return { from: null, start: null, promote: null };
  const prim = ids.primitive;
  const isPromote = (e: EventRecord): boolean => e.kind === 'resource' && baseId(e.resource!) === prim && e.task === 'promote';
  const promote = [...events].reverse().find((e) => isPromote(e) && e.node === target) ?? null;
  const upTo = promote?.timeMs ?? input.now;
  const before = events.filter((e) => e.timeMs < upTo);
  const previous = [...before].reverse().find((e) => isPromote(e) && ok(e.rc) && e !== promote);
  const lower = Math.max(previous?.timeMs ?? -Infinity, upTo - WINDOW_MS);
  const triggers = events.filter(
    (e) =>
      e.timeMs > lower &&
      e.timeMs <= upTo &&
      ((e.kind === 'node' && e.desc === 'lost' && e.node !== target) ||
        (e.kind === 'fencing' && (e.fenceTarget ?? e.node) !== target) ||
        (e.kind === 'resource' && baseId(e.resource!) === prim && (e.task === 'demote' || e.task === 'stop') && e.node !== target)),
  );
  const first = triggers[0];
  const from = first ? (first.kind === 'fencing' ? (first.fenceTarget ?? first.node) : first.node) : (previous && previous.node !== target ? previous.node : null);
  return { from, start: first?.timeMs ?? promote?.timeMs ?? null, promote };
}

function resourceStep(input: StepInput, res: string, task: 'start' | 'promote', windowStart: number | null): Raw {
  const { cs, target, events, tzOffsetMin, now } = input;
  const want = task === 'promote' ? 'Promoted' : 'Started';
  const insts = cs.instances.filter((i) => baseId(i.id) === res && i.nodes.includes(target));
  const hop = lastOp(cs, target, res, task);
  // crm_mon shows a running start/promote as role Starting/Promoting (the model: Unknown), or as
  // Started with pending="Starting"; its history has the operation with rc 193 and call -1
  const pending = insts.some((i) => i.pending === PENDING_WORD[task]) || hop?.rc === 193;
  const evs = (events ?? []).filter((e) => e.kind === 'resource' && baseId(e.resource!) === res && e.task === task && e.node === target && (windowStart === null || e.timeMs >= windowStart - 1000));
  const ev = evs.at(-1) ?? null;
  if (pending) {
    const start = hop?.rc === 193 ? crmTime(hop.lastRcChange, tzOffsetMin) : null;
    return { state: 'running', start, end: null, detail: `${task} in progress`, source: 'crm_mon' };
  }
  const end = ev ? ev.timeMs : crmTime(hop?.lastRcChange, tzOffsetMin);
  const exec = hop && hop.rc !== 193 ? hop.execTimeMs : null;
  const start = end !== null && exec !== null ? end - exec : null;
  const source = ev ? 'event-log' : 'crm_mon';
  const failure = cs.failures.find((f) => baseId(f.resource) === res && f.node === target && f.task === task);
  // a failed start leaves the instance "Started (FAILED)": not done
  if (insts.some((i) => i.role === want && !i.failed)) return { state: 'done', start, end, detail: null, source };
  if (failure || (ev && !ok(ev.rc))) {
    const reason = failure?.exitReason ?? failure?.exitStatus ?? ev?.desc ?? null;
    const code = failure?.exitCode ?? ev?.rc ?? null;
    const fend = failure ? crmTime(failure.lastRcChange, tzOffsetMin) : end;
    return { state: 'failed', start: fend !== null && failure?.execMs != null ? fend - failure.execMs : start, end: fend, detail: `${task} failed${code !== null ? ` (exit ${code})` : ''}${reason ? `: ${reason}` : ''}`, source: failure ? 'crm_mon' : 'event-log' };
  }
  void now;
  return { state: null, start: null, end: null, detail: null, source: 'crm_mon' };
}

function fencingStep(input: StepInput, from: string | null, window: { start: number | null; promote: EventRecord | null }): StepReport {
  const { cs, events, target } = input;
  const unclean = cs.nodes.filter((n) => n.unclean && n.name !== target);
  const base = { kind: 'fencing' as const, resource: null, source: events ? 'event-log' : 'crm_mon' };
  const upTo = window.promote?.timeMs ?? input.now;
  const inWindow = (events ?? []).filter((e) => window.start !== null && e.timeMs >= window.start - 1000 && e.timeMs <= upTo);
  const lost = inWindow.find((e) => e.kind === 'node' && e.desc === 'lost' && e.node !== target);
  const fence = [...inWindow].reverse().find((e) => e.kind === 'fencing');
  const victim = fence ? (fence.fenceTarget ?? fence.node) : (lost?.node ?? unclean[0]?.name ?? from);
  const name = victim ? `fence ${victim}` : 'the lost node';
  const started = lost && fence && lost.timeMs <= fence.timeMs ? lost.timeMs : null;
  // crm_mon is the present: an UNCLEAN node has not been fenced yet, whatever older events say
  if (unclean.length > 0) {
    const since = lost?.timeMs ?? null;
    return { ...base, name: `fence ${unclean[0]!.name}`, node: unclean[0]!.name, state: 'running', startedAt: iso(since), endedAt: null, durationMs: since !== null ? input.now - since : null, detail: `${unclean[0]!.name} is UNCLEAN: waiting for fencing`, source: 'crm_mon' };
  }
  if (fence) {
    const done = ok(fence.rc);
    return { ...base, name, node: victim, state: done ? 'done' : 'failed', startedAt: iso(started), endedAt: fence.time, durationMs: started !== null ? fence.timeMs - started : null, detail: done ? (fence.task ? `${fence.task} succeeded` : null) : `fencing failed (rc ${fence.rc ?? '?'})${fence.desc ? `: ${fence.desc}` : ''}` };
  }
  if (cs.stonithEnabled === false) return { ...base, name, node: victim, state: 'skipped', startedAt: null, endedAt: null, durationMs: null, detail: 'stonith-enabled=false: nothing fences' };
  if (!events) return { ...base, name, node: victim, state: 'unknown', startedAt: null, endedAt: null, durationMs: null, detail: 'fencing results come from the event log (not available)' };
  if (lost) return { ...base, name, node: victim, state: 'unknown', startedAt: lost.time, endedAt: null, durationMs: null, detail: `${lost.node} was lost at ${lost.time}; no fencing result in the event log` };
  return { ...base, name, node: victim, state: 'skipped', startedAt: null, endedAt: null, durationMs: null, detail: from ? `not needed: ${from} was not lost (switchover)` : 'not needed: no node was lost' };
}

const SERVICE_STATE: Record<string, StepState> = { started: 'done', starting: 'running', pending: 'pending', failed: 'failed', stopping: 'not-started', stopped: 'not-started' };

function serviceSteps(input: StepInput, parentState: StepState): StepReport[] {
  const s = input.services;
  if (!s) return [];
  return s.steps.map((st, i) => {
    const since = Date.parse(st.since);
    let state = SERVICE_STATE[st.state] ?? 'unknown';
    // a "pending" service whose resource is no longer starting will not start by itself
    if (state === 'pending' && parentState !== 'running' && parentState !== 'pending') state = 'not-started';
    const dur = st.durationMs ?? null;
    const started = state === 'done' ? (dur !== null ? since - dur : null) : state === 'running' ? since : state === 'failed' && dur !== null ? since - dur : null;
    const detail = st.reason ?? (state === 'pending' && i > 0 ? `waits for ${s.steps[i - 1]!.name}` : st.state === 'stopping' || st.state === 'stopped' ? st.state : null);
    return {
      kind: 'service' as const, name: st.name, resource: input.ids.services, node: s.node, state,
      startedAt: iso(started), endedAt: state === 'done' || state === 'failed' ? st.since : null,
      durationMs: state === 'running' ? input.now - since : dur, detail, source: 'services-status',
    };
  });
}

/** Durations keep the event log's µs: ms with 3 decimals. */
const us = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 1000) / 1000);

export function buildFailover(input: StepInput): FailoverReport {
  const { cs, ids, target } = input;
  const win = failoverWindow(input);
  const promoteRaw = ids.primitive ? resourceStep(input, ids.primitive, 'promote', win.start) : null;
  // no event log: the failover starts with the promote crm_mon remembers
  const promoteStart = promoteRaw?.start ?? promoteRaw?.end ?? null;
  const start = win.start !== null && promoteStart !== null ? Math.min(win.start, promoteStart) : (win.start ?? promoteStart);
  const steps: StepReport[] = [fencingStep(input, win.from, win)];
  const plan: { kind: StepKind; res: string | null; task: 'start' | 'promote' }[] = [
    { kind: 'promote', res: ids.primitive, task: 'promote' },
    { kind: 'mount', res: ids.fs, task: 'start' },
    { kind: 'vip', res: ids.vip, task: 'start' },
    { kind: 'haproxy', res: ids.haproxy, task: 'start' },
    { kind: 'services', res: ids.services, task: 'start' },
  ];
  const configured = (res: string): boolean => cs.instances.some((i) => baseId(i.id) === res);
  for (const p of plan) {
    if (!p.res || !configured(p.res)) continue;
    const raw = p.kind === 'promote' && promoteRaw ? promoteRaw : resourceStep(input, p.res, p.task, win.start);
    let state = raw.state;
    let detail = raw.detail;
    if (state === null) {
      const before = steps.filter((s) => s.kind !== 'fencing' || s.state !== 'skipped');
      const blocked = before.find((s) => s.state === 'failed' || s.state === 'not-started');
      const waiting = before.find((s) => s.state === 'running' || s.state === 'pending');
      const inst = cs.instances.find((i) => baseId(i.id) === p.res);
      const coll = cs.collections.find((c) => c.id === ids.clone);
      if (cs.maintenanceMode) [state, detail] = ['not-started', 'maintenance mode: Pacemaker starts nothing'];
      else if (inst && (!inst.managed || inst.blocked)) [state, detail] = ['not-started', `${p.res} is ${inst.blocked ? 'blocked' : 'unmanaged'}`];
      else if ((inst?.targetRole === 'Stopped') || (p.kind === 'promote' && (coll?.targetRole === 'Stopped' || coll?.targetRole === 'Unpromoted'))) [state, detail] = ['not-started', `target-role ${p.kind === 'promote' ? coll?.targetRole ?? inst?.targetRole : inst?.targetRole}`];
      else if (blocked) [state, detail] = ['not-started', `after ${blocked.name}: ${blocked.state}`];
      else if (waiting) [state, detail] = ['pending', `waits for ${waiting.name}`];
      else [state, detail] = ['not-started', `${p.kind === 'promote' ? 'not Promoted' : 'not running'} on ${target}`];
    }
    const end = state === 'done' || state === 'failed' ? raw.end : null;
    const startedAt = raw.start;
    const durationMs = state === 'running' ? (startedAt !== null ? input.now - startedAt : null) : startedAt !== null && end !== null ? end - startedAt : null;
    if (p.kind === 'services' && input.servicesUnavailable && !detail) detail = input.servicesUnavailable;
    steps.push({ kind: p.kind, name: p.res, resource: p.res, node: target, state, startedAt: iso(startedAt), endedAt: iso(end), durationMs, detail, source: raw.source });
    if (p.kind === 'services' && input.services && input.services.node === target && input.services.resource === p.res) steps.push(...serviceSteps(input, state));
  }
  // skipped and unknown steps (fencing without an event log) are not counted either way
  const counted = steps.filter((s) => s.state !== 'skipped' && s.state !== 'unknown');
  const done = counted.filter((s) => s.state === 'done').length;
  const anyFailed = counted.some((s) => s.state === 'failed');
  const anyMoving = counted.some((s) => s.state === 'running' || s.state === 'pending');
  const allDone = counted.every((s) => s.state === 'done');
  const state = anyMoving ? 'running' : anyFailed ? 'failed' : allDone ? 'done' : 'stalled';
  const ends = steps.map((s) => (s.endedAt ? Date.parse(s.endedAt) : null)).filter((x): x is number => x !== null);
  const end = state === 'done' && ends.length ? Math.max(...ends) : null;
  return {
    phase: anyMoving ? 'current' : 'last',
    from: win.from,
    to: target,
    state,
    startedAt: iso(start),
    endedAt: iso(end),
    durationMs: us(start === null ? null : state === 'running' ? input.now - start : end !== null ? end - start : null),
    done,
    total: counted.length,
    steps: steps.map((st) => ({ ...st, durationMs: us(st.durationMs) })),
  };
}
