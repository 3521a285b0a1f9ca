/**
 * One executable for every agent: the agent is chosen by the name it was invoked as
 * (`/usr/lib/ocf/resource.d/ocfkit/services` → services). The build links each agent name to
 * this one binary, so a Node single executable (~100 MB) is shipped once, not per agent.
 */
import { basename } from 'node:path';
import type { AgentSpec, ParameterSpecs } from './agent.ts';
import { OCF } from './codes.ts';
import { runMain } from './main.ts';

/**
 * Each agent's module, loaded only when it is the one invoked: an OCF agent (its default export,
 * run by the OCF runtime) or a program that is no OCF agent (the alert agent: its own `main`).
 */
export type AgentLoaders = Record<string, () => Promise<{ default: AgentSpec<ParameterSpecs> } | { main: (argv: readonly string[]) => void }>>;

export function runMulticall(agents: AgentLoaders, argv: readonly string[] = process.argv): void {
  const name = basename(argv[1] ?? '');
  const load = Object.hasOwn(agents, name) ? agents[name] : undefined;
  if (!load) {
    process.stderr.write(`ocfkit agents: invoked as '${name}'; call me through one of: ${Object.keys(agents).join(', ')}\n`);
    process.exit(OCF.ERR_UNIMPLEMENTED);
  }
  load()
    .then((module) => ('main' in module ? module.main(argv.slice(2)) : runMain(module.default, argv.slice(2))))
    .catch(() => process.exit(OCF.ERR_GENERIC));
}
