/**
 * A systemd unit's state as `systemctl show -p … -- UNIT` prints it, and what that state means
 * for the services agent. Pure: facts in, a judgement out.
 *
 * `show` rather than `is-active`: is-active answers 3 for inactive, activating and a unit that
 * does not exist alike, and its one word hides why. `show` exits 0 for every unit name (a unit
 * that does not exist is `LoadState=not-found`), and one call gives every fact. Its output is
 * parsed as `Key=Value` lines, not with `--value`: `--value` prints the values in systemd's
 * own property order, not in the order asked for.
 */

/** The properties asked for, in one `systemctl show -p` argument. */
export const UNIT_PROPERTIES = ['LoadState', 'ActiveState', 'SubState', 'Result', 'MainPID', 'NRestarts'] as const;

export interface UnitFacts {
  /** loaded, not-found, masked, error, bad-setting, … */
  loadState: string;
  /** active, reloading, inactive, failed, activating, deactivating (maintenance in newer systemd) */
  activeState: string;
  /** The unit type's own state: running, exited, auto-restart, stop-sigterm, dead, … */
  subState: string;
  /** How the last run ended: success, exit-code, signal, core-dump, timeout, start-limit-hit, … */
  result: string;
  /** null when there is no main process (MainPID=0). */
  mainPid: number | null;
  /** Restarts systemd made under Restart= since the unit was last started by hand. */
  restarts: number;
}

export class UnitShowError extends Error {
  constructor(unit: string, problem: string) {
    super(`systemctl show ${unit}: ${problem}`);
    this.name = 'UnitShowError';
  }
}

const REQUIRED = ['LoadState', 'ActiveState', 'SubState'] as const;

/** Parse `systemctl show -p <UNIT_PROPERTIES> -- unit` output. Throws UnitShowError naming the line. */
export function parseUnitShow(unit: string, stdout: string): UnitFacts {
  const values = new Map<string, string>();
  stdout.split('\n').forEach((line, i) => {
    if (line === '') return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UnitShowError(unit, `line ${i + 1} is not Key=Value: ${JSON.stringify(line.slice(0, 60))}`);
    values.set(line.slice(0, eq), line.slice(eq + 1));
  });
  for (const key of REQUIRED) {
    if (!values.get(key)) throw new UnitShowError(unit, `no ${key} in its output`);
  }
  const integer = (key: string): number => {
    const text = values.get(key);
    if (text === undefined || text === '') return 0;
    if (!/^\d+$/.test(text)) throw new UnitShowError(unit, `${key}=${JSON.stringify(text.slice(0, 30))} is not a number`);
    return Number(text);
  };
  const mainPid = integer('MainPID');
  return {
    loadState: values.get('LoadState')!,
    activeState: values.get('ActiveState')!,
    subState: values.get('SubState')!,
    result: values.get('Result') || 'success',
    mainPid: mainPid > 0 ? mainPid : null,
    restarts: integer('NRestarts'),
  };
}

/**
 * What a unit's state means:
 * - `missing`: its unit file is not there (or masked, or unreadable) and nothing of it runs;
 * - `running`: active, or reloading (the service runs and serves; systemd bounds the reload);
 * - `pending`: activating or deactivating: neither up nor down (a unit crash-looping under
 *   Restart= sits in `activating (auto-restart)` between attempts);
 * - `stopped`: inactive; `failed`: failed (or any state this code does not know).
 */
export type UnitJudgement =
  | { kind: 'missing'; reason: string }
  | { kind: 'running'; pid: number | null }
  | { kind: 'pending'; reason: string }
  | { kind: 'stopped' }
  | { kind: 'failed'; reason: string };

/**
 * What state a unit is in, short (exit reasons are cut at 128 bytes): `activating (auto-restart,
 * exit-code)`: ActiveState, then SubState when it says more, then Result unless success.
 */
export function describeUnit(f: UnitFacts): string {
  const details = [];
  if (f.subState !== f.activeState) details.push(f.subState);
  if (f.result !== 'success') details.push(f.result);
  return `${f.activeState}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

export function judgeUnit(unit: string, f: UnitFacts): UnitJudgement {
  const idle = f.activeState === 'inactive' || f.activeState === 'failed';
  if (f.loadState !== 'loaded' && idle) return { kind: 'missing', reason: `no unit ${unit} on this node (LoadState=${f.loadState})` };
  switch (f.activeState) {
    case 'active':
    case 'reloading':
      return { kind: 'running', pid: f.mainPid };
    case 'activating':
    case 'deactivating':
      return { kind: 'pending', reason: `unit is ${describeUnit(f)}` };
    case 'inactive':
      return { kind: 'stopped' };
    default:
      return { kind: 'failed', reason: `unit is ${describeUnit(f)}` };
  }
}

/**
 * During start, a running unit is believed once it was seen running twice in a row with the
 * same main process and no restart in between: `systemctl start` returns as soon as a simple
 * service's process is forked, so a service that crashes at once is first seen `active`.
 */
export function sameRun(before: UnitFacts, now: UnitFacts): boolean {
  return before.mainPid === now.mainPid && before.restarts === now.restarts;
}
