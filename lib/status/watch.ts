/**
 * `--watch`: gather, build, render again on every pushed event (debounced) and every
 * `intervalMs` (poll fallback, 2 s); on a TTY redraw the screen when the text changed, elsewhere
 * print a new report only when its content changed (times that merely advance do not count).
 * Ends on SIGINT/SIGTERM (or `stop()`): the socket is unlinked, the promise resolves.
 */
import type { StatusReport } from './report.ts';
import type { PushSocket } from './push-socket.ts';

export interface WatchOptions {
  produce: () => Promise<StatusReport>;
  render: (r: StatusReport) => string;
  write: (text: string) => void;
  tty: boolean;
  intervalMs?: number;
  debounceMs?: number;
  /** Starts the push listener; rejects → poll only (the reason is passed to `note`). */
  listen?: (onEvent: () => void) => Promise<PushSocket>;
  note?: (line: string) => void;
  signals?: NodeJS.EventEmitter;
}

/** The report without what changes by itself (the time it was made, running steps' elapsed time). */
export function contentKey(r: StatusReport): string {
  return JSON.stringify(r, (k, v) => {
    if (k === 'generatedAt') return undefined;
    if (k === 'durationMs' || k === 'percent') return undefined;
    return v as unknown;
  });
}

const CLEAR = '\x1b[H\x1b[2J';

export async function watchStatus(o: WatchOptions): Promise<void> {
  const signals = o.signals ?? process;
  let socket: PushSocket | null = null;
  let timer: NodeJS.Timeout | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let busy = false;
  let again = false;
  let stopped = false;
  let lastText: string | null = null;
  let lastKey: string | null = null;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    if (debounce) clearTimeout(debounce);
    socket?.close();
    signals.removeListener('SIGINT', stop);
    signals.removeListener('SIGTERM', stop);
    finish();
  };
  signals.on('SIGINT', stop);
  signals.on('SIGTERM', stop);

  const cycle = async (): Promise<void> => {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    if (timer) clearTimeout(timer);
    try {
      const report = await o.produce();
      if (stopped) return;
      const text = o.render(report);
      if (o.tty) {
        if (text !== lastText) o.write(CLEAR + text);
      } else {
        const key = contentKey(report);
        if (key !== lastKey) o.write((lastKey === null ? '' : '\n') + text);
        lastKey = key;
      }
      lastText = text;
    } catch (error) {
      o.note?.(`status: ${(error as Error).message}`);
    } finally {
      busy = false;
      if (!stopped) {
        if (again) {
          again = false;
          void cycle();
        } else timer = setTimeout(() => void cycle(), o.intervalMs ?? 2000);
      }
    }
  };
  const pushed = (): void => {
    if (stopped) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void cycle(), o.debounceMs ?? 150);
  };
  if (o.listen) {
    try {
      socket = await o.listen(pushed);
      if (stopped) socket.close();
    } catch (error) {
      o.note?.(`push socket unavailable (${(error as Error).message}): polling every ${((o.intervalMs ?? 2000) / 1000).toFixed(0)} s`);
    }
  }
  await cycle();
  await done;
}
