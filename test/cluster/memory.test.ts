/**
 * Bounded memory: a child process parses a generated 10 MB document from bytes and reports the
 * resident memory the parse added at its peak (memory-probe.ts: VmHWM reset after start-up).
 * The target is at most 12x the input. A crm_mon document full of `&amp;` peaked at ~31x
 * before issue 9; the other shapes guard real-looking documents.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as h from './hostile.ts';

const PROBE = fileURLToPath(new URL('./memory-probe.ts', import.meta.url));
const MB = 1_000_000;
const LIMIT = 12;

const shapes: [string, string, () => string][] = [
  ['crm_mon full of &amp;', 'crm-mon', () => h.crmMonAmp(10 * MB)],
  ['crm_mon realistic', 'crm-mon', () => h.crmMonLarge(Math.floor((10 * MB) / 450))],
  ['CIB realistic', 'cib', () => h.cibLarge(Math.floor((10 * MB) / 760))],
];

t.test(`peak memory of a parse is at most ${LIMIT}x its input`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-mem-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, kind, make] of shapes) {
    const file = join(dir, 'input');
    writeFileSync(file, make());
    const r = spawnSync(process.execPath, ['--import', 'tsx', PROBE, kind, file], { encoding: 'utf8', timeout: 300_000 });
    t.equal(r.status, 0, `${name}: probe ran${r.stderr ? `: ${r.stderr.slice(-300)}` : ''}`);
    const m = JSON.parse(r.stdout) as { bytes: number; added: number; ratio: number; error: string | null };
    t.equal(m.error, null, `${name}: parsed`);
    t.ok(m.ratio <= LIMIT, `${name}: ${(m.bytes / MB).toFixed(1)} MB in, ${(m.added / MB).toFixed(0)} MB added at the peak = ${m.ratio.toFixed(1)}x`);
  }
});
