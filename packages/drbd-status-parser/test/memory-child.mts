// Child of memory.test.ts: parses the document in the file named by argv[2] (none: the
// baseline, same process without a document) and prints its peak resident memory (VmHWM).
import { readFileSync } from 'node:fs';
import { parse } from '../src/index.ts';

const hwm = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const file = process.argv[2];
let outcome = 'baseline';
if (file) {
  const text = readFileSync(file, 'latin1');
  try {
    const doc = parse(text);
    outcome = `${doc.resources.length} resources`;
  } catch (e) {
    outcome = (e as Error).message.slice(0, 100);
  }
}
process.stdout.write(JSON.stringify({ hwm: hwm(), outcome }));
