/**
 * The lines of `pcs status` text, compactly: where each starts (4 bytes a line) and, once sorted
 * into sections, its section (1 byte). A TextLine is made only while it is read.
 */
import type { TextLine } from './pcs-resources.ts';

export type Section =
  | 'top' | 'warnings' | 'summary' | 'nodes' | 'resources' | 'attributes' | 'migration' | 'failures' | 'tickets'
  | 'pcsd' | 'daemons' | 'skip';


/** The sections, numbered: a section per line is kept as one byte. */
export const SECTIONS: readonly Section[] = ['top', 'warnings', 'summary', 'nodes', 'resources', 'attributes', 'migration', 'failures', 'tickets', 'pcsd', 'daemons', 'skip'];
export const SECTION_ID: Record<string, number> = Object.assign(Object.create(null), Object.fromEntries(SECTIONS.map((name, i) => [name, i])));
export const BLANK = 255;

/**
 * The input's lines, compactly: where each starts (4 bytes a line) and, once sorted, its section
 * (1 byte). A `TextLine` (text without trailing white space, indentation of spaces and tabs and a
 * `* `/`+ ` bullet removed) is made only while a section is read and dropped right after, so a
 * document of millions of short lines never holds millions of line objects.
 */
export class Lines {
  readonly input: string;
  readonly count: number;
  private readonly starts: Int32Array;
  readonly section: Uint8Array;

  constructor(input: string) {
    this.input = input;
    let count = 1;
    for (let i = input.indexOf('\n'); i !== -1; i = input.indexOf('\n', i + 1)) count++;
    this.count = count;
    this.starts = new Int32Array(count + 1);
    let n = 1;
    for (let i = input.indexOf('\n'); i !== -1; i = input.indexOf('\n', i + 1)) this.starts[n++] = i + 1;
    this.starts[count] = input.length + 1;
    this.section = new Uint8Array(count);
  }

  /** Line `i` (0-based) as it was: no line end. */
  raw(i: number): string {
    return this.input.slice(this.starts[i]!, this.starts[i + 1]! - 1);
  }

  get(i: number): TextLine {
    const trimmed = this.raw(i).trimEnd();
    let indent = 0;
    for (let c = trimmed.charCodeAt(0); c === 32 || c === 9; c = trimmed.charCodeAt(++indent));
    let text = trimmed.slice(indent);
    if ((text.charCodeAt(0) === 42 || text.charCodeAt(0) === 43) && text.charCodeAt(1) === 32) text = text.slice(2);
    return { line: i + 1, indent, text };
  }

  /** The lines of one section, in document order, made one at a time. */
  *of(section: Section): Generator<TextLine> {
    const id = SECTION_ID[section]!;
    for (let i = 0; i < this.count; i++) if (this.section[i] === id) yield this.get(i);
  }
}

/** Every line of the input as a TextLine, one at a time. */
export function* all(lines: Lines): Generator<TextLine> {
  for (let i = 0; i < lines.count; i++) yield lines.get(i);
}
