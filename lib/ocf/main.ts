/** The process shim: run an agent with the real argv/environment and exit with its code. */
import type { AgentSpec, ParameterSpecs } from './agent.ts';
import { OCF } from './codes.ts';
import { runAgent } from './run.ts';

export function runMain<S extends ParameterSpecs>(spec: AgentSpec<S>, argv: readonly string[] = process.argv.slice(2)): void {
  runAgent(spec, { argv, env: process.env, startedAt: 0 /* process start, on the monotonic clock */ })
    .then((code) => process.exit(code))
    .catch(() => process.exit(OCF.ERR_GENERIC));
}
