/**
 * Is this text a whole `drbdsetup events2 --now <resource>` dump about that resource alone? Pure.
 *
 * drbdsetup prints each object of the resource once (`exists resource|connection|device|
 * peer-device|path …`) and ends the dump with `exists -`, also when the resource is down (then
 * that line alone). The parser applies events as a stream and takes whatever it is given, so
 * a dump cut short (a killed drbdsetup, a full pipe), empty output, a second copy of an object
 * or lines about another resource would each read as a state DRBD is not in: empty output as
 * "down" (a probe would answer not running on a Primary), a truncated one as "peer unknown".
 * Any of them makes the read fail instead.
 */

const ID_KEYS = ['name', 'peer-node-id', 'conn-name', 'volume', 'local', 'remote'];
const MAX_ECHO = 60;

const echo = (s: string): string => JSON.stringify(s.length > MAX_ECHO ? `${s.slice(0, MAX_ECHO)}…` : s);

/** Why `text` is not a complete dump of `resource`, or null when it is. */
export function nowDumpProblem(text: string, resource: string): string | null {
  // continuation lines (leading white space) belong to the line before
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    if (/^\s*$/.test(raw)) continue;
    if (/^[ \t]/.test(raw) && lines.length > 0) lines[lines.length - 1] += ` ${raw.trim()}`;
    else lines.push(raw.trim());
  }
  if (lines.length === 0) return 'empty output (no "exists -" line)';
  if (lines[lines.length - 1] !== 'exists -') return `output cut short: it does not end with "exists -" (last line ${echo(lines[lines.length - 1]!)})`;
  const seen = new Set<string>();
  for (const line of lines.slice(0, -1)) {
    const words = line.split(/\s+/);
    if (words[0] !== 'exists') return `not an initial state dump: ${echo(line)}`;
    if (words[1] === '-') return 'more than one "exists -" line';
    const keys = new Map<string, string>();
    for (const w of words.slice(2)) {
      const i = w.indexOf(':');
      if (i > 0 && ID_KEYS.includes(w.slice(0, i)) && !keys.has(w.slice(0, i))) keys.set(w.slice(0, i), w.slice(i + 1));
    }
    const name = keys.get('name');
    if (name !== resource) return `a line about ${name === undefined ? 'no resource' : `resource ${echo(name)}`} in the dump of ${resource}: ${echo(line)}`;
    const id = `${words[1]} ${ID_KEYS.map((k) => keys.get(k) ?? '').join('|')}`;
    if (seen.has(id)) return `the same object twice: ${echo(line)}`;
    seen.add(id);
  }
  return null;
}
