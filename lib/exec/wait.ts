/** Waiting: one sleep, and one polling loop bounded by a deadline. */
import type { Deadline } from './deadline.ts';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ask `probe` until it answers (anything but undefined, null or false) or the deadline passes.
 * It is asked at least once, and once more right at the deadline. Returns the answer, or
 * undefined when the deadline came first.
 */
export async function pollUntil<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  deadline: Deadline,
  stepMs = 100,
): Promise<T | undefined> {
  for (;;) {
    const answer = await probe();
    if (answer !== undefined && answer !== null && answer !== false) return answer;
    const left = deadline.remaining();
    if (left <= 0) return undefined;
    await sleep(Math.min(stepMs, left));
  }
}
