/**
 * The lab's runtime files that are not TypeScript: the DRBD simulator (test double, source in
 * test/drbd-sim) and the stand-in services and client loop (source in lib/lab/stack-services).
 * `npm run build` copies them to `<dist>/lab/`, so `ocfkit lab up` from the built CLI has them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface LabAssets {
  /** drbdadm, drbdsetup, drbd-sim. */
  simBin: string;
  service: string;
  client: string;
}

export function labAssets(distDir: string): LabAssets {
  return {
    simBin: join(distDir, 'lab', 'drbd-sim', 'bin'),
    service: join(distDir, 'lab', 'stack-services', 'service.mjs'),
    client: join(distDir, 'lab', 'stack-services', 'client.mjs'),
  };
}

/** The assets that are missing (empty: all there). */
export function missingAssets(a: LabAssets): string[] {
  return [join(a.simBin, 'drbdadm'), a.service, a.client].filter((p) => !existsSync(p));
}
