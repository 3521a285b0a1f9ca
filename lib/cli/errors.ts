/** An error a command reports to the operator: a message and an exit code, never a stack. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly reported: boolean;

  constructor(message: string, exitCode = 1, reported = false) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.reported = reported;
  }
}
