/**
 * `ocfkit status --watch`'s push trigger: the monitor's subscriber socket (lib/monitor/push-socket.ts,
 * the one implementation of contract 3's subscriber side: events.d 01770 root:haclient, socket
 * 0660 group haclient, stale `<pid>.sock` removal, bounded line framing, unlinked on close).
 * Every line re-reads the log (status parses the log, not the push), so refused connections and
 * over-long lines are dropped silently.
 */
import { listenPushSocket, type PushSocket } from '../monitor/push-socket.ts';
import { defaultSocketPath } from '../monitor/socket-path.ts';

export type { PushSocket };

/** Listens on `path` (default `/run/ocfkit/events.d/<pid>.sock`); rejects with a one-line message. */
export function listenForEvents(onEvent: (line: string) => void, path: string = defaultSocketPath()): Promise<PushSocket> {
  return listenPushSocket({ path, onLine: onEvent, onRefused: () => {} });
}
