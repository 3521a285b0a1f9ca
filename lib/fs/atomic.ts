/**
 * Write a file so that a reader sees the old content or the new, never half, and so that it
 * survives a power cut once we return: a temporary file beside it, every byte written, fsync,
 * rename, fsync of the directory. On failure nothing is left behind but what was there before.
 */
import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs } from './dirs.ts';

/** Write all of `data`: writeSync may write less than asked, and a non-blocking pipe may say EAGAIN. */
export function writeAllSync(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += writeSync(fd, data, off, data.length - off);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

/** Flush a file (or, opened the same way, a directory: its new names and renames) to disk. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Make a rename or a new file in `dir` durable. */
export const fsyncDir = fsyncFile;

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // nothing to clean
  }
}

export function writeFileAtomic(path: string, text: string | Uint8Array, mode = 0o644): void {
  const dir = dirname(path);
  makeDirs(dir);
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    // a fresh file, never through a name planted in the folder (a symbolic link to /etc/passwd)
    removeIfThere(tmp);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    try {
      writeAllSync(fd, typeof text === 'string' ? Buffer.from(text) : text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    removeIfThere(tmp);
    throw error;
  }
  fsyncDir(dir);
}
