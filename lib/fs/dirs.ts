/**
 * Create a folder and its missing parents, one level at a time. Node 20's
 * `mkdirSync(path, { recursive: true })` loops for ever, synchronously (no deadline can fire),
 * when mkdir answers ENOENT under a parent that exists (`/proc/x`, `/sys/x`): here every error
 * but EEXIST is thrown.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function makeDirs(path: string, mode = 0o755): void {
  const missing: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      mkdirSync(dir, mode);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') break;
      if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
      missing.push(dir);
    }
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir, mode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
