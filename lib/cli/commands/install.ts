/**
 * `ocfkit install`: put the built agents where Pacemaker looks for them,
 * `<prefix>/resource.d/<provider>/<name>`, mode 0755. Idempotent: an agent whose content is
 * already there is left alone; a changed one is replaced atomically (temporary file, rename),
 * so a monitor that starts mid-install runs either the old or the new agent, never half.
 */
import { fsyncDir, fsyncFile } from '../../fs/atomic.ts';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { CliError } from '../errors.ts';

export interface InstallResult {
  target: string;
  installed: string[];
  unchanged: string[];
}

function sameContent(a: string, b: string): boolean {
  if (!existsSync(b) || lstatSync(b).isSymbolicLink()) return false;
  if (statSync(a).size !== statSync(b).size) return false;
  return readFileSync(a).equals(readFileSync(b));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The built agents directory: next to the bundled CLI (dist/cli → dist/resource.d/ocfkit). */
export function builtAgentsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', 'resource.d', 'ocfkit'), join(here, '..', '..', '..', 'dist', 'resource.d', 'ocfkit')]) {
    if (existsSync(candidate)) return resolve(candidate);
  }
  throw new CliError("no built agents found: run 'npm run build' first");
}

/**
 * Every regular file and symbolic link of `source` into `target` (made 0755 when missing),
 * idempotently: a link is recreated pointing at `linkTo(from)`, a file copied atomically with
 * mode 0755; what is already there is left alone (`unchanged`).
 */
function installDir(source: string, target: string, linkTo: (from: string) => string): InstallResult {
  mkdirSync(target, { recursive: true, mode: 0o755 });
  const result: InstallResult = { target, installed: [], unchanged: [] };
  for (const name of readdirSync(source).sort()) {
    const from = join(source, name);
    const to = join(target, name);
    if (lstatSync(from).isSymbolicLink()) {
      const link = linkTo(from);
      if (existsSync(to) && lstatSync(to).isSymbolicLink() && readlinkSync(to) === link) {
        result.unchanged.push(name);
        continue;
      }
      const tmpLink = join(target, `.${name}.link-${process.pid}`);
      try {
        unlinkSync(tmpLink);
      } catch {
        // none left over
      }
      symlinkSync(link, tmpLink);
      renameSync(tmpLink, to);
      result.installed.push(name);
      continue;
    }
    if (!statSync(from).isFile()) continue;
    if (sameContent(from, to) && (statSync(to).mode & 0o777) === 0o755) {
      result.unchanged.push(name);
      continue;
    }
    const tmp = join(target, `.${name}.tmp-${process.pid}`);
    try {
      copyFileSync(from, tmp);
      chmodSync(tmp, 0o755);
      fsyncFile(tmp);
      renameSync(tmp, to);
    } catch (error) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing to clean
      }
      throw error;
    }
    result.installed.push(name);
  }
  // the renames (and new links) survive a power cut once the directory is on disk
  if (result.installed.length > 0) fsyncDir(target);
  return result;
}

export function installAgents(source: string, prefix: string, provider: string): InstallResult {
  if (!/^[A-Za-z0-9_-]+$/.test(provider)) throw new CliError(`--provider '${provider}' must be letters, digits, _ or -`, 2);
  // an agent name linked to the multi-call executable: recreate the same relative link
  return installDir(source, join(prefix, 'resource.d', provider), (from) => readlinkSync(from));
}

/**
 * The alert agents (dist/alerts: `ocfkit-alert`) into `<prefix>/alerts/`, idempotently like the
 * agents: a link into the multi-call executable is re-pointed at the one just installed under
 * `<prefix>/resource.d/<provider>/`; a plain bundle (no SEA) is copied atomically.
 */
export function installAlerts(agentsSource: string, agentsTarget: string, prefix: string): InstallResult {
  const source = join(agentsSource, '..', '..', 'alerts');
  const target = join(prefix, 'alerts');
  if (!isDirectory(source)) return { target, installed: [], unchanged: [] };
  return installDir(source, target, (from) => relative(target, join(agentsTarget, basename(readlinkSync(from)))));
}

export const installCommand: CommandModule<object, { prefix: string; provider: string; from?: string }> = {
  command: 'install',
  describe: 'install the OCF agents into <prefix>/resource.d/<provider>/ and the alert agent into <prefix>/alerts/',
  builder: (y) =>
    y
      .option('prefix', { type: 'string', default: process.env.OCF_ROOT || '/usr/lib/ocf', describe: 'the OCF root' })
      .option('provider', { type: 'string', default: 'ocfkit', describe: 'the provider directory name' })
      .option('from', { type: 'string', describe: 'directory of built agents (default: this build)' }) as never,
  handler: (argv) => {
    if (argv.from !== undefined && !isDirectory(argv.from)) throw new CliError(`--from ${argv.from}: no such directory (give the folder of built agents, e.g. dist/resource.d/ocfkit)`, 2);
    const source = argv.from ?? builtAgentsDir();
    const result = installAgents(source, argv.prefix, argv.provider);
    const alerts = installAlerts(source, result.target, argv.prefix);
    for (const r of [result, alerts]) {
      for (const n of r.installed) process.stdout.write(`installed ${join(r.target, n)}\n`);
      for (const n of r.unchanged) process.stdout.write(`unchanged ${join(r.target, n)}\n`);
    }
  },
};
