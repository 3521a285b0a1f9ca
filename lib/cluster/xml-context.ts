/**
 * What the XML parsers share while walking a tree: the source kind, collected warnings, and
 * helpers that turn an element into typed errors, warnings and `extra` attribute maps.
 */
import { type XmlElement, XmlParseError, elementPath, parseXml } from '../xml/parse-xml.ts';
import { ClusterParseError, type ParseWarning, type SourceKind } from './errors.ts';
import { normalizeRole, type Role } from './normalize.ts';

export class XmlContext {
  readonly source: SourceKind;
  readonly warnings: ParseWarning[] = [];

  constructor(source: SourceKind) {
    this.source = source;
  }

  warn(element: XmlElement, message: string): void {
    this.warnings.push({ source: this.source, path: elementPath(element), message });
  }

  error(element: XmlElement, reason: string): ClusterParseError {
    return new ClusterParseError(this.source, reason, { path: elementPath(element) });
  }

  /** A required attribute, or a typed error naming the element. */
  need(element: XmlElement, name: string): string {
    const value = element.attrs[name];
    if (value === undefined) throw this.error(element, `<${element.name}> has no ${name} attribute`);
    return value;
  }

  /** A role attribute: null when absent, `Unknown` plus a warning when unrecognised. */
  role(element: XmlElement, name: string): Role | null {
    const raw = element.attrs[name];
    if (raw === undefined || raw === '') return null;
    const role = normalizeRole(raw);
    if (role === null) {
      this.warn(element, `unknown role "${raw}" in ${name}`);
      return 'Unknown';
    }
    return role;
  }

  unknownElement(element: XmlElement, where: string): void {
    this.warn(element, `unknown element <${element.name}> in ${where} (ignored)`);
  }
}

/** Parse text to a tree, mapping XML errors to ClusterParseError of this source. */
export function parseTree(source: SourceKind, text: string): XmlElement {
  try {
    return parseXml(text);
  } catch (error) {
    if (error instanceof XmlParseError) throw ClusterParseError.fromXml(source, error);
    throw error;
  }
}

/** The attributes not in `known`, for `extra`. */
export function extraAttrs(element: XmlElement, known: ReadonlySet<string>): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const name in element.attrs) if (!known.has(name)) extra[name] = element.attrs[name]!;
  return extra;
}

export function attrOrNull(element: XmlElement | undefined, name: string): string | null {
  return element?.attrs[name] ?? null;
}
