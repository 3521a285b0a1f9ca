/**
 * Appends one line to the event log (contracts-s16 §2): O_APPEND, one write(2), fsync; 0600;
 * size-based rotation (`events.jsonl` → `.1` … `.keep`). Many alert processes append at once
 * (Pacemaker runs every alert concurrently): a single O_APPEND write of a line is placed whole
 * at the end on a local filesystem, so lines never interleave.
 *
 * Never leaves a half line that glues onto the next one: it refuses to write when the
 * filesystem has not room for the line (statfs first), terminates a short write with "\n" when
 * it can, and starts its own line with "\n" when the file does not end with one (a short write
 * of an earlier run). Readers skip any line that is not a record.
 *
 * The path is refused when it (or its folder) is a symbolic link, a FIFO or anything but a
 * regular file in a folder only its owner can write. All calls are asynchronous so that the
 * caller can bound the whole append in time (a stuck disk): see agent.ts.
 */
import { constants } from 'node:fs';
import * as fsa from './fsa.ts';
import { basename, dirname, join } from 'node:path';

export interface AppendOptions {
  maxBytes: number;
  keep: number;
  /** Create the log's folder (mode 0750) when it is missing and the parent lets us. */
  createDir?: boolean;
  /** Age after which a rotation lock left by a killed process is broken. */
  staleLockMs?: number;
  /**
   * Run as root (an operator trying the agent by hand), the owner to give a folder or file it
   * creates, so that Pacemaker's runs as hacluster can still write them (contracts-s16 §2).
   */
  ownerWhenRoot?: () => { uid: number; gid: number } | null;
}

export interface AppendResult {
  bytes: number;
  rotated: boolean;
  repaired: boolean;
  /** Why a rotation that was due failed (the line was appended all the same). */
  rotateError?: string;
}

/** The log cannot be written; `path` names the file or folder at fault. */
export class EventLogError extends Error {
  readonly path: string;
  readonly code: string | undefined;

  constructor(path: string, problem: string, code?: string) {
    super(`${path}: ${problem}`);
    this.name = 'EventLogError';
    this.path = path;
    this.code = code;
  }
}

const errno = (error: unknown): string | undefined => (error as NodeJS.ErrnoException)?.code;

function systemError(path: string, error: unknown): EventLogError {
  const code = errno(error);
  const text = (error as Error)?.message?.replace(/^E[A-Z]+: /, '').replace(/, \w+ .*$/, '') ?? String(error);
  return new EventLogError(path, code ? `${text} (${code})` : text, code);
}

/** The folder exists, is a real folder, and only its owner (us or root) can write it. */
async function checkDir(dir: string, createDir: boolean, owner: AppendOptions['ownerWhenRoot']): Promise<void> {
  let st;
  try {
    st = await fsa.lstat(dir);
  } catch (error) {
    if (errno(error) !== 'ENOENT' || !createDir) throw systemError(dir, error);
    try {
      await fsa.mkdir(dir, 0o750);
    } catch (mkdirError) {
      if (errno(mkdirError) !== 'EEXIST') throw systemError(dir, mkdirError);
    }
    const ids = process.geteuid?.() === 0 ? owner?.() : null;
    if (ids) await fsa.chown(dir, ids.uid, ids.gid).catch(() => undefined);
    st = await fsa.lstat(dir);
  }
  if (st.isSymbolicLink()) throw new EventLogError(dir, 'is a symbolic link: refused (give the real folder)');
  if (!st.isDirectory()) throw new EventLogError(dir, 'not a directory');
  const euid = process.geteuid?.() ?? 0;
  if (euid !== 0 && st.uid !== euid && st.uid !== 0) throw new EventLogError(dir, `owned by uid ${st.uid}, not by this user (uid ${euid}) or root: refused`);
  if (st.mode & 0o022) throw new EventLogError(dir, `writable by group or others (mode ${(st.mode & 0o7777).toString(8)}): refused`);
}

/** The rotated files of `path` that exist, as [n, file], newest (.1) first. */
export async function rotatedFiles(path: string): Promise<[number, string][]> {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = await fsa.readdir(dir);
  } catch {
    return [];
  }
  const out: [number, string][] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const suffix = name.slice(base.length + 1);
    if (/^[1-9]\d{0,2}$/.test(suffix)) out.push([Number(suffix), join(dir, name)]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

async function fsyncDir(dir: string): Promise<void> {
  const fd = await fsa.open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fsa.fsync(fd);
  } finally {
    await fsa.close(fd);
  }
}

/**
 * Rotates once, under a lock folder (mkdir is atomic): only one of many concurrent writers
 * rotates; the others append to whichever file is at the path when they open it. A lock left by
 * a killed process is broken after `staleLockMs`.
 */
async function rotate(path: string, keep: number, threshold: number, staleLockMs: number): Promise<boolean> {
  const lock = `${path}.rotate-lock`;
  try {
    await fsa.mkdir(lock, 0o700);
  } catch (error) {
    if (errno(error) !== 'EEXIST') throw systemError(lock, error);
    try {
      const st = await fsa.lstat(lock);
      if (Date.now() - st.mtimeMs > staleLockMs) await fsa.rmdir(lock);
    } catch {
      // gone meanwhile
    }
    return false;
  }
  try {
    let size: number;
    try {
      size = (await fsa.lstat(path)).size;
    } catch {
      return false;
    }
    if (size < threshold) return false; // another writer rotated first
    if (keep === 0) {
      await fsa.unlink(path);
    } else {
      for (const [n, file] of (await rotatedFiles(path)).reverse()) {
        if (n >= keep) await fsa.unlink(file);
        else await fsa.rename(file, `${path}.${n + 1}`);
      }
      await fsa.rename(path, `${path}.1`);
    }
    await fsyncDir(dirname(path));
    return true;
  } finally {
    await fsa.rmdir(lock).catch(() => undefined);
  }
}

