/**
 * An alternative parseXml backend over saxes (a conforming SAX parser). Slower than the
 * scanner here (see bench/cluster.ts), kept as a swappable second opinion: the seam's tests
 * run both backends over the same inputs.
 */
import { SaxesParser } from 'saxes';
import { type XmlElement, XmlParseError, newElement, elementPath, setAttr } from './tree.ts';

export function saxesXml(text: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  let root: XmlElement | null = null;
  let current: XmlElement | null = null;
  let refused: string | null = null;
  const fail = (reason: string): never => {
    throw new XmlParseError(reason, elementPath(current), parser.line, parser.column);
  };
  parser.on('doctype', () => {
    refused = 'DOCTYPE/ENTITY declarations are refused (no entity expansion)';
    fail(refused);
  });
  parser.on('opentag', (tag) => {
    const element = newElement(tag.name, current, 0);
    for (const [k, v] of Object.entries(tag.attributes as Record<string, string>)) setAttr(element.attrs, k, v);
    if (current) current.children.push(element);
    else root = element;
    current = element;
  });
  parser.on('closetag', () => {
    current = current ? current.parent : null;
  });
  parser.on('text', (t) => {
    if (current && /\S/.test(t)) current.text += t;
  });
  parser.on('cdata', (t) => {
    if (current) current.text += t;
  });
  parser.on('error', (e) => fail(e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')));
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof XmlParseError) throw error;
    fail(error instanceof Error ? error.message : String(error));
  }
  if (!root) fail('no root element');
  return root!;
}
