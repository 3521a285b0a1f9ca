/**
 * The typed model of a CIB (`cibadmin --query`): configuration and status. Same vocabulary as
 * model.ts: roles normalised, agents `class:provider:type`, durations in ms, booleans as
 * booleans; raw values stay reachable (`values`, `extra`, `attrs`).
 */
import type { ParseWarning } from './errors.ts';
import type { Role } from './normalize.ts';

/** A rule expression or date spec, kept generically: its element name and attributes. */
export interface RuleExpression {
  kind: string;
  attrs: Record<string, string>;
  children: RuleExpression[];
}

export interface Rule {
  id: string | null;
  score: number | null;
  scoreAttribute: string | null;
  booleanOp: 'and' | 'or';
  role: Role | null;
  expressions: RuleExpression[];
  rules: Rule[];
}

/** A name/value block: instance_attributes, meta_attributes, utilization, cluster_property_set. */
export interface NvSet {
  kind: string;
  id: string | null;
  score: number | null;
  rule: Rule | null;
  /** name → value (a `value`-less nvpair maps to ''). */
  values: Record<string, string>;
  /** `id-ref` of a set reused from elsewhere, or null. */
  idRef: string | null;
}

export interface CibOp {
  id: string | null;
  name: string;
  intervalMs: number;
  timeoutMs: number | null;
  role: Role | null;
  onFail: string | null;
  enabled: boolean | null;
  extra: Record<string, string>;
  meta: Record<string, string>;
}

interface ResourceBase {
  id: string;
  description: string | null;
  /** Merged meta_attributes (first value wins, as Pacemaker reads unconditional sets). */
  meta: Record<string, string>;
  /** `target-role` from meta, normalised (case-insensitive). */
  targetRole: Role | null;
  /** `is-managed` from meta, or null when not set here. */
  managed: boolean | null;
  metaSets: NvSet[];
  extra: Record<string, string>;
}

export interface CibPrimitive extends ResourceBase {
  kind: 'primitive';
  agent: string;
  class: string | null;
  provider: string | null;
  type: string | null;
  /** `template` reference, or null. */
  template: string | null;
  params: Record<string, string>;
  instanceSets: NvSet[];
  utilization: Record<string, string>;
  ops: CibOp[];
}

export interface CibGroup extends ResourceBase {
  kind: 'group';
  children: CibPrimitive[];
}

export interface CibClone extends ResourceBase {
  kind: 'clone';
  /** meta `promotable=true`, or a legacy `<master>` element. */
  promotable: boolean;
  legacyMaster: boolean;
  child: CibPrimitive | CibGroup | null;
}

export interface CibBundle extends ResourceBase {
  kind: 'bundle';
  containerType: string | null;
  /** Container element attributes (image, replicas, …). */
  container: Record<string, string>;
  image: string | null;
  replicas: number | null;
  network: Record<string, string> | null;
  portMappings: Record<string, string>[];
  storageMappings: Record<string, string>[];
  primitive: CibPrimitive | null;
}

export type CibResource = CibPrimitive | CibGroup | CibClone | CibBundle;

export interface ResourceSet {
  id: string | null;
  idRef: string | null;
  sequential: boolean | null;
  requireAll: boolean | null;
  ordering: string | null;
  action: string | null;
  role: Role | null;
  score: number | null;
  resources: string[];
}

export interface LocationConstraint {
  kind: 'location';
  id: string;
  resource: string | null;
  resourcePattern: string | null;
  node: string | null;
  score: number | null;
  role: Role | null;
  rules: Rule[];
  sets: ResourceSet[];
  extra: Record<string, string>;
}

export interface ColocationConstraint {
  kind: 'colocation';
  id: string;
  resource: string | null;
  withResource: string | null;
  resourceRole: Role | null;
  withResourceRole: Role | null;
  score: number | null;
  sets: ResourceSet[];
  extra: Record<string, string>;
}

export interface OrderConstraint {
  kind: 'order';
  id: string;
  first: string | null;
  then: string | null;
  firstAction: string | null;
  thenAction: string | null;
  orderKind: string | null;
  symmetrical: boolean | null;
  score: number | null;
  sets: ResourceSet[];
  extra: Record<string, string>;
}

export interface TicketConstraint {
  kind: 'ticket';
  id: string;
  ticket: string;
  resource: string | null;
  resourceRole: Role | null;
  lossPolicy: string | null;
  sets: ResourceSet[];
  extra: Record<string, string>;
}

export interface CibConstraints {
  location: LocationConstraint[];
  colocation: ColocationConstraint[];
  order: OrderConstraint[];
  ticket: TicketConstraint[];
}

export interface CibNode {
  id: string;
  uname: string;
  type: string | null;
  attributes: Record<string, string>;
  utilization: Record<string, string>;
  instanceSets: NvSet[];
}

export interface AlertRecipient {
  id: string;
  value: string;
  meta: Record<string, string>;
  params: Record<string, string>;
}

export interface Alert {
  id: string;
  path: string;
  description: string | null;
  meta: Record<string, string>;
  params: Record<string, string>;
  /** Selected kinds: nodes, fencing, resources, attributes (empty = all). */
  select: string[];
  /** For `select_attributes`: the attribute names (empty = all attributes). */
  selectAttributes: string[];
  recipients: AlertRecipient[];
}

export interface LrmOp {
  id: string;
  operationKey: string | null;
  operation: string;
  callId: number | null;
  rcCode: number | null;
  opStatus: number | null;
  intervalMs: number;
  /** Seconds since the epoch, as the CIB stores it. */
  lastRcChange: number | null;
  execTimeMs: number | null;
  queueTimeMs: number | null;
  exitReason: string | null;
  onNode: string | null;
  transitionKey: string | null;
  extra: Record<string, string>;
}

export interface LrmResource {
  id: string;
  agent: string;
  ops: LrmOp[];
}

export interface NodeState {
  id: string;
  uname: string | null;
  /** `in_ccm` (true/false in 2.1; a timestamp in later versions counts as true). */
  inCcm: boolean;
  /** `crmd` online (also a timestamp in later versions). */
  crmdOnline: boolean;
  join: string | null;
  expected: string | null;
  remoteNode: boolean;
  transientAttributes: Record<string, string>;
  resources: LrmResource[];
  extra: Record<string, string>;
}

export interface Cib {
  source: 'cib-xml';
  epoch: number | null;
  numUpdates: number | null;
  adminEpoch: number | null;
  validateWith: string | null;
  crmFeatureSet: string | null;
  haveQuorum: boolean | null;
  dcUuid: string | null;
  lastWritten: string | null;
  /** Every `<cib>` attribute, raw. */
  attrs: Record<string, string>;
  configuration: {
    /** crm_config properties merged (first set wins), e.g. `stonith-enabled`. */
    properties: Record<string, string>;
    propertySets: NvSet[];
    maintenanceMode: boolean;
    stonithEnabled: boolean;
    nodes: CibNode[];
    resources: CibResource[];
    constraints: CibConstraints;
    rscDefaults: NvSet[];
    opDefaults: NvSet[];
    alerts: Alert[];
    /** tag id → referenced ids. */
    tags: Record<string, string[]>;
  };
  status: NodeState[];
  warnings: ParseWarning[];
}
