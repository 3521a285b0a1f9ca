/**
 * Typed parse errors and warnings of the cluster parsers. Every one names the source kind and
 * where: an element path for XML, a line number for text.
 */
import type { XmlParseError } from '../xml/parse-xml.ts';

export type SourceKind = 'crm_mon-xml' | 'cib-xml' | 'pcs-status';

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
    const at = [path ? `at ${path}` : '', line !== null ? `line ${line}` : ''].filter(Boolean).join(', ');
    super(`${source}: ${reason}${at ? ` (${at})` : ''}`);
    this.name = 'ClusterParseError';
    this.source = source;
    this.path = path;
    this.line = line;
    this.reason = reason;
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