const NL = 0x0a;

export async function appendLine(path: string, line: string, options: AppendOptions): Promise<AppendResult> {
  const data = Buffer.from(line.endsWith('\n') ? line : `${line}\n`, 'utf8');
  const dir = dirname(path);
  await checkDir(dir, options.createDir ?? true, options.ownerWhenRoot);

  // Room for the line, or nothing is written at all (no half line on a full disk).
  try {
    const fs = await fsa.statfs(dir);
    if (fs.bavail * fs.bsize < data.length + 4096) throw new EventLogError(dir, `no space left for a ${data.length}-byte line (ENOSPC)`, 'ENOSPC');
  } catch (error) {
    if (error instanceof EventLogError) throw error;
    // statfs unsupported here: the write below still reports ENOSPC
  }

  let before: { size: number; exists: boolean };
  try {
    const st = await fsa.lstat(path);
    if (!st.isFile()) throw new EventLogError(path, st.isSymbolicLink() ? 'is a symbolic link: refused' : 'not a regular file: refused');
    before = { size: st.size, exists: true };
  } catch (error) {
    if (error instanceof EventLogError) throw error;
    if (errno(error) !== 'ENOENT') throw systemError(path, error);
    before = { size: 0, exists: false };
  }
  let rotated = false;
  let rotateError: string | undefined;
  if (before.exists && before.size > 0 && before.size + data.length > options.maxBytes) {
    try {
      rotated = await rotate(path, options.keep, options.maxBytes - data.length, options.staleLockMs ?? 10_000);
    } catch (error) {
      // a rotated file that cannot be moved or removed must not cost the event: append anyway
      rotateError = (error instanceof EventLogError ? error : systemError((error as NodeJS.ErrnoException).path ?? path, error)).message;
    }
  }

  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a reader; O_NOFOLLOW: no symbolic link.
    fd = await fsa.open(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (error) {
    if (errno(error) === 'ELOOP') throw new EventLogError(path, 'is a symbolic link: refused', 'ELOOP');
    if (errno(error) === 'ENXIO') throw new EventLogError(path, 'not a regular file (a FIFO?): refused', 'ENXIO');
    throw systemError(path, error);
  }
  let repaired = false;
  try {
    const st = await fsa.fstat(fd);
    if (!st.isFile()) throw new EventLogError(path, 'not a regular file: refused');
    const euid = process.geteuid?.() ?? 0;
    if (st.uid !== euid && euid !== 0) throw new EventLogError(path, `owned by uid ${st.uid}, not by this user (uid ${euid}): refused`);
    if (!before.exists && euid === 0) {
      const ids = options.ownerWhenRoot?.();
      if (ids) await fsa.fchown(fd, ids.uid, ids.gid).catch(() => undefined);
    }
    if (st.mode & 0o077) {
      // 0600 whatever the umask or an earlier hand-made file said
      await fsa.fchmod(fd, 0o600);
    }
    if (st.size > 0) {
      // Only ever append to an event log: a path set to some other file (/etc/passwd, when an
      // operator runs the agent as root) is refused, not extended.
      const head = Buffer.alloc(7);
      const bytesRead = await fsa.read(fd, head, 0, 7, 0);
      // (a first line cut short by a full disk is a prefix of a record's start, and passes)
      // (nor is a file whose start a crash left as a hole of NULs: size committed, data not)
      const first = head.subarray(0, bytesRead).toString('latin1').split('\n')[0]!.replace(/^\0+/, '');
      if (!'{"v":1,'.startsWith(first)) {
        throw new EventLogError(path, 'not an ocfkit event log (its first line is no event record): refused');
      }
    }
    let out = data;
    if (st.size > 0) {
      const last = Buffer.alloc(1);
      const bytesRead = await fsa.read(fd, last, 0, 1, st.size - 1);
      if (bytesRead === 1 && last[0] !== NL) {
        out = Buffer.concat([Buffer.from('\n'), data]);
        repaired = true;
      }
    }
    let written: number;
    try {
      written = await fsa.write(fd, out, 0, out.length, null);
    } catch (error) {
      throw systemError(path, error);
    }
    if (written < out.length) {
      // a short write (the disk filled meanwhile): end the half line so the next one stands alone
      await fsa.write(fd, Buffer.from('\n'), 0, 1, null).catch(() => undefined);
      throw new EventLogError(path, `short write: ${written} of ${out.length} bytes (disk full?)`, 'ENOSPC');
    }
    try {
      await fsa.fsync(fd);
    } catch (error) {
      throw systemError(path, error);
    }
    if (!before.exists || rotated) await fsyncDir(dir).catch(() => undefined);
    return rotateError === undefined ? { bytes: written, rotated, repaired } : { bytes: written, rotated, repaired, rotateError };
  } finally {
    await fsa.close(fd).catch(() => undefined);
  }
}
