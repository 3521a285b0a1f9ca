/**
 * The one XML seam: text in, a small element tree out (`XmlElement`), typed `XmlParseError`s.
 * saxes (a conforming, non-validating XML 1.0/1.1 parser) does the parsing: attribute-value
 * and line-end normalisation, character checks, well-formedness. On top of it this refuses any
 * DOCTYPE (so no entity is ever declared or expanded), elements nested deeper than `maxDepth`,
 * and lone surrogates in the input string; every error names the element path, line and column.
 */
import { SaxesParser } from 'saxes';
import { type XmlElement, XmlParseError, NO_ATTRS, NO_CHILDREN, elementPath, setAttr, clip } from './tree.ts';

/**
 * Default nesting limit. Pacemaker reads XML with libxml2, whose default limit is 256 levels
 * (XML_PARSE_HUGE lifts it); its schema needs about 12 (a rule inside a rule is the only
 * recursion it allows). Every recursive walk over the tree is bounded by this.
 */
export const MAX_DEPTH = 256;

export interface ParseXmlOptions {
  /** Keep elements' character data in `text` (default true). Callers that never read text save memory. */
  keepText?: boolean;
  /** Refuse elements nested deeper than this (default MAX_DEPTH). */
  maxDepth?: number;
  /**
   * Called before a (non-root) element is built, with its parent, name, `index` among its
   * same-named siblings and line: true leaves the element and everything inside it out of the
   * tree. saxes still reads and checks all of it (well-formedness, the nesting limit); only the
   * memory is saved. For callers that know which elements they will never read.
   */
  skip?: (parent: XmlElement, name: string, index: number, line: number) => boolean;
}

