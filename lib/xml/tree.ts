/**
 * The small element tree every XML backend produces: what the cluster parsers walk.
 *
 * Attributes live in a plain object (V8 keeps it in fast mode: the same element kinds repeat the
 * same attributes in the same order); an attribute named `__proto__` is defined as own data
 * (`setAttr`), never a prototype. Read attributes as own properties only.
 * Text is the concatenated character data of the element itself (CDATA included), or '' when
 * it is whitespace only. `offset` is the index of the element's `<` in the source, so errors
 * can name a line without every element paying for one.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  parent: XmlElement | null;
  offset: number;
}

/** A typed XML error: what went wrong, where (element path, line, column). */
export class XmlParseError extends Error {
  readonly reason: string;
  /** Element path of the innermost open element, e.g. `/cib/configuration[1]/resources[1]`. */
  readonly path: string;
  readonly line: number;
  readonly column: number;

  constructor(reason: string, path: string, line: number, column: number) {
    super(`XML ${reason} at line ${line}, column ${column}${path ? ` (in ${path})` : ''}`);
    this.name = 'XmlParseError';
    this.reason = reason;
    this.path = path;
    this.line = line;
    this.column = column;
  }
}

export function newElement(name: string, parent: XmlElement | null, offset: number): XmlElement {
  return { name, attrs: {}, children: [], text: '', parent, offset };
}

/** Set an attribute as an own data property (safe for `__proto__`). */
export function setAttr(attrs: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') Object.defineProperty(attrs, name, { value, enumerable: true, writable: true, configurable: true });
  else attrs[name] = value;
}

/**
 * The path of an element: each step is the name and its 1-based position among siblings of
 * the same name, e.g. `/pacemaker-result/resources[1]/clone[2]/resource[1]`. The root has no index.
 */
export function elementPath(element: XmlElement | null): string {
  const steps: string[] = [];
  for (let el = element; el; el = el.parent) {
    if (!el.parent) {
      steps.push(el.name);
      break;
    }
    let index = 0;
    for (const sibling of el.parent.children) {
      if (sibling.name === el.name) index++;
      if (sibling === el) break;
    }
    steps.push(`${el.name}[${index}]`);
  }
  return steps.length ? '/' + steps.reverse().join('/') : '';
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

/** Children with a given name. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** The first child with a given name, or undefined. */
export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}
