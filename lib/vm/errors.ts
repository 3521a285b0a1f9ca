/** An error of the VM lab: one line for the operator, never a stack. */
export class VmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VmError';
  }
}
