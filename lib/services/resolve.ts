/** Finding programs the way execvp would, to say "not installed" before trying to run them. */
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The path the program resolves to, or null. */
export function findProgram(program: string, pathVar: string): string | null {
  if (program.includes('/')) return executable(program) ? program : null;
  for (const dir of pathVar.split(':')) {
    if (!dir) continue;
    const candidate = join(dir, program);
    if (executable(candidate)) return candidate;
  }
  return null;
}
