import type { CommandModule } from 'yargs';
import { installCommand } from './install.ts';
import { parseCommand } from './parse.ts';
import { labCommand } from './lab.ts';

/** Every command of the CLI, in the order `--help` lists them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [installCommand, parseCommand, labCommand];
