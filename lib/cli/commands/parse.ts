/**
 * `ocfkit parse crm-mon|cib|pcs-status|drbd [file|-]`: cluster state text in, the typed model out as
 * JSON (2-space indent) on stdout. Parse errors exit 1 with the typed error's message (source
 * and element path or line); warnings go to stderr. Pure: reads a file or stdin, never the cluster.
 */
import { readFile } from 'node:fs/promises';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { CliError } from '../errors.ts';
import { ClusterParseError } from '../../cluster/errors.ts';
import { parseCrmMonXml } from '../../cluster/crm-mon.ts';
import { parseCibXml } from '../../cluster/cib.ts';
import { parsePcsStatus } from '../../cluster/pcs-status.ts';
import type { ParseWarning } from '../../cluster/errors.ts';
import { parse as parseDrbd, DrbdParseError } from 'drbd-status-parser';

interface ParseArgs {
  file: string;
  quiet: boolean;
}

/** The input as bytes: the cluster parsers decode strictly (invalid UTF-8 is an error, not U+FFFD). */
async function readInput(file: string): Promise<Buffer> {
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    return await readFile(file);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new CliError(`cannot read ${file === '-' ? 'stdin' : file}: ${e.code ?? e.message}`, 1);
  }
}

function printWarnings(source: string, warnings: (ParseWarning | AnyWarning)[]): void {
  for (const w of warnings) {
    const where = w.path ?? (w.line !== undefined && w.line !== null ? `line ${w.line}` : '');
    process.stderr.write(`ocfkit: warning: ${w.source ?? source}: ${w.message ?? JSON.stringify(w)}${where ? ` (${where})` : ''}\n`);
  }
}

/**
 * `JSON.stringify(model, null, 2) + '\n'`, byte for byte, written a top-level field and an
 * element of a top-level array at a time: the whole text of a large model (a 10 MB input can
 * print hundreds of MB) never exists as one string, which V8 caps at ~512 MB ("Invalid string
 * length") and which would double the memory of the parse.
 */
export function writeJson(model: object, write: (chunk: string) => void): void {
  const indent = (json: string, pad: string) => json.replace(/\n/g, `\n${pad}`);
  const keys = Object.keys(model).filter((k) => {
    const v = (model as Record<string, unknown>)[k];
    return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
  });
  if (keys.length === 0 || typeof (model as { toJSON?: unknown }).toJSON === 'function') {
    write(`${JSON.stringify(model, null, 2)}\n`);
    return;
  }
  write('{');
  keys.forEach((key, i) => {
    const value = (model as Record<string, unknown>)[key];
    write(`${i ? ',' : ''}\n  ${JSON.stringify(key)}: `);
    if (Array.isArray(value) && value.length > 0) {
      write('[');
      value.forEach((v, j) => write(`${j ? ',' : ''}\n    ${indent(JSON.stringify(v, null, 2) ?? 'null', '    ')}`));
      write('\n  ]');
    } else write(indent(JSON.stringify(value, null, 2), '  '));
  });
  write('\n}\n');
}

interface AnyWarning {
  source?: string;
  path?: string;
  line?: number | null;
  message?: string;
}

function sub(name: string, describe: string, parse: (input: Buffer) => { warnings: AnyWarning[] }, stream = true): CommandModule<object, ParseArgs> {
  return {
    command: `${name} [file]`,
    describe,
    builder: (y: Argv<object>) =>
      y
        .positional('file', { type: 'string', default: '-', describe: 'input file, or - for stdin' })
        .option('quiet', { type: 'boolean', default: false, describe: 'do not print parse warnings' }) as unknown as Argv<ParseArgs>,
    handler: async (argv: ArgumentsCamelCase<ParseArgs>) => {
      const text = await readInput(argv.file);
      let model: { warnings: AnyWarning[] };
      try {
        model = parse(text);
      } catch (error) {
        if (error instanceof ClusterParseError) throw new CliError(error.message, 1);
        if (error instanceof DrbdParseError) throw new CliError(`drbd: ${error.message}`, 1);
        throw error;
      }
      if (!argv.quiet) printWarnings(name, model.warnings);
      if (stream) writeJson(model, (chunk) => process.stdout.write(chunk));
      else process.stdout.write(JSON.stringify(model, null, 2) + '\n');
    },
  };
}

export const parseSubcommands = [
  sub('crm-mon', 'crm_mon XML (--output-as=xml or legacy --as-xml) to the ClusterStatus model', parseCrmMonXml),
  sub('cib', 'CIB XML (cibadmin --query) to the Cib model', parseCibXml),
  sub('pcs-status', 'any pcs status form (status [--full], resources, nodes [both|corosync|config], cluster, corosync, quorum, pcsd, xml; pcs 0.9 and 0.11) to the PcsStatus model', parsePcsStatus),
  sub('drbd', 'DRBD status text (/proc/drbd, drbdadm status, drbdsetup status --json, events2) via drbd-status-parser', (bytes) => parseDrbd(bytes), false),
];

export const parseCommand: CommandModule<object, object> = {
  command: 'parse <kind>',
  describe: 'parse cluster state text (crm_mon XML, CIB XML, pcs status) into typed JSON',
  builder: (y: Argv<object>) => {
    let out = y;
    for (const s of parseSubcommands) out = out.command(s as CommandModule<object, ParseArgs>) as Argv<object>;
    return out.demandCommand(1, 'name what to parse: crm-mon, cib, pcs-status or drbd');
  },
  handler: () => {},
};
