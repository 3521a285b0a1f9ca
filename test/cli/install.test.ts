import t from 'tap';
import { lstatSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installAgents } from '../../lib/cli/commands/install.ts';
import { BUILT_AGENTS, ROOT, scratch, spawnClean } from '../helpers/agent.ts';

t.test('install puts every built agent under <prefix>/resource.d/<provider>, idempotently', async (t) => {
  const prefix = scratch('install');
  const first = installAgents(BUILT_AGENTS, prefix, 'ocfkit');
  const target = join(prefix, 'resource.d', 'ocfkit');
  t.equal(first.target, target);
  t.ok(first.installed.includes('services'));
  t.same(first.unchanged, []);
  t.same(readdirSync(target).filter((n) => !n.includes('.tmp-') && !n.includes('.link-')).sort(), readdirSync(BUILT_AGENTS).sort(), 'no temporary files left');

  const agent = join(target, 'services');
  t.equal(statSync(agent).mode & 0o777, 0o755);
  if (lstatSync(join(BUILT_AGENTS, 'services')).isSymbolicLink()) {
    t.equal(readlinkSync(agent), readlinkSync(join(BUILT_AGENTS, 'services')), 'the symlink to the multi-call executable is kept');
  }
  const md = spawnClean(agent, ['meta-data'], { PATH: '/usr/bin:/bin' });
  t.equal(md.status, 0, md.stderr);
  t.match(md.stdout, /<resource-agent name="services"/);

  const second = installAgents(BUILT_AGENTS, prefix, 'ocfkit');
  t.same(second.installed, [], 'nothing to do the second time');
  t.same(second.unchanged.sort(), first.installed.sort());

  // a changed file is replaced
  const regular = first.installed.find((n) => !lstatSync(join(BUILT_AGENTS, n)).isSymbolicLink())!;
  writeFileSync(join(target, regular), 'stale');
  const third = installAgents(BUILT_AGENTS, prefix, 'ocfkit');
  t.same(third.installed, [regular]);
});

t.test('the CLI installs and reports', async (t) => {
  const prefix = scratch('install-cli');
  const r = spawnClean('/usr/bin/node', [join(ROOT, 'dist', 'cli', 'ocfkit.mjs'), 'install', '--prefix', prefix], { PATH: '/usr/bin:/bin' });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, new RegExp(`^installed ${prefix}/resource.d/ocfkit/services$`, 'm'));
  const again = spawnClean('/usr/bin/node', [join(ROOT, 'dist', 'cli', 'ocfkit.mjs'), 'install', '--prefix', prefix], { PATH: '/usr/bin:/bin' });
  t.match(again.stdout, /^unchanged .*\/services$/m);
  const bad = spawnClean('/usr/bin/node', [join(ROOT, 'dist', 'cli', 'ocfkit.mjs'), 'install', '--prefix', prefix, '--provider', '../x'], { PATH: '/usr/bin:/bin' });
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--provider '..\/x' must be letters, digits, _ or -/);
  t.notMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});
