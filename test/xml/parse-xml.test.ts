import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseXml, XmlParseError, elementPath, MAX_DEPTH, type XmlElement } from '../../lib/xml/parse-xml.ts';

const dir = fileURLToPath(new URL('../fixtures/cluster/', import.meta.url));

function count(el: XmlElement): number {
  let n = 1;
  for (const c of el.children) n += count(c);
  return n;
}

t.test('every XML fixture parses', async (t) => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
  t.ok(files.length >= 20, 'fixtures present');
  for (const f of files) t.ok(count(parseXml(readFileSync(dir + f, 'utf8'))) > 1, f);
});

t.test('entities, character references, CDATA, comments, PIs', async (t) => {
  const root = parseXml('<?xml version="1.0"?>\n<!-- c --><a x="&lt;&amp;&#65;&#x42;&quot;"><b>t &gt; u</b><c><![CDATA[<raw>&]]></c><?pi x?></a>');
  t.equal(root.attrs.x, '<&AB"');
  t.equal(root.children[0]!.text, 't > u');
  t.equal(root.children[1]!.text, '<raw>&');
  t.equal(parseXml('<a>x</a>', { keepText: false }).text, '', 'text not kept when not asked for');
});

t.test('conformance: what the XML 1.0 recommendation requires', async (t) => {
  t.equal(parseXml('<a b="x\ny\tz"/>').attrs.b, 'x y z', 'attribute-value normalisation (3.3.3)');
  t.equal(parseXml('<a b="x\r\ny"/>').attrs.b, 'x y', 'CRLF in an attribute is one space');
  t.equal(parseXml('<a>x\r\ny\rz</a>').text, 'x\ny\nz', 'line-end normalisation (2.11)');
  t.equal(parseXml('<a b="x&#10;y"/>').attrs.b, 'x\ny', 'a character reference is not normalised');
  const refused: [string, string, RegExp][] = [
    ['<a>&#0;</a>', 'character reference to U+0000', /character entity/],
    ['<a>&#xD800;</a>', 'character reference to a surrogate', /character entity/],
    ['<a>&#x110000;</a>', 'character reference beyond Unicode', /character entity/],
    ['<a>&#1;</a>', 'character reference to a control character', /character entity/],
    ['<a>\u0001</a>', 'control character in text', /disallowed character/],
    ['<a b="\u001f"/>', 'control character in an attribute', /disallowed character/],
    ['<a>\u0000</a>', 'NUL in text', /disallowed character/],
    ['<a>x]]>y</a>', '"]]>" in text', /\]\]>/],
    ['<a><!-- x -- y --></a>', '"--" in a comment', /comment/],
    ['<a/><?xml version="1.0"?>', 'an XML declaration after the root', /XML declaration/],
    [' <?xml version="1.0"?><a/>', 'an XML declaration after white space', /XML declaration/],
    ['<a>\uD800</a>', 'a lone surrogate', /lone surrogate/],
  ];
  for (const [text, what, reason] of refused) t.throws(() => parseXml(text), { name: 'XmlParseError', reason }, what);
});

t.test('an attribute named __proto__ is data, not a prototype', async (t) => {
  const root = parseXml('<a __proto__="x" constructor="y"/>');
  t.equal(root.attrs['__proto__'], 'x');
  t.ok(Object.hasOwn(root.attrs, '__proto__'));
  t.equal(Object.getPrototypeOf(root.attrs), Object.prototype, 'prototype untouched');
  t.equal(({} as Record<string, unknown>).x, undefined, 'Object.prototype untouched');
});

t.test('DOCTYPE and ENTITY declarations are refused', async (t) => {
  const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
  t.throws(() => parseXml(bomb), { name: 'XmlParseError', reason: /DOCTYPE\/ENTITY/ });
  t.throws(() => parseXml('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>'), { name: 'XmlParseError', reason: /DOCTYPE\/ENTITY/ });
  t.throws(() => parseXml('<a>&xxe;</a>'), { name: 'XmlParseError', reason: /undefined entity/ });
});

