/**
 * Warnings and errors to syslog as well, as resource-agents' ocf_log does: Pacemaker keeps an
 * agent's stderr only at info level in its own log, and operators watch syslog.
 *
 * Node cannot send to a unix datagram socket (/dev/log usually is one), so the line goes
 * through util-linux `logger`, run synchronously with an argument array and a short timeout.
 * It runs only for warnings and errors, never on a quiet monitor, and only when the socket exists.
 */
import { existsSync } from 'node:fs';
import { childProcess } from '../exec/lazy.ts';

export type SyslogWriter = (level: 'warn' | 'error', line: string) => void;

const LOGGER_TIMEOUT_MS = 1000;

export function syslogWriter(tag: string, socket = '/dev/log', logger = 'logger'): SyslogWriter {
  let present: boolean | undefined;
  return (level, line) => {
    present ??= existsSync(socket);
    if (!present) return;
    try {
      childProcess().spawnSync(logger, ['--socket', socket, '--tag', tag, '--priority', `daemon.${level === 'warn' ? 'warning' : 'err'}`, '--', line], {
        stdio: 'ignore',
        timeout: LOGGER_TIMEOUT_MS,
      });
    } catch {
      // syslog is a second copy; the stderr line is already written
    }
  };
}
