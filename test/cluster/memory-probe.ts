/**
 * Child process for memory.test.ts: parses one file with one parser and prints, as JSON, the
 * resident memory the parse added at its peak. The peak (VmHWM) is reset after the modules are
 * loaded and warmed up and the file is read, so the figure is the parse's own: decoding the
 * bytes, the XML tree, the model, and the garbage made on the way. The result is kept alive
 * until the peak is read. Usage: node --import tsx memory-probe.ts crm-mon|cib|pcs-status <file>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseCrmMonXml } from '../../lib/cluster/crm-mon.ts';
import { parseCibXml } from '../../lib/cluster/cib.ts';
import { parsePcsStatus } from '../../lib/cluster/pcs-status.ts';

const PARSERS: Record<string, (input: never) => unknown> = { 'crm-mon': parseCrmMonXml, cib: parseCibXml, 'pcs-status': parsePcsStatus };

function status(field: string): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
}

const [kind, file] = process.argv.slice(2) as [string, string];
const parse = PARSERS[kind]!;
const small: Record<string, string> = {
  'crm-mon': '<pacemaker-result><nodes><node name="a" id="1"/></nodes></pacemaker-result>',
  cib: '<cib><configuration><nodes><node id="1" uname="a"/></nodes></configuration></cib>',
  'pcs-status': 'Cluster name: x\nOnline: [ a ]\n',
};
const asString = process.env.PROBE_STRING === '1';
for (let i = 0; i < 200; i++) parse((asString ? small[kind]! : Buffer.from(small[kind]!)) as never);
const bytes = readFileSync(file);
const input = asString ? bytes.toString('utf8') : bytes;
(globalThis as { gc?: () => void }).gc?.();
writeFileSync('/proc/self/clear_refs', '5');
const base = status('VmRSS');
let result: unknown;
let error: string | null = null;
try {
  result = parse(input as never);
} catch (e) {
  error = (e as Error).message.slice(0, 200);
}
const peak = status('VmHWM');
process.stdout.write(JSON.stringify({ bytes: bytes.length, added: peak - base, ratio: (peak - base) / bytes.length, error, kept: result !== undefined }) + '\n');
