#!/usr/bin/env node
// Build ocfkit.
//   dist/agents/<name>.cjs          one self-contained CommonJS bundle per agent (shebang, 0755)
//   dist/agents/ocfkit-agents.cjs   every agent in one bundle, chosen by invocation name
//   dist/resource.d/ocfkit/         what Pacemaker runs: `.ocfkit-agents`, a Node single executable
//                                   of the multi-call bundle with V8's code cache, and one symlink
//                                   per agent to it. Without SEA support (OCFKIT_SEA=0, or a node
//                                   binary without the SEA fuse), copies of the per-agent bundles.
//   dist/alerts/<name>              programs that are no OCF agents (alerts/*.ts: the alert agent),
//                                   in the same executable: a symlink to it, or a bundle without SEA
//   dist/cli/ocfkit.mjs             the CLI (ESM bundle)
// Why: README, "Start-up".
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// OCFKIT_DIST_DIR: build somewhere else than <repo>/dist (an absolute path), e.g. a test that
// rebuilds under its own running cluster without touching the dist/ other tests run from.
const finalDist = process.env.OCFKIT_DIST_DIR || join(root, 'dist');
if (!isAbsolute(finalDist)) throw new Error(`OCFKIT_DIST_DIR must be an absolute path, got '${finalDist}'`);
// Build beside dist/ and swap it in at the end: a lab or a test cluster may be running the
// agents from dist/ right now, and an agent that vanishes for the seconds a build takes makes
// Pacemaker fail a stop and fence the node.
// Per process, so that two builds at once (two engineers, a test rebuilding) never share a
// staging folder; the last one to swap in wins.
const dist = join(dirname(finalDist), `.dist-next-${process.pid}`);
const node = process.env.OCFKIT_NODE || '/usr/bin/node';
const agentsOut = join(dist, 'agents');
const ocfDir = join(dist, 'resource.d', 'ocfkit');
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const MULTICALL = '.ocfkit-agents';

const alertsOut = join(dist, 'alerts');

