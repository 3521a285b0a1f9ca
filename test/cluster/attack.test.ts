/**
 * Second hostile pass (issue 9): what an attacker can put in crm_mon/CIB XML or pcs text, each
 * case fixed with this test failing before: control characters echoed into warnings and errors
 * (a newline forges a line on stderr, ESC starts an ANSI sequence), `__proto__` nvpairs dropped,
 * durations read by JavaScript's Number (hex, exponents, beyond 2^53), a BOM in text input, a
 * clipped echo ending in half a surrogate pair, and `ocfkit parse` output too large for one string.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseCrmMonXml } from '../../lib/cluster/crm-mon.ts';
import { parseCibXml } from '../../lib/cluster/cib.ts';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';
import { ClusterParseError } from '../../lib/cluster/errors.ts';
import { writeJson } from '../../lib/cli/commands/parse.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** What a terminal acts on: C0 but tab, DEL, C1, line/paragraph separators, bidi controls. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const wellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

t.test('warnings and errors never carry control characters from the input', async (t) => {
  const crm = (type: string, head = '') => parseCrmMonXml(`${head}<pacemaker-result><nodes><node name="a" type="${type}"/></nodes></pacemaker-result>`);
  const cases: [string, { message: string }[]][] = [
    // XML 1.0: a character reference to a newline survives attribute-value normalisation.
    ['XML 1.0 &#10;', crm('x&#10;ocfkit: warning: forged').warnings],
    // XML 1.1 allows references to C0 controls: ESC.
    ['XML 1.1 &#x1b;', crm('&#x1b;[31mred&#x1b;[0m', '<?xml version="1.1"?>').warnings],
    // C1 controls (U+009B is an 8-bit CSI) and bidi overrides are legal XML 1.0 characters.
    ['XML C1 and bidi', parseCrmMonXml('<pacemaker-result><resources><resource id="r" role="x\u009b31m\u202eevil"/></resources></pacemaker-result>').warnings],
    ['CIB target-role', parseCibXml('<cib><configuration><resources><primitive id="p" class="ocf" provider="h" type="D"><meta_attributes id="m"><nvpair name="target-role" value="a&#13;b&#10;c"/></meta_attributes></primitive></resources></configuration></cib>').warnings],
    ['pcs ESC and OSC', parsePcsStatus('Cluster name: c\nNode List:\n  * Online: [ a ]\nFull List of Resources:\n  * r\t(ocf:h:D):\t Sta\x1b]0;title\x07rted a\n  * \x1b[2J\x1b[31mjunk\n').warnings],
  ];
  for (const [name, warnings] of cases) {
    t.ok(warnings.length > 0, `${name}: warned`);
    for (const w of warnings) t.notMatch(w.message, CONTROL, `${name}: ${JSON.stringify(w.message)}`);
  }
  t.match(cases[0]![1][0]!.message, 'x\\x0aocfkit', 'a newline is shown as \\x0a');
  t.match(cases[1]![1][0]!.message, '\\x1b[31mred', 'ESC is shown as \\x1b');
  t.match(cases[2]![1][0]!.message, 'x\\x9b31m\\u202eevil', 'C1 and bidi controls are escaped');
  try {
    parsePcsStatus('\x1b[31m\r\nnothing\x1b[0m here\n');
    t.fail('no error');
  } catch (e) {
    t.type(e, ClusterParseError);
    t.notMatch((e as Error).message, CONTROL);
  }
  // Through the CLI: one warning is one line on stderr.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/bin.ts', 'parse', 'crm-mon', '-'], {
    cwd: root, encoding: 'utf8', input: '<pacemaker-result><nodes><node name="a" type="x&#10;ocfkit: warning: forged&#13;"/></nodes></pacemaker-result>',
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stderr.split('\n').filter(Boolean).length, 1, `one line: ${JSON.stringify(r.stderr)}`);
});

t.test('a clipped echo never ends in half a surrogate pair', async (t) => {
  const w = parsePcsStatus(`Cluster name: c\n${'x'.repeat(79)}\u{1F600}zz\n`).warnings;
  t.equal(w.length, 1);
  t.ok(wellFormed(w[0]!.message), JSON.stringify(w[0]!.message));
  const x = parseCrmMonXml(`<pacemaker-result><nodes><node name="a" type="${'y'.repeat(199)}\u{1F600}"/></nodes></pacemaker-result>`).warnings;
  t.ok(wellFormed(x[0]!.message), JSON.stringify(x[0]!.message));
});

t.test('nvpairs named __proto__ in op meta and transient attributes are kept as own data', async (t) => {
  const cib = parseCibXml(`<cib><configuration><resources><primitive id="p" class="ocf" provider="h" type="D"><operations>
    <op name="monitor" interval="10s"><meta_attributes id="m"><nvpair name="__proto__" value="op-meta"/><nvpair name="x" value="1"/></meta_attributes></op>
    </operations></primitive></resources></configuration><status><node_state id="1" uname="a"><transient_attributes id="1"><instance_attributes id="t">
    <nvpair name="__proto__" value="transient"/></instance_attributes></transient_attributes></node_state></status></cib>`);
  const meta = cib.configuration.resources[0]!.kind === 'primitive' ? cib.configuration.resources[0]!.ops[0]!.meta : {};
  t.same(Object.keys(meta), ['__proto__', 'x']);
  t.equal(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value, 'op-meta');
  t.equal(Object.getPrototypeOf(meta), Object.prototype);
  t.equal(Object.getOwnPropertyDescriptor(cib.status[0]!.transientAttributes, '__proto__')?.value, 'transient');
});

t.test('durations are decimal and safe integers: never Infinity, 1e+23, or hex read as a number', async (t) => {
  const cib = parseCibXml(`<cib><configuration><resources><primitive id="p" class="ocf" provider="h" type="D"><operations>
    <op name="a" interval="${'9'.repeat(400)}" timeout="1e308"/><op name="b" interval="0x10" timeout="Infinity"/>
    <op name="c" interval="10s" timeout="1.5min"/><op name="d" interval="PT1M30S" timeout="500ms"/>
    </operations></primitive></resources></configuration><status><node_state id="1"><lrm id="1"><lrm_resources><lrm_resource id="p">
    <lrm_rsc_op id="o" operation="monitor" interval="99999999999999999999999" exec-time="1e308" queue-time="12"/></lrm_resource></lrm_resources></lrm></node_state></status></cib>`);
  const ops = cib.configuration.resources[0]!.kind === 'primitive' ? cib.configuration.resources[0]!.ops : [];
  t.same(ops.map((o) => [o.intervalMs, o.timeoutMs]), [[0, null], [0, null], [10_000, 90_000], [90_000, 500]]);
  const op = cib.status[0]!.resources[0]!.ops[0]!;
  t.same([op.intervalMs, op.execTimeMs, op.queueTimeMs], [0, null, 12]);
  const crm = parseCrmMonXml('<pacemaker-result><failures><failure op_key="x_monitor_0" node="n" interval="1e308" queued="0x20" exec="12"/></failures></pacemaker-result>');
  t.same([crm.failures[0]!.intervalMs, crm.failures[0]!.queuedMs, crm.failures[0]!.execMs], [null, null, 12]);
});

t.test('a byte-order mark at the start of text input is dropped, as it is from bytes', async (t) => {
  const text = '\ufeffCluster name: c\nCluster Summary:\n  * Stack: corosync\n';
  const fromText = parsePcsStatus(text);
  t.equal(fromText.clusterName, 'c');
  t.same(fromText.warnings, []);
  t.same(fromText, parsePcsStatus(Buffer.from(text)));
});

t.test('ocfkit parse writes a model larger than the longest string in chunks, byte for byte', async (t) => {
  const model = { source: 'x', nested: { a: [1, { b: 'c\nd' }], e: {} }, empty: [], list: [{ id: 'a' }, [1, 2], 'z'], gone: undefined, n: null };
  let out = '';
  const chunks: string[] = [];
  writeJson(model, (c) => {
    chunks.push(c);
    out += c;
  });
  t.equal(out, `${JSON.stringify(model, null, 2)}\n`);
  t.ok(chunks.length >= 8, 'one write per top-level field and array element');
  // A large model: no chunk holds more than one element, so the longest string written is
  // bounded by the largest element, not the model (V8 caps a string at ~512 MB).
  const list = Array.from({ length: 2000 }, (_, i) => ({ id: `r${i}`, note: 'x'.repeat(1000) }));
  let longest = 0;
  let total = 0;
  writeJson({ source: 'x', instances: list }, (c) => {
    longest = Math.max(longest, c.length);
    total += c.length;
  });
  t.ok(total > 2_000_000 && longest < 1100, `${total} characters written, the longest chunk ${longest}`);
});

t.test('elements the models never read are not built; unknown ones are still warned about, in line order', async (t) => {
  const crm = parseCrmMonXml(`<pacemaker-result>
<resources><widget><deep><deeper/></deep></widget>
<resource id="r" role="Sideways"/>
</resources>
<status code="0" message="OK"><errors><error/></errors></status>
<gizmo/>
</pacemaker-result>`);
  t.same(crm.warnings.map((w) => [w.line, w.path]), [
    [2, '/pacemaker-result/resources[1]/widget[1]'],
    [3, '/pacemaker-result/resources[1]/resource[1]'],
    [6, '/pacemaker-result/gizmo[1]'],
  ]);
  t.match(crm.warnings[0]!.message, 'unknown element <widget> in <resources> (ignored)');
  // A skipped element still counts for the index of its later same-named siblings.
  const idx = parseCrmMonXml('<pacemaker-result><nodes><x/><node name="a"/><x/><x/></nodes></pacemaker-result>');
  t.same(idx.warnings.map((w) => w.path), ['/pacemaker-result/nodes[1]/x[1]', '/pacemaker-result/nodes[1]/x[2]', '/pacemaker-result/nodes[1]/x[3]']);
  // Skipped subtrees are still checked: well-formedness and the nesting limit hold inside them.
  t.throws(() => parseCrmMonXml('<pacemaker-result><widget><a></b></widget></pacemaker-result>'), ClusterParseError);
  t.throws(() => parseCrmMonXml(`<pacemaker-result><widget>${'<a>'.repeat(300)}${'</a>'.repeat(300)}</widget></pacemaker-result>`), /nested deeper than 256/);
  // Whatever is inside a CIB rule is kept: the model copies rule expressions whole.
  const cib = parseCibXml('<cib><configuration><constraints><rsc_location id="l" rsc="r"><rule id="x" score="1"><widget a="1"><gadget b="2"/></widget></rule></rsc_location></constraints></configuration></cib>');
  t.same(cib.configuration.constraints.location[0]!.rules[0]!.expressions, [{ kind: 'widget', attrs: { a: '1' }, children: [{ kind: 'gadget', attrs: { b: '2' }, children: [] }] }]);
  t.same(cib.warnings, []);
  // A section directly under <cib> (cibadmin --scope output pasted in) is still read.
  t.equal(parseCibXml('<cib><nodes><node id="1" uname="a"/></nodes></cib>').configuration.nodes[0]!.uname, 'a');
});

t.test('pcs text: more than 10,000 nodes or 250,000 instances is a typed error, quickly', async (t) => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`).join(' ');
  t.equal(parsePcsStatus(`Cluster name: x\nNode List:\n  * Online: [ ${names(10_000)} ]\n`).nodes.length, 10_000);
  let t0 = performance.now();
  t.throws(() => parsePcsStatus(`Cluster name: x\nNode List:\n  * Online: [ ${names(400_000)} ]\n`), { name: 'ClusterParseError', line: 3, message: /more than 10000 nodes/ });
  t.ok(performance.now() - t0 < 5000, 'refused in seconds');
  t0 = performance.now();
  t.throws(() => parsePcsStatus(`Cluster name: x\nFull List of Resources:\n  * Clone Set: c [r]:\n    * Started: [ ${names(400_000)} ]\n`), { name: 'ClusterParseError', line: 4, message: /more than 250000 resource instances/ });
  t.ok(performance.now() - t0 < 10_000, 'refused in seconds');
});
