export { OCF, codeName, type OcfCode } from './codes.ts';
export { OcfError, generic, badArgs, unimplemented, noPermission, notInstalled, misconfigured, notRunning, failedPromoted } from './errors.ts';
export { defineAgent } from './agent.ts';
export type { AgentSpec, ActionSpec, ParameterSpec, ParameterSpecs, Params, Outcome, Handler, Role } from './agent.ts';
export type { OcfContext, MetaInfo } from './context.ts';
export type { NotifyInfo, NotifyEntry } from './notify.ts';
export { renderMetadata } from './metadata.ts';
export { runAgent } from './run.ts';
