import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentPath, BUILT_AGENTS, runBuiltAgent, scratch } from '../helpers/agent.ts';
import { startPair } from '../haproxy/real.ts';

t.test('meta-data validates against ra-api-1.dtd and declares every parameter', async (t) => {
  const r = runBuiltAgent('haproxy-retarget', 'meta-data', {});
  t.equal(r.code, 0);
  t.equal(r.stderr, '');
  const file = join(scratch('md'), 'haproxy-retarget.xml');
  writeFileSync(file, r.stdout);
  const lint = spawnSync('xmllint', ['--noout', '--dtdvalid', '/usr/share/resource-agents/ra-api-1.dtd', file], { encoding: 'utf8' });
  t.equal(lint.status, 0, lint.stderr);
  for (const p of ['socket', 'backends', 'servers', 'read_backends', 'mode', 'addresses', 'drain_timeout', 'state_file']) t.match(r.stdout, `<parameter name="${p}"`);
  t.match(r.stdout, '<parameter name="socket" unique="0" required="1">');
});

t.test('pcs accepts the meta-data: describe and create without a warning or --force', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ocfkit-pcs-'));
  const withAgents = (args: string[]) =>
    spawnSync('unshare', ['--mount', '--propagation', 'private', '--', process.execPath, join(import.meta.dirname, '..', 'haproxy', 'with-agents.mjs'), BUILT_AGENTS, 'pcs', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  const d = withAgents(['resource', 'describe', 'ocf:ocfkit:haproxy-retarget']);
  t.equal(d.status, 0, d.stderr);
  t.equal(d.stderr.trim(), '', 'pcs has no warning about the meta-data');
  t.match(d.stdout, /backends \(required\)/);
  const cib = join(root, 'cib.xml');
  writeFileSync(cib, '<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.9"><configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/></cib>');
  const c = withAgents(['-f', cib, 'resource', 'create', 'web-target', 'ocf:ocfkit:haproxy-retarget', 'socket=/run/haproxy/admin.sock', 'backends=be_app', 'op', 'monitor', 'interval=10s']);
  t.equal(c.status, 0, c.stderr);
  t.equal(c.stderr.trim(), '', 'no warning, no --force');
  t.match(readFileSync(cib, 'utf8'), /type="haproxy-retarget"/);
});

t.test('ocf-tester passes against a real HAProxy', async (t) => {
  const { h } = await startPair(t);
  // asynchronously: the HTTP backends in this process must keep answering HAProxy's checks
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HA_RSCTMP: mkdtempSync(join(tmpdir(), 'ocfkit-hap-rsc-')), OCF_RESKEY_CRM_meta_on_node: 'node1' };
  const child = spawn('/usr/bin/env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'ocf-tester', '-n', 'hap', '-o', `socket=${h.admin}`, '-o', 'backends=be_app', '-o', 'servers=node1=node1 node2=node2', agentPath('haproxy-retarget')]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const r = { status, stdout, stderr };
  t.equal(r.status, 0, r.stdout + r.stderr);
  t.match(r.stdout, /passed all tests/);
  t.notMatch(r.stdout, /failed/i);
});
