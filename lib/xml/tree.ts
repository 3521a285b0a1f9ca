/**
 * The small element tree parseXml builds: what the cluster parsers walk.
 *
 * Attributes live in a plain object (V8 keeps it in fast mode: the same element kinds repeat the
 * same attributes in the same order); an attribute named `__proto__` is defined as own data
 * (`setAttr`), never a prototype. Read attributes as own properties only. Elements without
 * attributes or children share one frozen empty object / array.
 * Text is the concatenated character data of the element itself (CDATA included), or '' when
 * it is whitespace only (or when the caller asked not to keep text).
 * `index` (1-based position among same-named siblings) and `line` are recorded while parsing,
 * so an element path or a line costs O(depth), never a scan of siblings.
 */
export interface XmlElement {
  name: string;
  attrs: Readonly<Record<string, string>>;
  children: readonly XmlElement[];
  text: string;
  parent: XmlElement | null;
  /** 1-based position among the parent's children of the same name; 0 for the root. */
  index: number;
  /** 1-based line of the element's start tag. */
  line: number;
}

/** Values echoed into messages are cut to this many characters, plus "…". */
export const MAX_ECHO = 200;

/**
 * A value as it may appear in a message: at most MAX_ECHO characters (never half of a
 * surrogate pair), control characters escaped (`printable`).
 */
export function clip(value: string, max = MAX_ECHO): string {
  if (value.length <= max) return printable(value);
  const c = value.charCodeAt(max - 1);
  const end = c >= 0xd800 && c <= 0xdbff ? max - 1 : max;
  return `${printable(value.slice(0, end))}…`;
}

/**
 * Characters a terminal acts on, as escapes: C0 controls but tab (a newline would forge a line
 * on stderr, ESC starts an ANSI sequence), DEL, C1 controls (U+009B is an 8-bit CSI), the line
 * and paragraph separators, bidirectional overrides and isolates, lone surrogates. Everything
 * else is kept as is.
 */
const UNPRINTABLE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function printable(text: string): string {
  UNPRINTABLE.lastIndex = 0;
  if (!UNPRINTABLE.test(text)) return text;
  return text.replace(UNPRINTABLE, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** A typed XML error: what went wrong, where (element path, line, column). */
export class XmlParseError extends Error {
  readonly reason: string;
  /** Element path of the innermost open element, e.g. `/cib/configuration[1]/resources[1]`. */
  readonly path: string;
  readonly line: number;
  readonly column: number;

  constructor(reason: string, path: string, line: number, column: number) {
    const why = clip(reason, 2 * MAX_ECHO);
    super(`XML ${why} at line ${line}, column ${column}${path ? ` (in ${path})` : ''}`);
    this.name = 'XmlParseError';
    this.reason = why;
    this.path = path;
    this.line = line;
    this.column = column;
  }
}

export const NO_ATTRS: Readonly<Record<string, string>> = Object.freeze({});
export const NO_CHILDREN: readonly XmlElement[] = Object.freeze([]) as readonly XmlElement[];

/** Set an attribute as an own data property (safe for `__proto__`). */
export function setAttr(attrs: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') Object.defineProperty(attrs, name, { value, enumerable: true, writable: true, configurable: true });
  else attrs[name] = value;
}

/** Longest element path returned; longer ones keep their start and end around "…". */
const MAX_PATH = 1000;

/**
 * The path of an element: each step is the name and its 1-based position among siblings of
 * the same name, e.g. `/pacemaker-result/resources[1]/clone[2]/resource[1]`. The root has no
 * index. O(depth); names are clipped, and a path over 1000 characters keeps its two ends.
 */
export function elementPath(element: XmlElement | null): string {
  const steps: string[] = [];
  for (let el = element; el; el = el.parent) {
    const name = clip(el.name, 100);
    steps.push(el.parent ? `${name}[${el.index}]` : name);
  }
  if (!steps.length) return '';
  const path = '/' + steps.reverse().join('/');
  return path.length <= MAX_PATH ? path : `${path.slice(0, MAX_PATH / 2)}…${path.slice(-MAX_PATH / 2)}`;
}

/** Children with a given name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The first child with a given name, or undefined. */
export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
