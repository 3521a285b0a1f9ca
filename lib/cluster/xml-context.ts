/**
 * What the XML parsers share while walking a tree: the source kind, collected warnings, and
 * helpers that turn an element into typed errors, warnings and `extra` attribute maps.
 */
import { type XmlElement, XmlParseError, clip, elementPath, parseXml } from '../xml/parse-xml.ts';

export { clip };
import { ClusterParseError, WarningList, type ParseWarning, type SourceKind } from './errors.ts';
import { decodeInput, type ParserInput } from './input.ts';
import { normalizeRole, type Role } from './normalize.ts';
import type { Prune } from './prune.ts';

export class XmlContext {
  readonly source: SourceKind;
  private readonly list: WarningList;

  constructor(source: SourceKind) {
    this.source = source;
    this.list = new WarningList(source);
  }

  warn(element: XmlElement, message: string): void {
    if (this.list.room()) this.list.list.push({ source: this.source, path: elementPath(element), line: element.line, message: clip(message, 600) });
  }

  /**
   * The warnings (capped), once the walk is done, in the order of their lines: those about
   * elements left out while parsing (`parse`) are found before the walk, so on one line they
   * come before the walk's.
   */
  finish(): ParseWarning[] {
    this.list.list.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return this.list.finish();
  }

  error(element: XmlElement, reason: string): ClusterParseError {
    return new ClusterParseError(this.source, reason, { path: elementPath(element), line: element.line });
  }

  /** A required attribute, or a typed error naming the element. */
  need(element: XmlElement, name: string): string {
    const value = element.attrs[name];
    if (value === undefined) throw this.error(element, `<${clip(element.name)}> has no ${name} attribute`);
    return value;
  }

  /** A role attribute: null when absent, `Unknown` plus a warning when unrecognised. */
  role(element: XmlElement, name: string): Role | null {
    const raw = element.attrs[name];
    if (raw === undefined || raw === '') return null;
    const role = normalizeRole(raw);
    if (role === null) {
      this.warn(element, `unknown role "${clip(raw)}" in ${name}`);
      return 'Unknown';
    }
    return role;
  }

  unknownElement(element: XmlElement, where: string): void {
    this.warn(element, `unknown element <${clip(element.name)}> in ${where} (ignored)`);
  }

  /**
   * Bytes or text to a tree, leaving out what `prune` says the model never reads (with the
   * walker's warning for unknown elements); input and XML errors become ClusterParseErrors of
   * this source. Character data is not kept: no cluster parser reads it.
   */
  parse(input: ParserInput, prune: Prune): XmlElement {
    const text = decodeInput(this.source, input);
    const skip = (parent: XmlElement, name: string, index: number, line: number): boolean => {
      const where = prune(parent, name);
      if (where === null) return false;
      if (where !== '' && this.list.room()) {
        const path = `${elementPath(parent)}/${clip(name, 100)}[${index}]`;
        this.list.list.push({ source: this.source, path, line, message: clip(`unknown element <${clip(name)}> in ${where} (ignored)`, 600) });
      }
      return true;
    };
    try {
      return parseXml(text, { keepText: false, skip });
    } catch (error) {
      if (error instanceof XmlParseError) throw ClusterParseError.fromXml(this.source, error);
      throw error;
    }
  }
}

/** The attributes not in `known`, for `extra`. */
export function extraAttrs(element: XmlElement, known: ReadonlySet<string>): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const name in element.attrs) if (!known.has(name)) setOwn(extra, name, element.attrs[name]!);
  return extra;
}

/** Set a property as own data, safe for keys such as `__proto__` that come from the input. */
export function setOwn<T>(into: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
}

/**
 * Object.assign for keys from the input: `Object.assign` sets `__proto__` through the setter
 * (the value, a string, is then dropped silently); this defines it as own data.
 */
export function assignOwn<T>(into: Record<string, T>, from: Record<string, T>): void {
  for (const key in from) setOwn(into, key, from[key]!);
}

/** The own value of `key`, created by `make` when absent; safe for keys from the input. */
export function ownOrNew<T>(into: Record<string, T>, key: string, make: () => T): T {
  if (Object.prototype.hasOwnProperty.call(into, key)) return into[key]!;
  const value = make();
  setOwn(into, key, value);
  return value;
}

export function attrOrNull(element: XmlElement | undefined, name: string): string | null {
  return element?.attrs[name] ?? null;
}
