/**
 * `ocfkit cib render [--vars FILE | --lab] [--variant cold|hot] [--restore-window 'CRON' --restore-length DURATION]
 * [--format xml|configuration|pcs|corosync] [--out FILE]`: the two-node stack from cib-templates/.
 * Pure: reads the vars file and the templates, writes stdout or one file (atomically), never the cluster.
 */
import type { Argv, CommandModule } from 'yargs';
import { CliError } from '../errors.ts';
import { writeFileAtomic } from '../../fs/atomic.ts';
import { CibVarsError, EXAMPLE_VARS, LAB_VARS, loadVars, renderCib, type RenderResult, type Variant } from '../../cib/render.ts';
import { TemplateError } from '../../cib/template.ts';

export const CIB_FORMATS = ['xml', 'configuration', 'pcs', 'corosync'] as const;
type Format = (typeof CIB_FORMATS)[number];

interface RenderArgs {
  vars?: string;
  lab: boolean;
  variant: Variant;
  'restore-window'?: string;
  'restore-length'?: string;
  format: Format;
  out?: string;
}

function output(r: RenderResult, format: Format): string {
  return format === 'xml' ? r.xml : format === 'configuration' ? r.configuration : format === 'pcs' ? r.pcs : r.corosync;
}

export function cibRender(a: RenderArgs): { text: string; result: RenderResult } {
  if (a.vars !== undefined && a.lab) throw new CliError("--vars and --lab: give one (--lab is the lab's vars file)", 2);
  const window = a['restore-window'];
  const length = a['restore-length'];
  if ((window === undefined) !== (length === undefined)) throw new CliError('--restore-window and --restore-length go together (a cron-style start and a length)', 2);
  try {
    const vars = a.vars !== undefined ? loadVars(a.vars) : a.lab ? LAB_VARS : EXAMPLE_VARS;
    const result = renderCib(vars, { variant: a.variant, restoreWindow: window !== undefined ? { start: window, length: length! } : undefined });
    return { text: output(result, a.format), result };
  } catch (error) {
    if (error instanceof CibVarsError) throw new CliError(error.message, error.source === '--restore-window' ? 2 : 1);
    if (error instanceof TemplateError) throw new CliError(error.message, 1);
    throw error;
  }
}

const renderCommand: CommandModule<object, RenderArgs> = {
  command: 'render',
  describe: 'render the stack as CIB XML, a pcs script or corosync.conf (no --vars: the documented example values)',
  builder: (y) =>
    y
      .option('vars', { type: 'string', requiresArg: true, describe: 'a vars file (JSON; every variable in cib-templates/README.md)' })
      .option('lab', { type: 'boolean', default: false, describe: "the namespace lab's values (cib-templates/lab.vars.json)" })
      .option('variant', { choices: ['cold', 'hot'] as const, default: 'cold' as const, describe: 'cold: services only on the active; hot: read-only services on the standby too' })
      .option('restore-window', { type: 'string', requiresArg: true, describe: "failback window start, cron style 'minute hour dom month dow' (e.g. '0 2 * * 6'); overrides the vars" })
      .option('restore-length', { type: 'string', requiresArg: true, describe: 'failback window length in whole hours (e.g. 2h)' })
      .option('format', { choices: CIB_FORMATS, default: 'xml' as const, describe: 'xml: whole CIB; configuration: for cibadmin --replace --scope configuration; pcs: a pcs -f script; corosync: corosync.conf' })
      .option('out', { type: 'string', requiresArg: true, describe: 'write to this file (atomically) instead of stdout' }) as never,
  handler: (a) => {
    const { text, result } = cibRender(a);
    if (a.out === undefined) {
      process.stdout.write(text);
      return;
    }
    // A plain password among the fence parameters: the file is the owner's only.
    const secret = Object.values(result.vars.fence.params).some((p) => Object.keys(p).some((k) => /pass/.test(k) && !/_script$/.test(k)));
    try {
      writeFileAtomic(a.out, text, secret ? 0o600 : 0o644);
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      throw new CliError(`cannot write ${a.out}: ${e.code ?? e.message}`, 1);
    }
  },
};

export const cibSubcommands: CommandModule<object, RenderArgs>[] = [renderCommand];

export const cibCommand: CommandModule<object, RenderArgs> = {
  command: 'cib <command>',
  describe: 'the two-node stack as CIB templates (render)',
  builder: (y) => {
    let out = y as Argv<object>;
    for (const c of cibSubcommands) out = out.command(c as CommandModule<object, object>);
    return out.demandCommand(1, 'name a cib command: render') as never;
  },
  handler: () => {},
};
