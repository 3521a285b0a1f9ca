/**
 * Opening a file the agent (root) writes in a folder someone else may write to (a log_dir,
 * $HA_RSCTMP): never through a symbolic link, never a FIFO or device (opening a FIFO with no
 * reader blocks for ever, past any deadline), never a file that has other names (a hard link to
 * /etc/passwd). Otherwise a planted name would have root append to, or truncate, another file.
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';

export class NotPlainFileError extends Error {
  readonly code = 'ENOTPLAIN';
  constructor(path: string, what: string) {
    super(`${path} is ${what}, not a plain file: not opened`);
    this.name = 'NotPlainFileError';
  }
}

/**
 * Open (creating it with `mode` if needed) a plain file for appending (`'append'`) or reading
 * and appending (`'read-append'`). Throws the open's error (ELOOP for a symbolic link, ENXIO
 * for a FIFO nobody reads) or NotPlainFileError.
 */
export function openPlainFile(path: string, how: 'append' | 'read-append', mode: number): number {
  const access = how === 'append' ? constants.O_WRONLY : constants.O_RDWR;
  const fd = openSync(path, access | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  const s = fstatSync(fd);
  const what = !s.isFile() ? 'not a regular file' : s.nlink > 1 ? `a file with ${s.nlink} names (hard links)` : null;
  if (what) {
    closeSync(fd);
    throw new NotPlainFileError(path, what);
  }
  return fd;
}
