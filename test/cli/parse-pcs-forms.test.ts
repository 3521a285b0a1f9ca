/**
 * `ocfkit parse pcs-status` on every `pcs status` form captured from the lab: exit 0 and the
 * form's kind in the JSON; pcs's empty stdout of a failing form exits 1 with the typed error.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const LAB = 'test/fixtures/cluster/lab-forms/';
const parse = (file: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/bin.ts', 'parse', 'pcs-status', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });

t.test('every form parses through the CLI', async (t) => {
  // One process per form costs seconds: the forms the parser command did not read before
  // (every form's parse is checked in-process by test/cluster/pcs-forms.test.ts).
  const forms: [string, string][] = [['status-nodes-both', 'nodes'], ['status-cluster', 'cluster'], ['status-quorum', 'quorum'], ['status-xml', 'xml']];
  for (const [form, kind] of forms) {
    const r = parse(`${LAB}pcs-0.11.5-${form}-killed-node.txt`);
    t.equal(r.status, 0, `${form}: ${r.stderr}`);
    t.equal(r.stderr, '', `${form}: no warnings`);
    t.equal(JSON.parse(r.stdout).kind, kind, `${form}: kind`);
  }
  const err = parse(`${LAB}pcs-0.11.5-status-booth-healthy.stderr`);
  t.equal(JSON.parse(err.stdout).kind, 'error');
});

t.test('a failing form\'s empty stdout: exit 1 and the typed error', async (t) => {
  const r = parse(`${LAB}pcs-0.11.5-status-quorum-no-quorum.txt`);
  t.equal(r.status, 1);
  t.match(r.stderr, 'ocfkit: pcs-status: empty input (line 1)');
  const glued = spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/bin.ts', 'parse', 'pcs-status', '-'], {
    cwd: root, encoding: 'utf8', input: 'Pacemaker Nodes:\n Online: a\nQuorum information\n------------------\nQuorate: Yes\n',
  });
  t.equal(glued.status, 1);
  t.match(glued.stderr, /"Quorum information" starts another pcs status form \(quorum\) inside the nodes form.*\(line 3\)/);
});
