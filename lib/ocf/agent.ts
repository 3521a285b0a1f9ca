/**
 * An agent declared as data: its parameters and actions, plus the handlers that implement
 * them. The runtime (run.ts) reads the environment, validates, dispatches and reports; the
 * meta-data renderer (metadata.ts) turns the same declaration into XML.
 */
import type { OcfContext } from './context.ts';
import type { OcfCode } from './codes.ts';

export type ParameterType = 'string' | 'integer' | 'boolean' | 'time';

export interface ParameterSpec {
  type: ParameterType;
  shortdesc: string;
  longdesc: string;
  required?: boolean;
  /** Must differ between every instance of the agent in the cluster. */
  unique?: boolean;
  /** May change without a restart (rendered as OCF 1.1 `reloadable`; needs a reload-agent handler). */
  reloadable?: boolean;
  /** Default in OCF notation (e.g. "30s", "true", "5"), as shown in meta-data. */
  default?: string;
}

export type ParameterSpecs = Record<string, ParameterSpec>;

type ValueOf<T extends ParameterType> = T extends 'integer' | 'time' ? number : T extends 'boolean' ? boolean : string;

/** The typed parameter object an agent's handlers receive: durations in ms. */
export type Params<S extends ParameterSpecs> = {
  [K in keyof S]: S[K]['required'] extends true
    ? ValueOf<S[K]['type']>
    : S[K]['default'] extends string
      ? ValueOf<S[K]['type']>
      : ValueOf<S[K]['type']> | undefined;
};

/** What a handler returns: a code, or a code with an exit reason. */
export type Outcome = OcfCode | { code: OcfCode; reason?: string };

export type Handler<S extends ParameterSpecs> = (ctx: OcfContext<Params<S>>) => Outcome | Promise<Outcome>;

export type Role = 'Promoted' | 'Unpromoted';

/** One `<action>` line of meta-data (monitor may have several, one per role). */
export interface ActionAdvert {
  /** Seconds. */
  timeout: number;
  /** Seconds; only for recurring actions. */
  interval?: number;
  depth?: number;
  role?: Role;
  startDelay?: number;
}

export interface ActionSpec<S extends ParameterSpecs> extends ActionAdvert {
  run: Handler<S>;
  /** Further meta-data lines for the same action (e.g. monitor for the Promoted role). */
  also?: ActionAdvert[];
}

export type ActionName =
  | 'start'
  | 'stop'
  | 'monitor'
  | 'promote'
  | 'demote'
  | 'notify'
  | 'reload'
  | 'reload-agent'
  | 'migrate_to'
  | 'migrate_from';

export interface AgentSpec<S extends ParameterSpecs> {
  /** The agent type, as in `ocf:ocfkit:<name>`. */
  name: string;
  /** The agent's own version. */
  version: string;
  shortdesc: string;
  longdesc: string;
  parameters: S;
  actions: { start: ActionSpec<S>; stop: ActionSpec<S>; monitor: ActionSpec<S> } & Partial<Record<ActionName, ActionSpec<S>>>;
  /**
   * Checks beyond parameter types, run before every action but meta-data. Throw an OcfError
   * (misconfigured / notInstalled / …). `ctx.checkLevel` is OCF_CHECK_LEVEL (0 or 10).
   */
  validate?: (ctx: OcfContext<Params<S>>) => void | Promise<void>;
  /** validate-all's advertised timeout in seconds (default 20). */
  validateTimeout?: number;
  /**
   * Actions that take the resource instance's lock in $HA_RSCTMP, so that no two of them run
   * at once on a node (Pacemaker beside an operator's crm_resource --force-*).
   */
  exclusive?: readonly ActionName[];
}

/** Identity function that keeps the literal types of the parameter declaration. */
export function defineAgent<const S extends ParameterSpecs>(spec: AgentSpec<S>): AgentSpec<S> {
  return spec;
}
