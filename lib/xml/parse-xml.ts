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

export function parseXml(text: string, options: ParseXmlOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  if (!isWellFormed(text)) {
    const at = loneSurrogateAt(text);
    const { line, column } = lineColumn(text, at);
    throw new XmlParseError(`lone surrogate U+${text.charCodeAt(at).toString(16).toUpperCase()} (not Unicode text)`, '', line, column);
  }
  const parser = new SaxesParser({ position: true });
  let root: XmlElement | null = null;
  let current: XmlElement | null = null;
  let depth = 0;
  /** Per open element: how many children of each name it has so far (for `index`). */
  const counts: (Map<string, number> | null)[] = [];
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
    if (opening !== null) {
      const index = current ? (counts[depth - 1]?.get(opening) ?? 0) + 1 : 0;
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
    const name = intern(tag.name);
    const raw = tag.attributes as Record<string, string>;
    let attrs = NO_ATTRS;
    if ('__proto__' in raw) {
      attrs = {};
      for (const key in raw) setAttr(attrs as Record<string, string>, key, raw[key]!);
    } else {
      for (const key in raw) {
        attrs = Object.assign({}, raw);
        break;
      }
    }
    let index = 0;
    if (current) {
      // Same-named siblings usually come in runs (nvpair, op, lrm_rsc_op): count from the last
      // child; the per-name counts are kept only for names that come back after another name.
      const siblings = current.children;
      const last = siblings[siblings.length - 1];
      if (last !== undefined && last.name === name) index = last.index + 1;
      else {
        let seen = counts[depth - 1];
        if (last !== undefined) {
          if (!seen) seen = counts[depth - 1] = new Map();
          seen.set(last.name, last.index);
        }
        index = (seen?.get(name) ?? 0) + 1;
      }
    }
    const element: XmlElement = { name, attrs, children: NO_CHILDREN, text: '', parent: current, index, line: parser.line };
    if (current) {
      if (current.children === NO_CHILDREN) current.children = [element];
      else (current.children as XmlElement[]).push(element);
    } else root = element;
    current = element;
    counts[depth] = null;
    depth++;
  });
  let closed: XmlElement | null = null;
  parser.on('closetag', () => {
    depth--;
    counts[depth] = null;
    closed = current;
    current = current ? current.parent : null;
  });
  if (options.keepText !== false) {
    parser.on('text', (t) => {
      if (current && /\S/.test(t)) current.text += t;
    });
    parser.on('cdata', (t) => {
      if (current) current.text += t;
    });
  }
  parser.on('error', (e) => {
    const reason = e.message.replace(/^\d+:\d+: /, '');
    if (reason.startsWith('unexpected close tag') && closed) {
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
