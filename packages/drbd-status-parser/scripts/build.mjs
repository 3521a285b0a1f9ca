#!/usr/bin/env node
// Build drbd-status-parser into dist/ (staged in .dist-next/<pid>/ and swapped in at the end, so
// a test importing the package never sees a half-written dist/, and two builds never share a
// folder):
//   dist/esm/index.js + *.d.ts    the library as one ES module, with its declarations
//   dist/cjs/index.js + *.d.ts    the same as CommonJS (dist/cjs/package.json says so)
//   dist/drbd-status-parser.cjs   the CLI, one self-contained file (#!/usr/bin/node)
// esbuild and typescript come from the ocfkit workspace root (dev dependencies there).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const next = join(pkg, '.dist-next', String(process.pid));
const final = join(pkg, 'dist');
const old = join(pkg, '.dist-old', String(process.pid));
rmSync(next, { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', legalComments: 'none' };
const entry = join(pkg, 'src', 'index.ts');
await build({ ...common, entryPoints: [entry], format: 'esm', outfile: join(next, 'esm', 'index.js') });
await build({ ...common, entryPoints: [entry], format: 'cjs', outfile: join(next, 'cjs', 'index.js') });
await build({
  ...common,
  entryPoints: [join(pkg, 'src', 'bin.ts')],
  format: 'cjs',
  banner: { js: '#!/usr/bin/node' },
  outfile: join(next, 'drbd-status-parser.cjs'),
});
chmodSync(join(next, 'drbd-status-parser.cjs'), 0o755);

// Declarations: tsc writes .d.ts beside the ESM bundle; imports of './x.ts' become './x.js'
// (what a consumer's TypeScript resolves without allowImportingTsExtensions).
const tsc = createRequire(join(pkg, 'package.json')).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(pkg, 'tsconfig.build.json'), '--outDir', join(next, 'esm')], {
  stdio: 'inherit',
  timeout: 120_000,
});
function* dts(dir) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* dts(p);
    else if (p.endsWith('.d.ts')) yield p;
  }
}
for (const f of dts(join(next, 'esm'))) {
  writeFileSync(f, readFileSync(f, 'utf8').replace(/(from\s+'\.{1,2}\/[^']*)\.ts'/g, "$1.js'"));
}
// The CommonJS copy: same declarations, read as CommonJS because of the package.json beside them.
cpSync(join(next, 'esm'), join(next, 'cjs'), { recursive: true, filter: (p) => !p.endsWith('.js') });
writeFileSync(join(next, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');

mkdirSync(dirname(old), { recursive: true });
if (existsSync(final)) renameSync(final, old);
renameSync(next, final);
rmSync(old, { recursive: true, force: true });
for (const d of ['.dist-next', '.dist-old']) {
  try {
    rmdirSync(join(pkg, d)); // only when no other build is staging there
  } catch {}
}
