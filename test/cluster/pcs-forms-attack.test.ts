/**
 * Hostile input against the form detection and the new forms: outputs glued together, huge node
 * lists and membership tables, CRLF line ends, tabs, and every real capture cut after every line
 * (and every byte of the short ones). Each case either parses or is a typed error with a line:
 * never another exception, never a silently mixed model.
 */
import t from 'tap';

type Test = import('tap').Test;
import { readFileSync, readdirSync } from 'node:fs';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';
import { ClusterParseError, MAX_NODES } from '../../lib/cluster/errors.ts';
import { FIXTURES } from './fixtures.ts';

const DIRS = [`${FIXTURES}lab-forms/`, `${FIXTURES}issue-forms/`, `${FIXTURES}cib-forms/`];
const captures = DIRS.flatMap((d) => readdirSync(d).filter((f) => /\.(txt|stderr)$/.test(f)).map((f) => [f, readFileSync(d + f, 'utf8')] as const))
  .filter(([, text]) => text.trim() !== '');
const lab = (name: string) => readFileSync(`${FIXTURES}lab-forms/${name}`, 'utf8');

/** The parse, or the typed error; anything else fails the test. */
function attempt(t: Test, text: string, what: string): ReturnType<typeof parsePcsStatus> | ClusterParseError {
  try {
    return parsePcsStatus(text);
  } catch (e) {
    if (!(e instanceof ClusterParseError)) t.fail(`${what}: ${(e as Error).stack}`);
    else if (e.line === null) t.fail(`${what}: a typed error without a line: ${e.message}`);
    return e as ClusterParseError;
  }
}

t.test('a form followed by another form is a typed error at the second header', async (t) => {
  const forms = {
    nodes: lab('pcs-0.11.5-status-nodes-both-healthy.txt'),
    quorum: lab('pcs-0.11.5-status-quorum-healthy.txt'),
    corosync: lab('pcs-0.11.5-status-corosync-healthy.txt'),
    cluster: lab('pcs-0.11.5-status-cluster-healthy.txt'),
    status: lab('pcs-0.11.5-status-healthy.txt'),
    full: lab('pcs-0.11.5-status-full-healthy.txt'),
    resources: lab('pcs-0.11.5-status-resources-healthy.txt'),
    pcsd: lab('pcs-0.11.5-status-pcsd-healthy.txt'),
  };
  for (const [a, first] of Object.entries(forms)) {
    for (const [b, second] of Object.entries(forms)) {
      const glued = first + second;
      const r = attempt(t, glued, `${a} + ${b}`);
      // Glued outputs whose second part has no header of its own cannot be told from one form.
      if (b === 'resources' || b === 'pcsd') continue;
      if (a === 'corosync' && b === 'quorum') {
        // The quorum form's first header comes after the corosync form's only header.
        t.type(r, ClusterParseError, `${a} + ${b}`);
        continue;
      }
      t.type(r, ClusterParseError, `${a} + ${b}: refused`);
      if (r instanceof ClusterParseError) {
        const secondStart = first.split('\n').length;
        t.ok(r.line! >= secondStart - 1, `${a} + ${b}: line ${r.line} is in the second output (from ${secondStart}): ${r.reason}`);
      }
    }
  }
});

