/**
 * The push to local subscribers (contracts-s16 §3): every listening unix socket among the
 * configured one (`/run/ocfkit/events.sock`) and `<its folder>/events.d/*.sock` gets the event
 * line, all in parallel, each within a short deadline. Nobody listening (ENOENT, ECONNREFUSED,
 * a path that is no socket) is normal and silent; a subscriber that never reads or hangs costs
 * at most the deadline; nothing here throws.
 *
 * `node:net` is loaded only when there is a socket to connect to: most alert runs on most
 * nodes have no subscriber, and the module costs ~2 ms of start-up.
 */
import type * as Net from 'node:net';
import * as fsa from './fsa.ts';
import { dirname, join } from 'node:path';

export const PUSH_TIMEOUT_MS = 250;
/** At most this many subscribers get an event (the rest are logged as skipped). */
export const MAX_SUBSCRIBERS = 64;

export type PushOutcome = 'sent' | 'absent' | 'refused' | 'timeout' | 'error';

export interface PushResult {
  path: string;
  outcome: PushOutcome;
  detail?: string;
}

/** The per-subscriber folder next to the main socket. */
export function subscriberDir(socket: string): string {
  return join(dirname(socket), 'events.d');
}

/** Candidate sockets: the main one when it is a socket, and every `*.sock` socket (no symbolic links) in events.d. */
export async function subscriberSockets(socket: string): Promise<string[]> {
  const out: string[] = [];
  try {
    if ((await fsa.lstat(socket)).isSocket()) out.push(socket);
  } catch {
    // nobody listens on the main socket
  }
  try {
    for (const entry of await fsa.readdirTypes(subscriberDir(socket))) {
      if (entry.isSocket() && entry.name.endsWith('.sock')) out.push(join(subscriberDir(socket), entry.name));
    }
  } catch {
    // no events.d
  }
  return out;
}

let net: typeof Net | undefined;

function sendOne(path: string, line: string, timeoutMs: number): Promise<PushResult> {
  net ??= process.getBuiltinModule('node:net');
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: PushOutcome, detail?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      conn.destroy();
      resolve(detail ? { path, outcome, detail } : { path, outcome });
    };
    const conn = net!.createConnection({ path });
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    conn.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') finish('absent');
      else if (error.code === 'ECONNREFUSED' || error.code === 'ENOTSOCK') finish('refused');
      else if (error.code === 'EPIPE' || error.code === 'ECONNRESET') finish('error', error.code);
      else finish('error', error.code ?? error.message);
    });
    conn.on('connect', () => {
      // end() after the write: 'finish' fires when the kernel took the whole line
      conn.end(line, () => finish('sent'));
    });
  });
}

/**
 * Pushes `line` to every subscriber socket; resolves within about twice `timeoutMs`, never
 * rejects. At most MAX_SUBSCRIBERS at once and at most that many that answer: a stale socket
 * (its subscriber killed) refuses at once and frees its slot, so stale sockets, however many,
 * do not crowd out a live subscriber. A socket not tried within `timeoutMs` is skipped.
 */
export async function pushEvent(socket: string, line: string, timeoutMs = PUSH_TIMEOUT_MS): Promise<PushResult[]> {
  const paths = await subscriberSockets(socket);
  if (paths.length === 0) return [];
  const results: (PushResult | undefined)[] = new Array(paths.length);
  const startBy = Date.now() + timeoutMs;
  let next = 0;
  // sockets tried and not (yet) found dead: the ones that count against the cap
  let taken = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length && taken < MAX_SUBSCRIBERS && Date.now() < startBy) {
      const i = next++;
      taken++;
      const r = await sendOne(paths[i]!, line, timeoutMs);
      results[i] = r;
      if (r.outcome === 'absent' || r.outcome === 'refused') taken--;
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_SUBSCRIBERS, paths.length) }, worker));
  return paths.map((path, i): PushResult => results[i] ?? { path, outcome: 'error', detail: `more than ${MAX_SUBSCRIBERS} subscribers or no time left: skipped` });
}
