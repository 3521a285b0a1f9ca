/**
 * The failback restore window (seed 004: "a CRON string representing the start of the restore
 * window … the length of the restore window"): a cron-style start and a length, turned into
 * Pacemaker `date_spec`s (recurring: hours, weekdays, month days, months). Pure.
 *
 * Granularity is the hour: the start's minute must be 0 and the length whole hours, because
 * pcs 0.11 refuses `minutes` in a date-spec ("invalid datespec option 'minutes'") and the pcs
 * script must say what the XML says. A window that crosses midnight becomes two date_specs, the
 * second on the following weekday.
 */
import { parseDuration } from '../pacemaker/values.ts';
import { CibVarsError } from './errors.ts';

export interface DateSpec {
  hours: string;
  weekdays?: string;
  monthdays?: string;
  months?: string;
}

export const MAX_DATE_SPECS = 16;

/** `value` as a sorted set of integers from `*`, `N`, `N-M` and comma lists of those; null for `*`. */
function field(text: string, min: number, max: number, key: string, what: string, source: string, lists: boolean): number[] | null {
  if (text === '*') return null;
  const parts = text.split(',');
  if (parts.length > 1 && !lists) throw new CibVarsError(source, key, `the ${what} field '${text}' may be *, N or N-M (no lists)`);
  const out = new Set<number>();
  for (const part of parts) {
    const m = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(part);
    if (!m) throw new CibVarsError(source, key, `the ${what} field '${text}' must be *, N, N-M${lists ? ' or a comma list of those' : ''} (no steps or names)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a < min || b > max || a > b) throw new CibVarsError(source, key, `the ${what} field '${text}' is out of range ${min}-${max}`);
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}

/** Sorted integers → Pacemaker ranges (`1-3`, `5`). */
function ranges(values: number[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    out.push(i === j ? `${values[i]}` : `${values[i]}-${values[j]}`);
    i = j + 1;
  }
  return out;
}

const span = (a: number, b: number): string => (a === b ? `${a}` : `${a}-${b}`);

/**
 * Cron-ish start + length → the date_specs whose union is the window. `source` names where the
 * values came from in errors (a vars file, or `--restore-window`).
 */
export function windowDateSpecs(start: string, length: string, source = 'vars'): DateSpec[] {
  const fields = start.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CibVarsError(source, 'restore_window.start', `'${start}' must have the five cron fields 'minute hour day-of-month month day-of-week' (e.g. '0 2 * * 6': Saturdays at 02:00)`);
  }
  const [min, hour, dom, mon, dow] = fields as [string, string, string, string, string];
  if (min !== '0') throw new CibVarsError(source, 'restore_window.start', `the minute field must be 0, got '${min}': windows start on the hour (pcs 0.11 cannot write minutes in a date-spec)`);
  if (!/^\d{1,2}$/.test(hour) || Number(hour) > 23) throw new CibVarsError(source, 'restore_window.start', `the hour field must be one hour 0-23, got '${hour}'`);
  const h = Number(hour);
  const monthdays = field(dom, 1, 31, 'restore_window.start', 'day-of-month', source, false);
  const months = field(mon, 1, 12, 'restore_window.start', 'month', source, false);
  const cronDays = field(dow, 0, 7, 'restore_window.start', 'day-of-week', source, true);
  // cron: 0 and 7 are Sunday; Pacemaker (ISO 8601): 1 Monday … 7 Sunday.
  const weekdays = cronDays === null ? null : [...new Set(cronDays.map((d) => (d === 0 ? 7 : d)))].sort((a, b) => a - b);

  const ms = parseDuration(length.trim());
  if (ms === null || length.trim() === '') throw new CibVarsError(source, 'restore_window.length', `'${length}' is not a duration (e.g. 2h, 90min, PT3H)`);
  if (ms % 3_600_000 !== 0 || ms === 0) throw new CibVarsError(source, 'restore_window.length', `'${length}' must be whole hours, at least 1h (pcs 0.11 cannot write minutes in a date-spec)`);
  const hours = ms / 3_600_000;
  if (hours > 24) throw new CibVarsError(source, 'restore_window.length', `'${length}' is longer than a day; at most 24h`);

  const end = h + hours; // exclusive
  const segments: { first: number; last: number; nextDay: boolean }[] = [{ first: h, last: Math.min(end, 24) - 1, nextDay: false }];
  if (end > 24) segments.push({ first: 0, last: end - 25, nextDay: true });
  if (end > 24 && (monthdays !== null || months !== null)) {
    throw new CibVarsError(source, 'restore_window', `a window that crosses midnight (${h}:00 + ${hours}h) cannot have a day-of-month or month field: the next day may be in another month`);
  }
  const specs: DateSpec[] = [];
  for (const seg of segments) {
    const base: DateSpec = { hours: span(seg.first, seg.last) };
    if (monthdays) base.monthdays = ranges(monthdays).join(',');
    if (months) base.months = ranges(months).join(',');
    if (weekdays === null || weekdays.length === 7) {
      specs.push(base);
      continue;
    }
    const days = seg.nextDay ? [...new Set(weekdays.map((d) => (d % 7) + 1))].sort((a, b) => a - b) : weekdays;
    for (const r of ranges(days)) specs.push({ ...base, weekdays: r });
  }
  // A window of 24h that starts at 0 with no day restriction is "always": still one spec (hours 0-23).
  if (specs.some((s) => (s.monthdays ?? '').includes(',') || (s.months ?? '').includes(','))) {
    throw new CibVarsError(source, 'restore_window.start', 'day-of-month and month must be a single N or N-M');
  }
  if (specs.length > MAX_DATE_SPECS) throw new CibVarsError(source, 'restore_window.start', `the window needs ${specs.length} date_specs; at most ${MAX_DATE_SPECS}`);
  return specs;
}

/** The attributes of a date_spec in a fixed order (also pcs's `date-spec` options). */
export function dateSpecFields(spec: DateSpec): [string, string][] {
  const out: [string, string][] = [['hours', spec.hours]];
  if (spec.monthdays) out.push(['monthdays', spec.monthdays]);
  if (spec.weekdays) out.push(['weekdays', spec.weekdays]);
  if (spec.months) out.push(['months', spec.months]);
  return out;
}

/** Whether `date` (its UTC fields, or local ones with `local`) is inside the window: the same meaning, for tests and status. */
export function inWindow(specs: readonly DateSpec[], date: Date, local = false): boolean {
  const hour = local ? date.getHours() : date.getUTCHours();
  const jsDay = local ? date.getDay() : date.getUTCDay();
  const weekday = jsDay === 0 ? 7 : jsDay;
  const monthday = local ? date.getDate() : date.getUTCDate();
  const month = (local ? date.getMonth() : date.getUTCMonth()) + 1;
  const within = (value: number, r: string | undefined) => {
    if (r === undefined) return true;
    return r.split(',').some((p) => {
      const [a, b] = p.split('-').map(Number) as [number, number | undefined];
      return value >= a && value <= (b ?? a);
    });
  };
  return specs.some((s) => within(hour, s.hours) && within(weekday, s.weekdays) && within(monthday, s.monthdays) && within(month, s.months));
}