/** 1-based line and column of an offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** Offset of the first lone surrogate in a string that is not well formed. */
export function loneSurrogateAt(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/** No lone surrogates (String.prototype.isWellFormed, Node 20+; not in the ES2022 lib types). */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** saxes' internals that `fastAttributes` replaces (saxes 6: lib/saxes.ts, non-namespace mode). */
interface SaxesAttributeHooks {
  tag: { attributes: Record<string, string> };
  attribList: unknown[];
  pushAttrib(name: string, value: string): void;
  processAttribs(): void;
  fail(message: string): void;
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * Attributes straight into the object the tree keeps. saxes collects `{ name, value }` pairs and
 * then copies them into a null-prototype object, which V8 keeps in slow dictionary mode (and
 * which the tree would copy again into a fast one): here the pairs go flat into one array and
 * then into a plain object literal, in document order; an element without attributes gets the
 * shared frozen empty object. A duplicate attribute is refused exactly as saxes refuses it (same
 * message, same place: the end of the start tag); `__proto__` is defined as own data. If a
 * saxes release changes these members, parsing falls back to saxes' own.
 */
function fastAttributes(parser: SaxesParser): boolean {
  const p = parser as unknown as SaxesAttributeHooks;
  if (typeof p.pushAttrib !== 'function' || typeof p.processAttribs !== 'function' || !Array.isArray(p.attribList)) return false;
  const list: string[] = [];
  p.pushAttrib = (name: string, value: string) => {
    list.push(name, value);
  };
  p.processAttribs = function (this: SaxesAttributeHooks) {
    if (list.length === 0) {
      this.tag.attributes = NO_ATTRS as Record<string, string>;
      return;
    }
    const attrs: Record<string, string> = {};
    for (let i = 0; i < list.length; i += 2) {
      const name = list[i]!;
      // Most names are not on Object.prototype: the own-property check runs only for those that are.
      if (attrs[name] !== undefined && hasOwn(attrs, name)) this.fail(`duplicate attribute: ${name}.`);
      setAttr(attrs, name, list[i + 1]!);
    }
    list.length = 0;
    this.tag.attributes = attrs;
  };
  return true;
}

/** saxes' own null-prototype attributes as a plain object (the fallback of `fastAttributes`). */
function copyAttributes(raw: Record<string, string>): Readonly<Record<string, string>> {
  let attrs = NO_ATTRS as Record<string, string>;
  for (const key in raw) {
    if (attrs === NO_ATTRS) attrs = {};
    setAttr(attrs, key, raw[key]!);
  }
  return attrs;
}

export function parseXml(text: string, options: ParseXmlOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  if (!isWellFormed(text)) {
    const at = loneSurrogateAt(text);
    const { line, column } = lineColumn(text, at);
    throw new XmlParseError(`lone surrogate U+${text.charCodeAt(at).toString(16).toUpperCase()} (not Unicode text)`, '', line, column);
  }
  const parser = new SaxesParser({ position: true });
  const fast = fastAttributes(parser);
  let root: XmlElement | null = null;
  let current: XmlElement | null = null;
  let depth = 0;
  /**
   * Per open element (by depth): the name and index of its last child, and, once a name comes
   * back after another name, the last index of each earlier name (for `index`, skipped children
   * included).
   */
  const lastName: (string | null)[] = [];
  const lastIndex: number[] = [];
  const counts: (Map<string, number> | null)[] = [];
  const indexAt = (d: number, name: string): number =>
    lastName[d] === name ? lastIndex[d]! + 1 : (counts[d]?.get(name) ?? 0) + 1;
  const record = (d: number, name: string, index: number): void => {
    const last = lastName[d];
    if (last !== null && last !== name) {
      let seen = counts[d];
      if (!seen) seen = counts[d] = new Map();
      seen.set(last, lastIndex[d]!);
    }
    lastName[d] = name;
    lastIndex[d] = index;
  };
  const open = (d: number): void => {
    lastName[d] = null;
    counts[d] = null;
  };
  /** Depth of the skipped element being read (0: none). */
  let skipping = 0;
  const skip = options.skip;
  /** Element and attribute names repeat: keep one string per distinct name. */
  const names = new Map<string, string>();
  const intern = (name: string): string => {
    const known = names.get(name);
    if (known !== undefined) return known;
    names.set(name, name);
    return name;
  };
  /** The name of a start tag whose attributes are being read (the element does not exist yet). */
  let opening: string | null = null;
  const fail = (reason: string): never => {
    let path = elementPath(current);
    // Inside a skipped subtree, the path names the nearest element kept (line and column are exact).
    if (skipping) path += '/…';
    else if (opening !== null) {
      const index = current ? indexAt(depth - 1, opening) : 0;
      path = `${path}/${clip(opening, 100)}${current ? `[${index}]` : ''}`;
    }
    throw new XmlParseError(reason, path, parser.line, parser.column);
  };

  parser.on('doctype', () => fail('DOCTYPE/ENTITY declarations are refused (no entity expansion)'));
  parser.on('opentagstart', (tag) => {
    opening = tag.name;
  });
  parser.on('opentag', (tag) => {
    opening = null;
    if (depth >= maxDepth) fail(`elements nested deeper than ${maxDepth} levels (<${clip(tag.name, 100)}>)`);
    if (skipping) {
      depth++;
      return;
    }
    let name = tag.name;
    let index = 0;
    if (current) {
      index = indexAt(depth - 1, name);
      if (skip !== undefined && skip(current, name, index, parser.line)) {
        record(depth - 1, name, index);
        skipping = ++depth;
        return;
      }
    }
    name = intern(name);
    if (current) record(depth - 1, name, index);
    const attrs = fast ? (tag.attributes as Readonly<Record<string, string>>) : copyAttributes(tag.attributes as Record<string, string>);
    const element: XmlElement = { name, attrs, children: NO_CHILDREN, text: '', parent: current, index, line: parser.line };
    if (current) {
      if (current.children === NO_CHILDREN) current.children = [element];
      else (current.children as XmlElement[]).push(element);
    } else root = element;
    current = element;
    open(depth);
    depth++;
  });
  let closed: XmlElement | null = null;
  parser.on('closetag', () => {
    if (skipping) {
      if (depth-- === skipping) skipping = 0;
      return;
    }
    depth--;
    counts[depth] = null;
    closed = current;
    current = current ? current.parent : null;
  });
  if (options.keepText !== false) {
    parser.on('text', (t) => {
      if (current && !skipping && /\S/.test(t)) current.text += t;
    });
    parser.on('cdata', (t) => {
      if (current && !skipping) current.text += t;
    });
  }
  parser.on('error', (e) => {
    const reason = e.message.replace(/^\d+:\d+: /, '');
    if (reason.startsWith('unexpected close tag') && closed && !skipping) {
      // saxes has just closed the element the end tag does not match: name it.
      current = closed;
      fail(`end tag does not match <${clip(closed.name, 100)}> (unclosed)`);
    }
    fail(reason);
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof XmlParseError) throw error;
    if (error instanceof RangeError) fail('document too large or too deeply structured to parse');
    throw error;
  }
  if (!root) fail('no root element');
  return root!;
}

export { XmlParseError, elementPath, childrenNamed, firstChild, clip, MAX_ECHO } from './tree.ts';
export type { XmlElement } from './tree.ts';
