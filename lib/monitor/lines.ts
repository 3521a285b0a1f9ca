/**
 * Splits a byte stream into lines of at most `maxLineBytes` (without the newline). A longer line
 * is dropped whole: its bytes are counted and discarded up to the next newline, never buffered.
 * Memory stays below `maxLineBytes` whatever arrives; work is linear in the bytes.
 */
export interface LineSink {
  line(text: string): void;
  /** A line longer than the limit was dropped; `bytes` is its length so far. */
  dropped(bytes: number): void;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  /** Inside a line that is already too long: discard until its newline. */
  private skipping = false;
  private skipped = 0;

  constructor(private readonly maxLineBytes: number, private readonly sink: LineSink) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      this.take(chunk.subarray(start, end));
      if (nl === -1) return;
      this.endLine();
      start = nl + 1;
    }
  }

  /** The stream ended: a last line without its newline counts (the agent may omit it). */
  end(): void {
    if (this.size > 0 || this.skipping) this.endLine();
  }

  private take(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.skipping) {
      this.skipped += bytes.length;
      return;
    }
    if (this.size + bytes.length > this.maxLineBytes) {
      this.skipping = true;
      this.skipped = this.size + bytes.length;
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(Buffer.from(bytes));
    this.size += bytes.length;
  }

  private endLine(): void {
    if (this.skipping) {
      this.sink.dropped(this.skipped);
      this.skipping = false;
      this.skipped = 0;
      return;
    }
    const text = Buffer.concat(this.parts, this.size).toString('utf8');
    this.parts = [];
    this.size = 0;
    if (text.trim() !== '') this.sink.line(text);
  }
}
