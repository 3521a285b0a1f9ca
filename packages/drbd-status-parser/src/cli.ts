/**
 * drbd-status-parser [options] [file|-]
 *
 * Reads a DRBD status document (a file, or stdin when the file is `-` or missing), prints
 * `{format, generation, version, resources: [... with facts], unconfiguredMinors, warnings}` as JSON.
 * Exit codes: 0 parsed, 2 not parseable (the DrbdParseError as JSON on stdout under "error"),
 * 1 usage or I/O error.
 */
import { readFileSync } from 'node:fs';
import { DrbdParseError, FORMATS, parse, withFacts, type Format, type ParseOptions } from './index.ts';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => string | Uint8Array;
  readFile: (path: string) => string | Uint8Array;
}

export const USAGE = `usage: drbd-status-parser [--format <f>] [--resource <name>] [--no-repair] [--compact] [file|-]

Parses DRBD status text and prints the model with facts as JSON.
  --format <f>       skip detection: ${FORMATS.join(', ')}
  --resource <name>  resource name for drbdadm role/cstate/dstate output (they print none)
  --no-repair        reject drbdsetup --json output that contains nan instead of repairing it
  --compact          one line of JSON instead of indented
Exit codes: 0 parsed, 2 not a parseable DRBD status (error JSON on stdout), 1 usage/I/O error.
`;

export function run(argv: readonly string[], io: CliIo): number {
  const opts: ParseOptions = {};
  let compact = false;
  let file: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      io.stdout(USAGE);
      return 0;
    } else if (a === '--format') {
      const f = argv[++i];
      if (!f || !FORMATS.includes(f as Format)) return usage(io, `--format needs one of ${FORMATS.join(', ')}`);
      opts.format = f as Format;
    } else if (a === '--resource') {
      const r = argv[++i];
      if (!r) return usage(io, '--resource needs a name');
      opts.resource = r;
    } else if (a === '--no-repair') {
      opts.repairJson = false;
    } else if (a === '--compact') {
      compact = true;
    } else if (a.startsWith('-') && a !== '-') {
      return usage(io, `unknown option ${a}`);
    } else if (file === null) {
      file = a;
    } else {
      return usage(io, 'only one file');
    }
  }
  let text: string | Uint8Array;
  try {
    text = file === null || file === '-' ? io.readStdin() : io.readFile(file);
  } catch (e) {
    io.stderr(`drbd-status-parser: cannot read ${file ?? 'stdin'}: ${(e as Error).message}\n`);
    return 1;
  }
  const indent = compact ? undefined : 2;
  try {
    io.stdout(JSON.stringify(withFacts(parse(text, opts)), null, indent) + '\n');
    return 0;
  } catch (e) {
    if (!(e instanceof DrbdParseError)) throw e;
    io.stdout(JSON.stringify({ error: e.toJSON() }, null, indent) + '\n');
    io.stderr(`drbd-status-parser: ${e.message}\n`);
    return 2;
  }
}

function usage(io: CliIo, msg: string): number {
  io.stderr(`drbd-status-parser: ${msg}\n${USAGE}`);
  return 1;
}

/** The real process: bytes, so that parse() refuses invalid UTF-8 with its line and offset. */
export const processIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: () => readFileSync(0),
  readFile: (p) => readFileSync(p),
};
