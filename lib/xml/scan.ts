/**
 * The default parseXml backend: a hand-written element + attribute scanner over the string
 * (indexOf jumps, no per-character events). It checks what the cluster documents need to be
 * trusted: one root, matched tags, quoted unique attributes, the five predefined entities and
 * character references only; it refuses DOCTYPE and ENTITY declarations outright, so nothing is
 * ever expanded. Comments and processing instructions are skipped; CDATA becomes text.
 * Chosen over saxes/htmlparser2/fast-xml-parser/xml2js by bench/cluster.ts (see README).
 */
import { type XmlElement, XmlParseError, newElement, elementPath, lineColumn, setAttr } from './tree.ts';

const NAME = /^[A-Za-z_:][\w.:\-]*$/;
const ENTITY = /&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);|&/g;
const PREDEFINED: Record<string, string> = Object.assign(Object.create(null), { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" });

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** Letters, digits, `_ : . -` (ASCII names: what Pacemaker writes). */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 58) || c === 95 || c === 45 || c === 46;
}

function allSpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

export function scanXml(text: string): XmlElement {
  let root: XmlElement | null = null;
  let current: XmlElement | null = null;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const len = text.length;

  const fail = (reason: string, at: number): never => {
    const { line, column } = lineColumn(text, at);
    throw new XmlParseError(reason, elementPath(current), line, column);
  };

  const decode = (raw: string, at: number): string => {
    if (raw.indexOf('&') === -1) return raw;
    return raw.replace(ENTITY, (match: string, body: string | undefined) => {
      if (body === undefined) return fail('bare "&" (not an entity reference)', at);
      if (body[0] === '#') {
        const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        if (!(code >= 1 && code <= 0x10ffff)) return fail(`invalid character reference ${match}`, at);
        return String.fromCodePoint(code);
      }
      const value = PREDEFINED[body];
      if (value === undefined) return fail(`undefined entity ${match} (entities are never expanded)`, at);
      return value;
    });
  };

  const addText = (from: number, to: number, cdata: boolean): void => {
    if (!cdata && allSpace(text, from, to)) return;
    if (!current) fail('text outside the root element', from);
    const raw = text.slice(from, to);
    current!.text += cdata ? raw : decode(raw, from);
  };

  while (pos < len) {
    const lt = text.indexOf('<', pos);
    if (lt === -1) {
      addText(pos, len, false);
      break;
    }
    if (lt > pos) addText(pos, lt, false);
    const next = text.charCodeAt(lt + 1);
    if (next === 63 /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) fail('unterminated processing instruction', lt);
      pos = end + 2;
      continue;
    }
    if (next === 33 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        if (end === -1) fail('unterminated comment', lt);
        pos = end + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        if (!current) fail('CDATA outside the root element', lt);
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) fail('unterminated CDATA section', lt);
        addText(lt + 9, end, true);
        pos = end + 3;
        continue;
      }
      if (text.startsWith('<!DOCTYPE', lt) || text.startsWith('<!ENTITY', lt)) {
        fail('DOCTYPE/ENTITY declarations are refused (no entity expansion)', lt);
      }
      fail('unknown markup declaration', lt);
    }
    if (next === 47 /* / */) {
      const end = text.indexOf('>', lt + 2);
      if (end === -1) fail('unterminated end tag', lt);
      const name = text.slice(lt + 2, end).trimEnd();
      if (!current) fail(`end tag </${name}> without a start tag`, lt);
      if (current!.name !== name) fail(`end tag </${name}> does not match <${current!.name}>`, lt);
      current = current!.parent;
      pos = end + 1;
      continue;
    }
    // start tag
    let i = lt + 1;
    while (i < len && isNameChar(text.charCodeAt(i))) i++;
    const name = text.slice(lt + 1, i);
    const stop = text.charCodeAt(i);
    if (!NAME.test(name) || (i < len && !isSpace(stop) && stop !== 62 && stop !== 47)) {
      fail(`invalid element name "${text.slice(lt + 1, i + 1).slice(0, 40)}"`, lt);
    }
    if (!current && root) fail('more than one root element', lt);
    const element = newElement(name, current, lt);
    if (current) current.children.push(element);
    else root = element;
    const previous = current;
    current = element;
    let selfClosing = false;
    for (;;) {
      while (i < len && isSpace(text.charCodeAt(i))) i++;
      if (i >= len) fail(`unterminated start tag <${name}>`, lt);
      const c = text.charCodeAt(i);
      if (c === 62 /* > */) {
        i++;
        break;
      }
      if (c === 47 /* / */) {
        if (text.charCodeAt(i + 1) !== 62) fail(`"/" not followed by ">" in <${name}>`, i);
        selfClosing = true;
        i += 2;
        break;
      }
      const start = i;
      while (i < len && isNameChar(text.charCodeAt(i))) i++;
      const attr = text.slice(start, i);
      const first = text.charCodeAt(start);
      if (attr === '' || (first >= 48 && first <= 57) || first === 45 || first === 46) {
        fail(`invalid attribute name "${text.slice(start, start + 20)}" in <${name}>`, start);
      }
      while (i < len && isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 61 /* = */) fail(`attribute ${attr} without a value in <${name}>`, i);
      let q = i + 1;
      while (q < len && isSpace(text.charCodeAt(q))) q++;
      const quote = text.charCodeAt(q);
      if (quote !== 34 && quote !== 39) fail(`unquoted value of attribute ${attr} in <${name}>`, q);
      const close = text.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (close === -1) fail(`unterminated value of attribute ${attr} in <${name}>`, q);
      const raw = text.slice(q + 1, close);
      if (raw.indexOf('<') !== -1) fail(`"<" in the value of attribute ${attr} in <${name}>`, q);
      if (Object.prototype.hasOwnProperty.call(element.attrs, attr)) fail(`duplicate attribute ${attr} in <${name}>`, start);
      setAttr(element.attrs, attr, raw.indexOf('&') === -1 ? raw : decode(raw, q));
      i = close + 1;
      const after = text.charCodeAt(i);
      if (i < len && !isSpace(after) && after !== 62 && after !== 47) fail(`no space after attribute ${attr} in <${name}>`, i);
    }
    if (selfClosing) current = previous;
    pos = i;
  }
  if (current) fail(`unclosed element <${current.name}>`, len);
  if (!root) fail('no root element', pos);
  return root!;
}
