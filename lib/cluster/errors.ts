/**
 * Typed parse errors and warnings of the cluster parsers. Every one names the source kind and
 * where: an element path for XML (and the line of the element), a line number for text.
 * Messages are bounded and printable: values echoed in them are clipped (`clip`: at most
 * MAX_ECHO characters, control characters escaped as `\xNN`/`\uNNNN`), a whole message is at most
 * MAX_MESSAGE characters, and a parse keeps at most MAX_WARNINGS warnings plus one line counting
 * the rest.
 */
import { clip, type XmlParseError } from '../xml/parse-xml.ts';

export { clip };

export type SourceKind = 'crm_mon-xml' | 'cib-xml' | 'pcs-status';

export const MAX_MESSAGE = 600;

/**
 * pcs status text: at most this many distinct nodes. Corosync clusters have at most 32 full
 * members (Pacemaker's documented limit); Pacemaker Remote and guest nodes reach hundreds or a
 * few thousand. A name in `Online: [ … ]` costs a few bytes of text and a whole NodeStatus
 * (~250 bytes) of model, so without a limit a 10 MB node list needs ~300 MB.
 */
export const MAX_NODES = 10_000;

/**
 * pcs status text: at most this many resource instances. A name in a clone summary
 * (`Started: [ a b … ]`) costs a few bytes of text and a whole ResourceInstance (~300 bytes).
 * Pacemaker's scheduler handles a few thousand resources; 250,000 is far beyond any cluster.
 */
export const MAX_INSTANCES = 250_000;
export const MAX_WARNINGS = 1000;

export class ClusterParseError extends Error {
  readonly source: SourceKind;
  /** Element path (XML), e.g. `/pacemaker-result/resources[1]/clone[2]/resource[1]`. */
  readonly path: string | null;
  /** 1-based line (text, or XML syntax errors). */
  readonly line: number | null;
  readonly reason: string;

  constructor(source: SourceKind, reason: string, where: { path?: string | null; line?: number | null } = {}) {
    const path = where.path ?? null;
    const line = where.line ?? null;
    const why = clip(reason, MAX_MESSAGE);
    const at = [path ? `at ${path}` : '', line !== null ? `line ${line}` : ''].filter(Boolean).join(', ');
    super(`${source}: ${why}${at ? ` (${at})` : ''}`);
    this.name = 'ClusterParseError';
    this.source = source;
    this.path = path;
    this.line = line;
    this.reason = why;
  }

  static fromXml(source: SourceKind, error: XmlParseError): ClusterParseError {
    return new ClusterParseError(source, error.reason, { path: error.path || null, line: error.line });
  }
}

/** Something odd but survivable: an unknown role, element kind or value. */
export interface ParseWarning {
  source: SourceKind;
  path?: string;
  line?: number;
  message: string;
}

/**
 * The warnings of one parse, capped: the first MAX_WARNINGS are kept, the rest counted and
 * reported by one last warning (`finish`). Messages are clipped to MAX_MESSAGE characters.
 */
export class WarningList {
  readonly source: SourceKind;
  readonly list: ParseWarning[] = [];
  private dropped = 0;

  constructor(source: SourceKind) {
    this.source = source;
  }

  /**
   * Claims a place for one warning: false (and the warning counted as dropped) once the cap is
   * reached, so a caller can skip building a message nobody will see.
   */
  room(): boolean {
    if (this.list.length < MAX_WARNINGS) return true;
    this.dropped++;
    return false;
  }

  push(warning: ParseWarning): void {
    if (!this.room()) return;
    const message = clip(warning.message, MAX_MESSAGE);
    this.list.push(message === warning.message ? warning : { ...warning, message });
  }

  /** The kept warnings, plus one counting the dropped ones. Call once, at the end of the parse. */
  finish(): ParseWarning[] {
    if (this.dropped > 0) {
      this.list.push({ source: this.source, message: `${this.dropped} more warnings not shown (at most ${MAX_WARNINGS} are kept)` });
      this.dropped = 0;
    }
    return this.list;
  }
}
