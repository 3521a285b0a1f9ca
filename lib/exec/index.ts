export { run, bindRunner, describe, outcome } from './run.ts';
export type { ExecOptions, ExecResult, Runner } from './run.ts';
export { Deadline, operationDeadline, safetyMargin, systemClock } from './deadline.ts';
export type { Clock } from './deadline.ts';
export { signalGroup, sleep } from './signal.ts';
