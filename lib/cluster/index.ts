/** The cluster state library: pure parsers, the typed model, and thin live adapters. */
export { parseCrmMonXml } from './crm-mon.ts';
export { parseCibXml } from './cib.ts';
export { parsePcsStatus } from './pcs-status.ts';
export { ClusterParseError, MAX_INSTANCES, MAX_NODES, MAX_WARNINGS } from './errors.ts';
export type { ParseWarning, SourceKind } from './errors.ts';
export {
  normalizeRole, normalizeAgent, parseBoolean, parseDuration, parseScore, INFINITY_SCORE, splitOpKey,
} from './normalize.ts';
export type { Role } from './normalize.ts';
export type * from './model.ts';
export type * from './cib-model.ts';
export type * from './pcs-model.ts';
export { readCrmMon, readCib, readPcsStatus, CRM_EX_NOT_CONNECTED } from './live.ts';
export type { LiveResult, LiveOptions, PcsStatusForm } from './live.ts';
