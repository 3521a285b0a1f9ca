/**
 * Hostile input gets typed errors and bounded output: nesting beyond the limit, bytes that are
 * not UTF-8, NUL, lone surrogates, floods of warnings, huge values echoed in messages, and
 * attribute or node names such as `__proto__`.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseCrmMonXml } from '../../lib/cluster/crm-mon.ts';
import { parseCibXml } from '../../lib/cluster/cib.ts';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';
import { ClusterParseError, MAX_WARNINGS } from '../../lib/cluster/errors.ts';
import { cibNestedRules, crmMonNestedGroups, crmMonUnknown, pcsSpaceX } from './hostile.ts';
import { read } from './fixtures.ts';

const typed = (fn: () => unknown): ClusterParseError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ClusterParseError) return error;
    throw new Error(`not a ClusterParseError: ${(error as Error)?.name}: ${String((error as Error)?.message).slice(0, 200)}`);
  }
  throw new Error('no error');
};

t.test('3,000 nested groups (crm_mon) and 5,000 nested rules (CIB) are typed errors naming where', async (t) => {
  const groups = typed(() => parseCrmMonXml(crmMonNestedGroups(3000)));
  t.match(groups, { source: 'crm_mon-xml', reason: /nested deeper than 256 levels/, line: 1 });
  t.match(groups.path, /^\/pacemaker-result\/resources\[1\]\/group\[1\]\/group\[1\]/);
  const rules = typed(() => parseCibXml(cibNestedRules(5000)));
  t.match(rules, { source: 'cib-xml', reason: /nested deeper than 256 levels/ });
  t.match(rules.path, /^\/cib\/configuration\[1\]\/constraints\[1\]\/rsc_location\[1\]\/rule\[1\]/);
  t.ok(rules.message.length < 1700, 'the message is bounded');
  // What the limit allows, the recursive walks handle.
  const deep = parseCibXml(cibNestedRules(250));
  let rule = deep.configuration.constraints.location[0]!.rules[0]!;
  let n = 1;
  while (rule.rules.length) (rule = rule.rules[0]!), n++;
  t.equal(n, 250, '250 nested rules parse');
  t.equal(parseCrmMonXml(crmMonNestedGroups(250)).collections.length, 250);
});

t.test('bytes that are not UTF-8, and NUL, are refused with the byte offset and line', async (t) => {
  const good = Buffer.from(read('pcmk2.1.5-crm_mon-xml-two-node-healthy.xml'));
  t.equal(parseCrmMonXml(good).dc, 'node1', 'bytes in, model out');
  const at = good.indexOf('node2');
  const bad = Buffer.from(good);
  bad[at + 4] = 0xff;
  const line = good.subarray(0, at).toString().split('\n').length;
  t.match(typed(() => parseCrmMonXml(bad)), { source: 'crm_mon-xml', reason: `invalid UTF-8 at byte offset ${at + 4} (byte 0xff)`, line });
  const overlong = Buffer.concat([Buffer.from('<cib><configuration><nodes><node id="1" uname="a'), Buffer.from([0xc0, 0xae]), Buffer.from('"/></nodes></configuration></cib>')]);
  t.match(typed(() => parseCibXml(overlong)), { source: 'cib-xml', reason: /invalid UTF-8 at byte offset 48 \(byte 0xc0\)/, line: 1 });
  const surrogate = Buffer.from('Cluster name: x\nOnline: [ a\xed\xa0\x80 ]\n', 'latin1');
  t.match(typed(() => parsePcsStatus(surrogate)), { source: 'pcs-status', reason: /invalid UTF-8 at byte offset 27/, line: 2 });
  const truncated = Buffer.from('Cluster name: x\nOnline: [ a\xe2\x82 ]\n', 'latin1');
  t.match(typed(() => parsePcsStatus(truncated)), { reason: /invalid UTF-8 at byte offset 27/ });
  t.match(typed(() => parsePcsStatus(Buffer.from('Cluster name: x\n\nOnline: [ a\0b ]\n'))), { reason: 'NUL byte at byte offset 28', line: 3 });
  t.match(typed(() => parseCrmMonXml('<pacemaker-result><nodes><node name="a\0b"/></nodes></pacemaker-result>')), { reason: /NUL character \(U\+0000\) at character offset 38/ });
  t.match(typed(() => parsePcsStatus('Cluster name: x\nOnline: [ a\0b ]\n')), { reason: /NUL character/, line: 2 });
  t.match(typed(() => parsePcsStatus('Cluster name: x\nOnline: [ a\uD800 ]\n')), { reason: /lone surrogate at character offset 27/, line: 2 });
  const utf8 = parsePcsStatus(Buffer.from('Cluster name: grüße\nOnline: [ nœud1 ]\n'));
  t.same([utf8.clusterName, utf8.nodes[0]!.name], ['grüße', 'nœud1'], 'valid UTF-8 decodes');
});

t.test('ocfkit parse passes bytes: invalid UTF-8 on stdin is a one-line error, exit 1', async (t) => {
  const bin = fileURLToPath(new URL('../../lib/cli/bin.ts', import.meta.url));
  const input = Buffer.concat([Buffer.from('<pacemaker-result><nodes><node name="n'), Buffer.from([0xfe]), Buffer.from('" id="1"/></nodes></pacemaker-result>')]);
  const r = spawnSync(process.execPath, ['--import', 'tsx', bin, 'parse', 'crm-mon', '-'], { input, encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 1, r.stderr);
  t.match(r.stderr, /crm_mon-xml: invalid UTF-8 at byte offset 38 \(byte 0xfe\) \(line 1\)/);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  t.equal(r.stdout, '');
});

t.test(`warnings are capped at ${MAX_WARNINGS}, then one line counts the rest`, async (t) => {
  const xml = parseCrmMonXml(crmMonUnknown(5000));
  t.equal(xml.warnings.length, MAX_WARNINGS + 1);
  t.match(xml.warnings[0], { path: '/pacemaker-result/resources[1]/widget[1]', line: 1, message: /unknown element <widget>/ });
  t.match(xml.warnings[MAX_WARNINGS - 1], { path: `/pacemaker-result/resources[1]/widget[${MAX_WARNINGS}]` });
  t.same(xml.warnings[MAX_WARNINGS], { source: 'crm_mon-xml', message: `4000 more warnings not shown (at most ${MAX_WARNINGS} are kept)` });
  const text = parsePcsStatus(pcsSpaceX(3000));
  t.equal(text.warnings.length, MAX_WARNINGS + 1);
  t.match(text.warnings[MAX_WARNINGS], { source: 'pcs-status', message: /^2000 more warnings not shown/ });
});

t.test('values echoed in warnings and errors are clipped to 200 characters', async (t) => {
  const huge = 'R'.repeat(1_000_000);
  const role = parseCrmMonXml(`<pacemaker-result><resources><resource id="x" role="${huge}"/></resources></pacemaker-result>`);
  t.ok(role.warnings[0]!.message.length < 300, `warning of ${role.warnings[0]!.message.length} characters`);
  t.match(role.warnings[0]!.message, /unknown role "R{200}…" in role/);
  const element = parseCrmMonXml(`<pacemaker-result><resources><${huge}/></resources></pacemaker-result>`);
  t.ok(element.warnings[0]!.message.length < 300 && element.warnings[0]!.path!.length < 300, 'unknown element name clipped');
  const missing = typed(() => parseCrmMonXml(`<pacemaker-result><nodes><node id="${huge}"/><${huge} a="1" a="2"/></nodes></pacemaker-result>`));
  t.ok(missing.message.length < 700, `error of ${missing.message.length} characters`);
  const pcs = parsePcsStatus(`Cluster name: x\nFull List of Resources:\n  * r\t(ocf:h:D):\t ${huge} a\n  * Clone Set: c [r]:\n    * ${huge}: [ a ]\n`);
  t.ok(pcs.warnings.length >= 2 && pcs.warnings.every((w) => w.message.length < 600), 'pcs warnings clipped');
});

t.test('node and attribute names from the input never reach Object.prototype', async (t) => {
  const xml = parseCrmMonXml(
    '<pacemaker-result><node_attributes><node name="__proto__"><attribute name="polluted" value="yes"/><attribute name="master-x" value="5"/></node></node_attributes></pacemaker-result>',
  );
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched (crm_mon)');
  t.same(Object.keys(xml.nodeAttributes), ['__proto__']);
  t.equal(xml.nodeAttributes['__proto__']!.polluted, 'yes');
  t.equal(xml.promotionScores['__proto__']!.x, 5);
  const text = parsePcsStatus('Cluster name: x\nNode Attributes:\n  * Node: __proto__:\n    * polluted2 : yes\n');
  t.equal(({} as Record<string, unknown>).polluted2, undefined, 'Object.prototype untouched (pcs)');
  t.equal(text.nodeAttributes['__proto__']!.polluted2, 'yes');
  const cib = parseCibXml('<cib><configuration><crm_config><cluster_property_set id="c"><nvpair id="n" name="toString" value="x"/></cluster_property_set></crm_config></configuration></cib>');
  t.equal(cib.configuration.properties.toString, 'x', 'an nvpair named like an Object.prototype member is kept');
});
