/** The example's scheduled job: every `everyMs`, one line appended to a file (the "OSC job" that must never run on the standby). */
import { appendFile } from 'node:fs/promises';

export interface Scheduler {
  readonly runs: number;
  stop(): Promise<void>;
}

export function startScheduler(file: string, everyMs: number, node: string, onRun: (n: number) => void = () => {}): Scheduler {
  let runs = 0;
  let current: Promise<void> = Promise.resolve();
  const tick = (): void => {
    runs++;
    const n = runs;
    current = appendFile(file, `${new Date().toISOString()} ${node} run ${n}\n`).then(() => onRun(n));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    get runs() {
      return runs;
    },
    async stop() {
      clearInterval(timer);
      await current.catch(() => {});
    },
  };
}
