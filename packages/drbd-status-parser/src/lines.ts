/**
 * Lines of a document, one at a time: `\n` or `\r\n` ends a line; a last line without a newline
 * counts. Nothing holds all lines at once, so a 10 MB document costs no array of a million strings.
 */
export class Lines {
  private pos = 0;
  /** 1-based number of the line last returned; 0 before the first. */
  no = 0;
  /** The line last returned ('' before the first). */
  text = '';

  constructor(private readonly src: string) {}

  /** The next line, or null at the end. */
  next(): string | null {
    const s = this.src;
    if (this.pos >= s.length) return null;
    let end = s.indexOf('\n', this.pos);
    const stop = end === -1 ? s.length : end;
    if (end === -1) end = s.length;
    const cut = stop > this.pos && s.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
    this.text = s.slice(this.pos, cut);
    this.pos = end + 1;
    this.no++;
    return this.text;
  }
}

/** Split text into lines, accepting \n and \r\n (for the short outputs and detection). */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  const r = new Lines(text);
  for (let l = r.next(); l !== null; l = r.next()) out.push(l);
  return out;
}
