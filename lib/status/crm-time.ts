/**
 * crm_mon's times as epoch ms. Operation history prints local time without a zone
 * (`Sun Nov 22 02:42:51 2026`), failures print `2026-11-22 02:42:51Z` (UTC). Pure: the local
 * offset is a parameter (minutes east of UTC, as taken when crm_mon ran).
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function crmTime(text: string | null | undefined, tzOffsetMin: number): number | null {
  if (!text) return null;
  const t = text.trim();
  let m = /^(?:[A-Z][a-z]{2} )?([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(t);
  if (m) {
    const month = MONTHS.indexOf(m[1]!);
    if (month < 0) return null;
    const utc = Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    return utc - tzOffsetMin * 60_000;
  }
  m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (m) {
    const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
    const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
    if (!m[8]) return utc - tzOffsetMin * 60_000;
    if (m[8] === 'Z') return utc;
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    return utc - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const epoch = /^\d{9,11}$/.test(t) ? Number(t) * 1000 : NaN;
  return Number.isFinite(epoch) ? epoch : null;
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
