/**
 * The operator CLI: `ocfkit <command>`. Commands are registered in an explicit list
 * (yargs' commandDir does not work under ESM), one module per command under commands/.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from './commands/index.ts';
import { CliError } from './errors.ts';

export async function main(argv: string[] = hideBin(process.argv)): Promise<number> {
  let cli = yargs(argv)
    .scriptName('ocfkit')
    .usage('$0 <command> [options]')
    .strict()
    .demandCommand(1, 'name a command (see --help)')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`ocfkit: ${msg}\n(run 'ocfkit --help' for usage)\n`);
      process.exitCode = 2;
      throw new CliError(msg, 2, true);
    });
  for (const command of commands) cli = cli.command(command);
  try {
    await cli.parseAsync();
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CliError) {
      if (!error.reported) process.stderr.write(`ocfkit: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ocfkit: unexpected error: ${message}\n`);
    if (process.env.OCFKIT_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