/** alerts/*.ts: executables that export their own `main` (not OCF agents). */
export function alertNames() {
  return readdirSync(join(root, 'alerts'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

export function agentNames() {
  return readdirSync(join(root, 'agents'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

async function bundle(contents, sourcefile, outfile, shebang) {
  await build({
    ...bundleOptions,
    stdin: { contents, resolveDir: root, sourcefile, loader: 'ts' },
    banner: shebang ? { js: `#!${node}` } : undefined,
    outfile,
  });
  chmodSync(outfile, 0o755);
  return outfile;
}

const buildAgent = (name) =>
  bundle(
    `import agent from './agents/${name}.ts';\nimport { runMain } from './lib/ocf/main.ts';\nrunMain(agent);\n`,
    `agent-${name}.ts`,
    join(agentsOut, `${name}.cjs`),
    true,
  );

const buildAlert = (name) =>
  bundle(
    `import { main } from './alerts/${name}.ts';\nmain(process.argv.slice(2));\n`,
    `alert-${name}.ts`,
    join(agentsOut, `${name}.cjs`),
    true,
  );

// Each agent behind a dynamic import: esbuild (one CommonJS bundle, no splitting) wraps such a
// module in a lazy initialiser, so a process evaluates only the agent it was invoked as, and
// start-up does not grow with the number of agents.
function buildMulticall(names, alerts) {
  const table = [
    ...names.map((n) => `${JSON.stringify(n)}: () => import('./agents/${n}.ts')`),
    ...alerts.map((n) => `${JSON.stringify(n)}: () => import('./alerts/${n}.ts')`),
  ].join(', ');
  return bundle(
    `import { runMulticall } from './lib/ocf/multicall.ts';\nrunMulticall({ ${table} });\n`,
    'ocfkit-agents.ts',
    join(agentsOut, 'ocfkit-agents.cjs'),
    false,
  );
}

// The CLI, and beside it the application monitor's worker thread (lib/monitor finds
// monitor-worker.mjs next to the bundle it is part of).
const buildCli = () => Promise.all([cliBundle('ocfkit.mjs', join(root, 'lib', 'cli', 'bin.ts')), cliBundle('monitor-worker.mjs', join(root, 'lib', 'monitor', 'worker.ts'))]).then(([cli]) => cli);

async function cliBundle(name, entry) {
  const outfile = join(dist, 'cli', name);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {
      js: `#!${node}\nimport { createRequire as __ocfkitCreateRequire } from 'node:module';\nconst require = __ocfkitCreateRequire(import.meta.url);`,
    },
    outfile,
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
  return outfile;
}

function seaSupported() {
  if (process.env.OCFKIT_SEA === '0') return 'OCFKIT_SEA=0';
  try {
    if (!readFileSync(node).includes(SEA_FUSE)) return `${node} has no SEA fuse`;
  } catch (error) {
    return `cannot read ${node}: ${error.message}`;
  }
  return null;
}

function buildSea(multicallBundle) {
  const work = join(dist, 'sea');
  mkdirSync(work, { recursive: true });
  const blob = join(work, 'agents.blob');
  const config = join(work, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({ main: multicallBundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, useSnapshot: false }),
  );
  execFileSync(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  const binary = join(ocfDir, MULTICALL);
  copyFileSync(node, binary);
  const postject = join(root, 'node_modules', 'postject', 'dist', 'cli.js');
  execFileSync(node, [postject, binary, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { stdio: 'ignore' });
  chmodSync(binary, 0o755);
  rmSync(work, { recursive: true, force: true });
  return binary;
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(agentsOut, { recursive: true });
mkdirSync(ocfDir, { recursive: true });
mkdirSync(alertsOut, { recursive: true });
// The bundles have no .js extension; without this, the root's "type": "module" would make Node
// load them as ES modules while they sit in dist/. Installed under /usr/lib/ocf they are CJS.
writeFileSync(join(dist, 'package.json'), '{ "type": "commonjs" }\n');

const started = Date.now();
const names = agentNames();
const alerts = alertNames();
const [multicall, ...others] = await Promise.all([buildMulticall(names, alerts), ...names.map(buildAgent), ...alerts.map(buildAlert), buildCli()]);
const unsupported = seaSupported();
let form;
if (!unsupported) {
  buildSea(multicall);
  for (const name of names) symlinkSync(MULTICALL, join(ocfDir, name));
  for (const name of alerts) symlinkSync(join('..', 'resource.d', 'ocfkit', MULTICALL), join(alertsOut, name));
  form = `single executable ${MULTICALL} + symlinks`;
} else {
  for (const name of names) copyFileSync(join(agentsOut, `${name}.cjs`), join(ocfDir, name));
  for (const name of names) chmodSync(join(ocfDir, name), 0o755);
  for (const name of alerts) copyFileSync(join(agentsOut, `${name}.cjs`), join(alertsOut, name));
  for (const name of alerts) chmodSync(join(alertsOut, name), 0o755);
  form = `CommonJS bundles (no SEA: ${unsupported})`;
}
// The lab's runtime files for `ocfkit lab up --stack full` (lib/lab/assets.ts): the DRBD
// simulator (test double, test/drbd-sim) and the stand-in services, plain JavaScript, as they are.
for (const [from, to] of [['test/drbd-sim/bin', 'lab/drbd-sim/bin'], ['test/drbd-sim/lib', 'lab/drbd-sim/lib'], ['lib/lab/stack-services', 'lab/stack-services']]) {
  cpSync(join(root, from), join(dist, to), { recursive: true });
}
const old = join(dirname(finalDist), `.dist-old-${process.pid}`);
rmSync(old, { recursive: true, force: true });
for (let attempt = 0; ; attempt++) {
  if (existsSync(finalDist)) renameSync(finalDist, old);
  try {
    renameSync(dist, finalDist);
    break;
  } catch (error) {
    // another build swapped its dist/ in between our two renames: set it aside too, and again
    if (attempt >= 5 || !['ENOTEMPTY', 'EEXIST'].includes(error.code)) throw error;
    rmSync(old, { recursive: true, force: true });
  }
}
rmSync(old, { recursive: true, force: true });
for (const out of others) console.log(`built ${out.slice(dist.length + 1).replace(/^/, 'dist/')}`);
console.log(`agents in dist/resource.d/ocfkit: ${names.join(', ')} as ${form}`);
console.log(`alert agents in dist/alerts: ${alerts.join(', ')}`);
console.log(`build done in ${Date.now() - started} ms`);
