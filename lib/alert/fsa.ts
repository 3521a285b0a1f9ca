/**
 * Promise forms of the few callback `node:fs` calls the alert agent makes. Not `fs.promises`:
 * loading it (FileHandle, streams) cost the agent several ms of start-up, measured by
 * bench/alert.ts, and the agent starts once per event on every node.
 */
import * as fs from 'node:fs';

type Cb<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

function call<T>(f: (cb: Cb<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => f((error, value) => (error ? reject(error) : resolve(value))));
}

export const lstat = (p: string): Promise<fs.Stats> => call((cb) => fs.lstat(p, cb));
export const fstat = (fd: number): Promise<fs.Stats> => call((cb) => fs.fstat(fd, cb));
export const statfs = (p: string): Promise<fs.StatsFs> => call((cb) => fs.statfs(p, cb));
export const mkdir = (p: string, mode: number): Promise<void> => call<void>((cb) => fs.mkdir(p, { mode }, (e) => cb(e, undefined)));
export const rmdir = (p: string): Promise<void> => call<void>((cb) => fs.rmdir(p, (e) => cb(e, undefined)));
export const unlink = (p: string): Promise<void> => call<void>((cb) => fs.unlink(p, (e) => cb(e, undefined)));
export const rename = (a: string, b: string): Promise<void> => call<void>((cb) => fs.rename(a, b, (e) => cb(e, undefined)));
export const readdir = (p: string): Promise<string[]> => call((cb) => fs.readdir(p, cb));
export const readdirTypes = (p: string): Promise<fs.Dirent[]> => call((cb) => fs.readdir(p, { withFileTypes: true }, cb));
export const open = (p: string, flags: number, mode?: number): Promise<number> => call((cb) => fs.open(p, flags, mode, cb));
export const close = (fd: number): Promise<void> => call<void>((cb) => fs.close(fd, (e) => cb(e, undefined)));
export const fsync = (fd: number): Promise<void> => call<void>((cb) => fs.fsync(fd, (e) => cb(e, undefined)));
export const chown = (p: string, uid: number, gid: number): Promise<void> => call<void>((cb) => fs.chown(p, uid, gid, (e) => cb(e, undefined)));
export const fchown = (fd: number, uid: number, gid: number): Promise<void> => call<void>((cb) => fs.fchown(fd, uid, gid, (e) => cb(e, undefined)));
export const fchmod = (fd: number, mode: number): Promise<void> => call<void>((cb) => fs.fchmod(fd, mode, (e) => cb(e, undefined)));
export const read = (fd: number, buf: Buffer, offset: number, length: number, position: number | null): Promise<number> =>
  call((cb) => fs.read(fd, buf, offset, length, position, (e, n) => cb(e, n)));
export const write = (fd: number, buf: Buffer, offset: number, length: number, position: number | null): Promise<number> =>
  call((cb) => fs.write(fd, buf, offset, length, position, (e, n) => cb(e, n)));

/** The whole content of an open file, at most `max` bytes (more is an error). */
export async function readAll(fd: number, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.alloc(Math.min(64 * 1024, max + 1 - total));
    const n = await read(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
    if (total > max) throw new Error(`larger than ${max} bytes`);
  }
  return Buffer.concat(chunks);
}
