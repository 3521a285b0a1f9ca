import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseXml, XmlParseError, elementPath, type XmlElement } from '../../lib/xml/parse-xml.ts';

const dir = fileURLToPath(new URL('../fixtures/cluster/', import.meta.url));

function plain(el: XmlElement): unknown {
  return { name: el.name, attrs: { ...el.attrs }, text: el.text, children: el.children.map(plain) };
}

t.test('both backends build the same tree for every XML fixture', async (t) => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
  t.ok(files.length >= 20, 'fixtures present');
  for (const f of files) {
    const text = readFileSync(dir + f, 'utf8');
    t.same(plain(parseXml(text, { backend: 'scan' })), plain(parseXml(text, { backend: 'saxes' })), f);
  }
});

t.test('entities, character references, CDATA, comments, PIs', async (t) => {
  const root = parseXml('<?xml version="1.0"?>\n<!-- c --><a x="&lt;&amp;&#65;&#x42;&quot;"><b>t &gt; u</b><c><![CDATA[<raw>&]]></c></a>');
  t.equal(root.attrs.x, '<&AB"');
  t.equal(root.children[0]!.text, 't > u');
  t.equal(root.children[1]!.text, '<raw>&');
});

t.test('an attribute named __proto__ is data, not a prototype', async (t) => {
  const root = parseXml('<a __proto__="x" constructor="y"/>');
  t.equal(root.attrs['__proto__'], 'x');
  t.ok(Object.hasOwn(root.attrs, '__proto__'));
  t.equal(Object.getPrototypeOf(root.attrs), Object.prototype, 'prototype untouched');
  t.equal(Object.keys(parseXml('<a __proto__="x"/>', { backend: 'saxes' }).attrs)[0], '__proto__');
});

t.test('DOCTYPE and ENTITY declarations are refused by every backend', async (t) => {
  const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
  for (const backend of ['scan', 'saxes'] as const) {
    t.throws(() => parseXml(bomb, { backend }), { name: 'XmlParseError', reason: /DOCTYPE\/ENTITY/ }, backend);
    t.throws(() => parseXml('<a>&xxe;</a>', { backend }), XmlParseError, `${backend}: undefined entity`);
  }
});

t.test('errors carry the element path and line', async (t) => {
  const text = '<r>\n  <s/>\n  <s>\n    <t a="1" a="2"/>\n  </s>\n</r>';
  const err = t.throws(() => parseXml(text)) as XmlParseError;
  t.equal(err.path, '/r/s[2]/t[1]');
  t.equal(err.line, 4);
  t.match(err.reason, /duplicate attribute a/);
  const mismatch = t.throws(() => parseXml('<r><s></r>')) as XmlParseError;
  t.match(mismatch.reason, /does not match <s>/);
  t.equal(mismatch.path, '/r/s[1]');
});

t.test('malformed documents are typed errors', async (t) => {
  for (const bad of ['', 'text', '<a>', '<a></b>', '<a/><b/>', '<a b=c/>', '<a b="<"/>', '<1a/>', '<a>&</a>', '<a><!-- x</a>', '</a>']) {
    t.throws(() => parseXml(bad), XmlParseError, JSON.stringify(bad));
  }
});

t.test('elementPath numbers same-named siblings', async (t) => {
  const root = parseXml('<a><b/><c/><b><d/></b></a>');
  t.equal(elementPath(root.children[2]!.children[0]!), '/a/b[2]/d[1]');
  t.equal(elementPath(root), '/a');
});
