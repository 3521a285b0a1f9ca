/** Every file of drbd-public parses, with a snapshot of its model. */
import t from 'tap';
import { join } from 'node:path';
import { parse, withFacts, type Format } from '../src/index.ts';
import { clitestOutputs, FIXTURES, golden, read, rel, walk } from './helpers.ts';

const snap = golden('fixtures-public');
t.teardown(() => snap.save());

const FORMAT_OF_DIR: Record<string, Format> = {
  proc: 'proc-drbd',
  'drbdadm-status': 'status-text',
  'status-verbose': 'status-text',
  'status-json': 'status-json',
  events2: 'events2',
};

const files = walk(join(FIXTURES, 'drbd-public'));
t.equal(files.length, 19, 'all public fixtures are here');

for (const f of files) {
  const name = rel(f);
  const expected = FORMAT_OF_DIR[name.split('/')[1]!]!;
  t.test(name, async (t) => {
    const texts = name.endsWith('INSTRUMENTED.txt')
      ? clitestOutputs(read(f)).map((p) => p.output)
      : [read(f)];
    for (const [i, text] of texts.entries()) {
      const doc = parse(text);
      t.equal(doc.format, expected);
      t.ok(doc.resources.length > 0, 'has resources');
      const nanFile = name.includes('NaN-invalid-json');
      t.equal(doc.warnings.length, nanFile ? 1 : 0, nanFile ? 'one warning for the nan' : 'no warnings');
      snap.check(t, texts.length > 1 ? `${name}#${i}` : name, withFacts(doc));
    }
  });
}
