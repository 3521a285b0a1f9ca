/** `npm run bench`: every benchmark of ocfkit, printed as Markdown for the README. */
import { runMemoryShape } from './memory-shape.ts';
import { runStartupBench } from './startup.ts';

const sections: [string, () => Promise<string>][] = [
  ['Agent start-up', () => runStartupBench()],
  ['Memory of the two executable forms', () => runMemoryShape()],
];

const only = process.argv.slice(2);
for (const [title, run] of sections) {
  if (only.length > 0 && !only.some((o) => title.toLowerCase().includes(o.toLowerCase()))) continue;
  console.log(`\n## ${title}\n`);
  console.log(await run());
}
