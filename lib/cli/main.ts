/**
 * The operator CLI: `ocfkit <command>`. Commands are registered in an explicit list
 * (yargs' commandDir does not work under ESM), one module per command under commands/.
 *
 * Usage mistakes (an unknown command, a bad option value) exit 2 with one line on stderr that
 * names the mistake and the `--help` to read; command failures exit 1 (or the command's own
 * status) with one line; never a stack trace (OCFKIT_DEBUG=1 adds it for unexpected errors).
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import pkg from '../../package.json' with { type: 'json' };
import { commands, commandTree, VALUE_OPTIONS } from './commands/index.ts';
import { CliError } from './errors.ts';
import { commandWords, unknownCommandMessage } from './words.ts';

export const VERSION: string = pkg.version;

/** An error from the system (ENOENT, EACCES…) as one line: what, where, why. */
export function systemErrorLine(error: NodeJS.ErrnoException): string | null {
  if (typeof error.code !== 'string' || !/^E[A-Z]+$/.test(error.code)) return null;
  const why = error.message.replace(/^E[A-Z]+: /, '').replace(/, \w+ .*$/, '');
  return `${error.syscall ?? 'system call'}${error.path ? ` ${error.path}` : ''}: ${why} (${error.code})`;
}

function usageError(message: string, helpFor: string[]): CliError {
  const oneLine = message.replace(/\s*\n\s*/g, '; ').trim();
  process.stderr.write(`ocfkit: ${oneLine} (run '${['ocfkit', ...helpFor, '--help'].join(' ')}')\n`);
  return new CliError(oneLine, 2, true);
}

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  const words = commandWords(argv, commandTree, VALUE_OPTIONS);
  try {
    if (words.unknown) {
      process.stderr.write(`ocfkit: ${unknownCommandMessage(words.unknown, commandTree)}\n`);
      return 2;
    }
    let cli = yargs(argv)
      .scriptName('ocfkit')
      .usage('$0 <command> [options]')
      .strict()
      .demandCommand(1, 'name a command')
      .help()
      .alias('h', 'help')
      .version(VERSION)
      .wrap(Math.min(110, process.stdout.columns || 100))
      .fail((msg, err) => {
        if (err && !(err.name === 'YError')) throw err;
        throw usageError(msg ?? err?.message ?? 'invalid arguments', words.path);
      });
    for (const command of commands) cli = cli.command(command);
    await cli.parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CliError) {
      if (!error.reported) process.stderr.write(`ocfkit: ${error.message}\n`);
      return error.exitCode;
    }
    const system = systemErrorLine(error as NodeJS.ErrnoException);
    const message = system ?? `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`ocfkit: ${message.replace(/\s*\n\s*/g, '; ')}\n`);
    if (process.env.OCFKIT_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
