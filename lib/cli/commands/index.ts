import type { CommandModule } from 'yargs';
import { installCommand } from './install.ts';
import { parseCommand, parseSubcommands } from './parse.ts';
import { labCommand, labSubcommands } from './lab.ts';
import { drbdCommand, drbdSubcommands } from './drbd.ts';
import { alertCommand, alertSubcommands } from './alert.ts';
import { eventsCommand } from './events.ts';
import { cibCommand, cibSubcommands } from './cib.ts';
import { statusCommand } from './status.ts';
import { watchCommand } from './watch.ts';

/** Every command of the CLI, in the order `--help` lists them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [installCommand, parseCommand, labCommand, drbdCommand, statusCommand, cibCommand, alertCommand, eventsCommand, watchCommand];

const word = (c: { command?: string | readonly string[] }): string => String(c.command).split(' ')[0]!;

/** The command words the CLI knows: each command and its subcommands (checked before yargs runs). */
export const commandTree: Record<string, readonly string[]> = {
  [word(installCommand)]: [],
  [word(parseCommand)]: parseSubcommands.map(word),
  [word(labCommand)]: labSubcommands.map(word),
  [word(drbdCommand)]: drbdSubcommands.map(word),
  [word(alertCommand)]: alertSubcommands.map(word),
  [word(eventsCommand)]: [],
  [word(cibCommand)]: cibSubcommands.map(word),
  [word(statusCommand)]: [],
  [word(watchCommand)]: [],
};

/** Options of any command that take a value: the word after them is not a command word. */
export const VALUE_OPTIONS: readonly string[] = ['name', 'prefix', 'provider', 'from', 'nodes', 'token', 'fence-delay', 'fence-delay-target', 'timeout', 'wait', 'resource', 'clone', 'node', 'event-log', 'vars', 'variant', 'restore-window', 'restore-length', 'format', 'out', 'select', 'webhook', 'secret-file', 'webhook-ca', 'log', 'socket', 'verify-timeout', 'since', 'interval'];
