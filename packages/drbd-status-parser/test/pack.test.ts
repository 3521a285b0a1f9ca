/**
 * The package stands alone: built from its sources in a scratch copy, packed with `npm pack`,
 * installed from the tarball into an empty project (offline: it has no dependencies) and used
 * there with plain node, as ESM and as CommonJS, through its bin, and from TypeScript.
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, PKG_DIR } from './helpers.ts';

const ROOT_MODULES = join(PKG_DIR, '..', '..', 'node_modules');
const tmp = mkdtempSync(join(tmpdir(), 'dsp-pack-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'pipe'] });

// A real capture: a DRBD 8.4 primary during its initial sync, as events2 printed it.
const CAPTURE = join(FIXTURES, 'drbd-vm/02-initial-sync-in-progress/node1/drbdsetup-events2-now.txt');

const copy = join(tmp, 'pkg');
for (const f of ['src', 'scripts', 'package.json', 'README.md', 'tsconfig.build.json']) {
  cpSync(join(PKG_DIR, f), join(copy, f), { recursive: true });
}
// The build tools (esbuild, typescript) are the workspace's dev dependencies.
symlinkSync(ROOT_MODULES, join(copy, 'node_modules'));
run(process.execPath, ['scripts/build.mjs'], copy);
run('npm', ['pack', '--silent', '--pack-destination', tmp], copy);
const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'))!;

const app = join(tmp, 'app');
mkdirSync(app);
writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }\n');
run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(tmp, tarball)], app);
const installed = join(app, 'node_modules', 'drbd-status-parser');

t.test('the tarball holds the built package, not the sources', async (t) => {
  t.ok(tarball, 'npm pack made a tarball');
  t.ok(existsSync(join(installed, 'dist/esm/index.js')));
  t.ok(existsSync(join(installed, 'dist/esm/index.d.ts')));
  t.ok(existsSync(join(installed, 'dist/cjs/index.js')));
  t.ok(existsSync(join(installed, 'README.md')));
  t.notOk(existsSync(join(installed, 'src')), 'no TypeScript sources shipped');
});

t.test('import with plain node (ESM)', async (t) => {
  const code = `import { parse, factsFor, DrbdParseError } from 'drbd-status-parser';
import { readFileSync } from 'node:fs';
const doc = parse(readFileSync(${JSON.stringify(CAPTURE)}));
const r = doc.resources[0];
let error = null;
try { parse('r0 role:Primary\\0\\n'); } catch (e) { error = e instanceof DrbdParseError ? e.toJSON() : String(e); }
console.log(JSON.stringify({ format: doc.format, name: r.name, role: r.role, sync: factsFor(r).sync, error }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: app, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.equal(out.format, 'events2');
  t.equal(out.name, 'r0');
  t.equal(out.role, 'Primary');
  t.equal(out.sync[0].from, 'local', 'this node is the sync source');
  t.equal(out.error.name, 'DrbdParseError');
  t.match(out.error.reason, /NUL byte at column 16/);
});

t.test('require with plain node (CommonJS)', async (t) => {
  const code = `const { parse } = require('drbd-status-parser');
const doc = parse(require('node:fs').readFileSync(${JSON.stringify(CAPTURE)}, 'utf8'));
console.log(JSON.stringify({ format: doc.format, disk: doc.resources[0].volumes[0].disk }));`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: app, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.same(JSON.parse(r.stdout), { format: 'events2', disk: 'UpToDate' });
});

t.test('the bin runs from node_modules/.bin', async (t) => {
  const r = spawnSync(join(app, 'node_modules', '.bin', 'drbd-status-parser'), ['--compact', CAPTURE], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.equal(JSON.parse(r.stdout).resources[0].facts.syncing, true);
});

t.test('TypeScript finds the declarations for import and require', async (t) => {
  writeFileSync(join(app, 'esm.mts'), `import { parse, type DrbdStatus } from 'drbd-status-parser';
export const d: DrbdStatus = parse('r0 role:Primary\\n');
export const role: 'Primary' | 'Secondary' | 'Unknown' = d.resources[0]!.role;
`);
  writeFileSync(join(app, 'cjs.cts'), `import dsp = require('drbd-status-parser');
export const d: dsp.DrbdStatus = dsp.parse('r0 role:Primary\\n');
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: [], lib: ['ES2022'] },
    files: ['esm.mts', 'cjs.cts'],
  }));
  const tsc = join(ROOT_MODULES, 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', '.'], { cwd: app, encoding: 'utf8' });
  t.equal(r.status, 0, r.stdout + r.stderr);
});
