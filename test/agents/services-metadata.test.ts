import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_AGENTS, runBuiltAgent, scratch, spawnClean } from '../helpers/agent.ts';

t.test('the built agent prints meta-data that validates against ra-api-1.dtd', async (t) => {
  const r = runBuiltAgent('services', 'meta-data', {});
  t.equal(r.code, 0);
  t.equal(r.stderr, '', 'nothing on stderr');
  const file = join(scratch('md'), 'services.xml');
  writeFileSync(file, r.stdout);
  const lint = spawnSync('xmllint', ['--noout', '--dtdvalid', '/usr/share/resource-agents/ra-api-1.dtd', file], { encoding: 'utf8' });
  t.equal(lint.status, 0, lint.stderr);
  for (const action of ['start', 'stop', 'monitor', 'meta-data', 'validate-all']) t.match(r.stdout, `<action name="${action}"`);
  t.match(r.stdout, '<parameter name="services" unique="0" required="1">');
  t.match(r.stdout, '<content type="time" default="60s" />');
});

t.test('meta-data needs no root', async (t) => {
  const r = spawnClean('su', ['nobody', '-s', '/bin/sh', '-c', `${join(BUILT_AGENTS, 'services')} meta-data`], { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /<resource-agent name="services"/);
});

const multicall = join(BUILT_AGENTS, '.ocfkit-agents');
t.test('the multi-call executable refuses a name it does not know', { skip: !existsSync(multicall) && 'built without a single executable (OCFKIT_SEA=0)' }, async (t) => {
  const r = spawnClean(multicall, ['monitor'], { PATH: '/usr/bin:/bin' });
  t.equal(r.status, 3);
  t.match(r.stderr, /invoked as '.ocfkit-agents'; call me through one of: [a-z, -]*\bservices\b/);
});
