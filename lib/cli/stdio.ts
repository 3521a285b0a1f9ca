/**
 * A closed pipe on stdout (`ocfkit parse … | head -1`): the reader has what it wanted. ocfkit
 * ends at once and quietly, as a Unix tool killed by SIGPIPE does, but with exit status 0 (or
 * the status the command had already set), so that `set -o pipefail` scripts do not fail
 * because their reader stopped early. Node ignores SIGPIPE and reports EPIPE as an 'error'
 * event, which without a listener is an uncaught exception with a stack trace.
 */
import type { Writable } from 'node:stream';

type Exit = (code: number) => never;

export function endQuietlyOnClosedPipe(
  stdout: Writable = process.stdout,
  stderr: Writable = process.stderr,
  exit: Exit = (code) => process.exit(code),
): void {
  const status = (): number => (typeof process.exitCode === 'number' ? process.exitCode : 0);
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(status());
    // Another write error (a full disk, EIO): one line on stderr, exit 1.
    try {
      stderr.write(`ocfkit: cannot write to stdout: ${error.code ?? error.message}\n`);
    } finally {
      exit(1);
    }
  });
  // stderr closed too (`2>&1 | head -1`): nothing can be reported anywhere; end as for stdout.
  stderr.on('error', (error: NodeJS.ErrnoException) => exit(error.code === 'EPIPE' ? status() : 1));
}
