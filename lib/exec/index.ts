export { run, bindRunner, describe, outcome, killSchedule } from './run.ts';
export type { ExecOptions, ExecResult, Runner } from './run.ts';
export { Deadline, operationDeadline, safetyMargin, systemClock } from './deadline.ts';
export type { Clock } from './deadline.ts';
export { signalGroup, signalProcess } from './signal.ts';
export { sleep, pollUntil } from './wait.ts';
export { procStat, identityOf, sameProcess, groupMembers } from './proc.ts';
export type { ProcessIdentity } from './proc.ts';
export { spawnDetached } from './spawn.ts';