t.test('errors carry the element path, line and column', async (t) => {
  const text = '<r>\n  <s/>\n  <s>\n    <t a="1" a="2"/>\n  </s>\n</r>';
  const err = t.throws(() => parseXml(text)) as XmlParseError;
  t.equal(err.path, '/r/s[2]/t[1]');
  t.equal(err.line, 4);
  t.ok(err.column > 1);
  t.match(err.reason, /duplicate attribute: a/);
  t.match(err.message, /at line 4, column \d+ \(in \/r\/s\[2\]\/t\[1\]\)/);
  const mismatch = t.throws(() => parseXml('<r><s></r>')) as XmlParseError;
  t.match(mismatch.reason, /end tag does not match <s>/);
  t.equal(mismatch.path, '/r/s[1]');
});

t.test('malformed documents are typed errors', async (t) => {
  for (const bad of ['', 'text', '<a>', '<a></b>', '<a/><b/>', '<a b=c/>', '<a b="<"/>', '<1a/>', '<a>&</a>', '<a><!-- x</a>', '</a>', '<a>x</a>y']) {
    t.throws(() => parseXml(bad), XmlParseError, JSON.stringify(bad));
  }
});

t.test('nesting deeper than MAX_DEPTH is a typed error naming where', async (t) => {
  t.equal(MAX_DEPTH, 256);
  t.equal(count(parseXml('<a>'.repeat(MAX_DEPTH) + '</a>'.repeat(MAX_DEPTH))), MAX_DEPTH, 'MAX_DEPTH levels parse');
  const err = t.throws(() => parseXml('<a>'.repeat(100_000) + '</a>'.repeat(100_000))) as XmlParseError;
  t.match(err, { name: 'XmlParseError', reason: /nested deeper than 256 levels/, line: 1 });
  t.match(err.path, /^\/a\/a\[1\]\/a\[1\]/);
  t.ok(err.path.length <= 1001, 'the path is bounded');
});

t.test('messages echo at most 200 characters of a value', async (t) => {
  const long = 'x'.repeat(1_000_000);
  const err = t.throws(() => parseXml(`<a><${long} b="1" b="2"/></a>`)) as XmlParseError;
  t.ok(err.message.length < 1500, `message of ${err.message.length} characters`);
  t.ok(err.path.length <= 1001, 'path bounded');
});

t.test('elementPath numbers same-named siblings, in O(depth)', async (t) => {
  const root = parseXml('<a><b/><c/><b><d/></b></a>');
  t.equal(elementPath(root.children[2]!.children[0]!), '/a/b[2]/d[1]');
  t.equal(elementPath(root), '/a');
  t.same(root.children.map((c) => [c.name, c.index, c.line]), [['b', 1, 1], ['c', 1, 1], ['b', 2, 1]]);
});

t.test('skip leaves an element and its subtree out of the tree; indices and checks still hold', async (t) => {
  const asked: [string, string, number, number][] = [];
  const root = parseXml('<a>\n<b/><x><b/><y/></x>\n<b/><x/><b i="1"/></a>', {
    skip: (parent, name, index, line) => {
      asked.push([parent.name, name, index, line]);
      return name === 'x';
    },
  });
  t.same(root.children.map((c) => [c.name, c.index]), [['b', 1], ['b', 2], ['b', 3]], 'the x elements are not built');
  t.same(asked, [['a', 'b', 1, 2], ['a', 'x', 1, 2], ['a', 'b', 2, 3], ['a', 'x', 2, 3], ['a', 'b', 3, 3]], 'nothing inside a skipped element is asked about');
  t.equal(root.children[2]!.attrs.i, '1');
  t.throws(() => parseXml('<a><x><y></z></x></a>', { skip: () => true }), XmlParseError, 'well-formedness is still checked');
  t.throws(() => parseXml(`<a><x>${'<y>'.repeat(300)}${'</y>'.repeat(300)}</x></a>`, { skip: () => true }), /nested deeper/);
});

t.test('attributes: duplicates refused as saxes refuses them, names of Object.prototype members kept', async (t) => {
  for (const dup of ['<a x="1" x="2"/>', '<a constructor="1" constructor="2"/>', '<a __proto__="1" __proto__="2"/>']) {
    t.throws(() => parseXml(dup), /duplicate attribute/, dup);
  }
  const el = parseXml('<a toString="1" __proto__="p" constructor="c"/>');
  t.same(Object.keys(el.attrs), ['toString', '__proto__', 'constructor']);
  t.equal(Object.getPrototypeOf(el.attrs), Object.prototype);
  t.equal(Object.getOwnPropertyDescriptor(el.attrs, '__proto__')?.value, 'p');
});
