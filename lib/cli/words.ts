/**
 * The command words of an argument list, checked against the commands the CLI knows, before
 * yargs sees them: yargs answers `ocfkit bogus --help` with the top-level help and exit 0 (help
 * skips its validation, strictCommands included), which hides the mistake.
 */
export interface CommandWords {
  /** The known command words, in order (`['lab', 'up']`). */
  path: string[];
  /** The first word that is no command there, with what was expected, or null. */
  unknown: { word: string; under: string[]; known: readonly string[] } | null;
}

/** Reads command words from `argv` until a leaf command, skipping options and their values. */
export function commandWords(argv: readonly string[], tree: Record<string, readonly string[]>, valueOptions: readonly string[]): CommandWords {
  const path: string[] = [];
  let known: readonly string[] = Object.keys(tree);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-') && arg.length > 1) {
      const name = arg.replace(/^--?/, '');
      if (!name.includes('=') && valueOptions.includes(name)) i++;
      continue;
    }
    if (!known.includes(arg)) return { path, unknown: { word: arg, under: [...path], known } };
    path.push(arg);
    known = path.length === 1 ? (tree[arg] ?? []) : [];
    if (known.length === 0) break;
  }
  return { path, unknown: null };
}

/** Edit distance with adjacent transpositions counted once (`stauts` is 1 from `status`). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * A command the user probably meant: `help` → `--help`; the same word one level down
 * (`up` → `lab up`); or the one nearest spelling (at most 2 edits).
 */
export function suggestion(unknown: NonNullable<CommandWords['unknown']>, tree: Record<string, readonly string[]>): string | null {
  if (unknown.word === 'help') return [...unknown.under, '--help'].join(' ');
  if (unknown.under.length === 0) {
    const parent = Object.keys(tree).find((c) => tree[c]!.includes(unknown.word));
    if (parent) return `${parent} ${unknown.word}`;
  }
  const scored = unknown.known.map((k) => ({ k, d: distance(unknown.word, k) })).filter((x) => x.d <= Math.min(2, Math.floor(x.k.length / 2)));
  const best = Math.min(...scored.map((x) => x.d));
  const nearest = scored.filter((x) => x.d === best);
  return nearest.length === 1 ? [...unknown.under, nearest[0]!.k].join(' ') : null;
}

/** One line: what is unknown, what was probably meant, where the list is. */
export function unknownCommandMessage(unknown: NonNullable<CommandWords['unknown']>, tree: Record<string, readonly string[]>): string {
  const what = unknown.under.length === 0 ? 'command' : `${unknown.under.join(' ')} command`;
  const meant = suggestion(unknown, tree);
  const help = ['ocfkit', ...unknown.under, '--help'].join(' ');
  return `unknown ${what} '${unknown.word}'${meant ? `; did you mean 'ocfkit ${meant}'?` : ''} (run '${help}' for the list)`;
}
