#!/usr/bin/env node
// Build ocfkit: every agents/<name>.ts becomes one self-contained CommonJS file
// dist/resource.d/ocfkit/<name> (shebang, mode 0755, built-ins only, minified), and the
// CLI becomes dist/cli/ocfkit.mjs. Why bundles and why CommonJS: README, "Start-up".
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.env.OCFKIT_NODE || '/usr/bin/node';
const agentsDir = join(root, 'dist', 'resource.d', 'ocfkit');

export function agentNames() {
  return readdirSync(join(root, 'agents'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => basename(f, '.ts'))
    .sort();
}

async function buildAgent(name) {
  const outfile = join(agentsDir, name);
  await build({
    stdin: {
      contents: `import agent from './agents/${name}.ts';\nimport { runMain } from './lib/ocf/main.ts';\nrunMain(agent);\n`,
      resolveDir: root,
      sourcefile: `agent-${name}-entry.ts`,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    banner: { js: `#!${node}` },
    outfile,
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o755);
  return outfile;
}

async function buildCli() {
  const outfile = join(root, 'dist', 'cli', 'ocfkit.mjs');
  await build({
    entryPoints: [join(root, 'lib', 'cli', 'bin.ts')],
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

rmSync(join(root, 'dist'), { recursive: true, force: true });
mkdirSync(agentsDir, { recursive: true });
// The agents have no extension; without this, the root's "type": "module" would make Node
// load them as ES modules while they sit in dist/. Installed under /usr/lib/ocf they are CJS.
writeFileSync(join(root, 'dist', 'package.json'), '{ "type": "commonjs" }\n');
const started = Date.now();
const outputs = await Promise.all([...agentNames().map(buildAgent), buildCli()]);
for (const out of outputs) console.log(`built ${out.slice(root.length + 1)}`);
console.log(`build done in ${Date.now() - started} ms`);
