/**
 * Typed failures of an agent. A handler throws one (or returns a code); the runtime turns it
 * into the exit code and an `ocf-exit-reason:` line. Anything else thrown becomes
 * OCF_ERR_GENERIC with the message as the reason: never a stack trace.
 */
import { OCF, type OcfCode } from './codes.ts';

export class OcfError extends Error {
  readonly code: OcfCode;

  constructor(code: OcfCode, reason: string) {
    super(reason);
    this.name = 'OcfError';
    this.code = code;
  }
}

export const generic = (reason: string): OcfError => new OcfError(OCF.ERR_GENERIC, reason);
export const badArgs = (reason: string): OcfError => new OcfError(OCF.ERR_ARGS, reason);
export const unimplemented = (reason: string): OcfError => new OcfError(OCF.ERR_UNIMPLEMENTED, reason);
export const noPermission = (reason: string): OcfError => new OcfError(OCF.ERR_PERM, reason);
export const notInstalled = (reason: string): OcfError => new OcfError(OCF.ERR_INSTALLED, reason);
export const misconfigured = (reason: string): OcfError => new OcfError(OCF.ERR_CONFIGURED, reason);
export const notRunning = (reason: string): OcfError => new OcfError(OCF.NOT_RUNNING, reason);
export const failedPromoted = (reason: string): OcfError => new OcfError(OCF.FAILED_PROMOTED, reason);