t.test('huge node lists and membership tables are refused at MAX_NODES, in linear time', async (t) => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`).join(' ');
  const cases: [string, string][] = [
    ['nodes Online: 400k names', `Pacemaker Nodes:\n Online: ${names(400_000)}\n`],
    ['one name 400k times', `Pacemaker Nodes:\n Online: ${'a '.repeat(400_000)}\n`],
    ['corosync Offline: 400k names', `Corosync Nodes:\n Online:\n Offline: ${names(400_000)}\n`],
    ['nodes config 400k names', `Corosync Nodes:\n ${names(400_000)}\nPacemaker Nodes:\n`],
    ['10 lists of 10k distinct names each', `Pacemaker Nodes:\n${['Online', 'Standby', 'Maintenance', 'Offline'].map((k, j) => ` ${k}: ${Array.from({ length: 9_000 }, (_, i) => `m${j}x${i}`).join(' ')}`).join('\n')}\nPacemaker Remote Nodes:\n Online: ${names(9_000)}\n`],
    ['pcsd 400k nodes', Array.from({ length: 400_000 }, (_, i) => `  n${i}: Offline`).join('\n') + '\n'],
    ['PCSD Status: 400k nodes in status cluster', `Cluster Status:\n Stack: corosync\n\nPCSD Status:\n${Array.from({ length: 400_000 }, (_, i) => `  n${i}: Offline`).join('\n')}\n`],
    ['membership 400k rows', `Membership information\n----------------------\n    Nodeid      Votes Name\n${Array.from({ length: 400_000 }, (_, i) => `  ${i}  1 n${i}`).join('\n')}\n`],
  ];
  for (const [name, text] of cases) {
    const c0 = process.cpuUsage();
    const r = attempt(t, text, name);
    const ms = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000;
    t.type(r, ClusterParseError, name);
    t.match((r as ClusterParseError).reason, String(MAX_NODES), `${name}: names the limit`);
    t.ok(ms < 5_000, `${name}: refused in ${ms.toFixed(0)} ms`);
  }
  // Just under the limit parses.
  const ok = parsePcsStatus(`Pacemaker Nodes:\n Online: ${names(MAX_NODES)}\n`);
  t.equal(ok.nodes.length, MAX_NODES);
});

t.test('CRLF line ends and tabs: the same model as the capture', async (t) => {
  const strip = (s: ReturnType<typeof parsePcsStatus>) => JSON.parse(JSON.stringify({ ...s, warnings: s.warnings.map((w) => w.line) }));
  for (const [name, text] of captures) {
    const plain = attempt(t, text, name);
    if (plain instanceof ClusterParseError) {
      t.fail(`${name}: ${plain.message}`);
      continue;
    }
    const crlf = attempt(t, text.replace(/\n/g, '\r\n'), `${name} CRLF`);
    t.same(strip(crlf as typeof plain), strip(plain), `${name}: CRLF`);
  }
  // Tabs for the single space of pcs's node lists and the padding of quorumtool's key/values.
  const nodes = lab('pcs-0.11.5-status-nodes-both-killed-node.txt');
  const tabbed = parsePcsStatus(nodes.replace(/^ /gm, '\t'));
  t.same(tabbed.nodeLists, parsePcsStatus(nodes).nodeLists, 'nodes with tab indents');
  t.same(tabbed.warnings, []);
  const quorum = lab('pcs-0.11.5-status-quorum-healthy.txt');
  const q = parsePcsStatus(quorum.replace(/: +/g, ':\t').replace(/ {2,}/g, '\t'));
  t.same(q.quorumInfo, parsePcsStatus(quorum).quorumInfo, 'quorum with tabs');
  t.same(q.membership, parsePcsStatus(quorum).membership, 'membership with tabs');
  t.same(q.warnings, []);
});

t.test('every capture cut after every line: a parse or a typed error, same kind', async (t) => {
  let parses = 0;
  let errors = 0;
  for (const [name, text] of captures) {
    const full = parsePcsStatus(text);
    const lines = text.split('\n');
    for (let n = 1; n < lines.length; n++) {
      const r = attempt(t, lines.slice(0, n).join('\n'), `${name} cut after line ${n}`);
      if (r instanceof ClusterParseError) errors++;
      else {
        parses++;
        if (r.kind !== full.kind && !(full.kind === 'status' && r.kind === 'resources')) {
          t.fail(`${name} cut after line ${n}: kind ${r.kind}, whole ${full.kind}`);
        }
      }
    }
  }
  t.ok(parses > 1000, `${parses} prefixes parsed, ${errors} typed errors`);
});

t.test('the short captures cut at every byte', async (t) => {
  const short = captures.filter(([f, x]) => x.length < 1200 && !f.endsWith('.stderr'));
  // attempt() fails only on an untyped exception: without captures to cut this test would check nothing
  t.ok(short.length >= 100, `${short.length} short captures`);
  for (const [name, text] of short) {
    for (let n = 1; n < text.length; n++) attempt(t, text.slice(0, n), `${name} cut at ${n}`);
  }
  t.pass('no untyped exception');
});

