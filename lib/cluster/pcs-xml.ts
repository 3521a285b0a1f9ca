/**
 * `pcs status xml`: pcs prints crm_mon's XML (`crm_mon --one-shot --inactive --output-as xml`).
 * It is read by the crm_mon parser; the PcsStatus fields are copied from that model, which is
 * kept whole in `crmMon` (history, bans, cluster options, target roles: more than any text form).
 */
import { parseCrmMonXml } from './crm-mon.ts';
import { ClusterParseError } from './errors.ts';
import type { ParserInput } from './input.ts';
import type { MigrationEntry, PcsStatus } from './pcs-model.ts';

/** Errors are the crm_mon parser's, re-sourced: `pcs-status: crm_mon XML: <reason> (at <path>, line <n>)`. */
export function fillFromXml(source: ParserInput, s: PcsStatus): void {
  let x: ReturnType<typeof parseCrmMonXml>;
  try {
    x = parseCrmMonXml(source);
  } catch (e) {
    if (!(e instanceof ClusterParseError)) throw e;
    throw new ClusterParseError('pcs-status', `crm_mon XML (pcs status xml): ${e.reason}`, { path: e.path, line: e.line });
  }
  s.crmMon = x;
  s.stack = x.stack;
  s.dc = x.dc;
  s.dcId = x.dcId;
  s.dcVersion = x.dcVersion;
  s.quorum = x.quorum;
  s.lastUpdate = x.lastUpdate;
  const c = x.lastChange;
  s.lastChange = c?.time ? [c.time, c.user && `by ${c.user}`, c.client && `via ${c.client}`, c.origin && `on ${c.origin}`].filter(Boolean).join(' ') : null;
  s.nodesConfigured = x.nodesConfigured;
  s.resourcesConfigured = x.resourcesConfigured;
  s.resourcesDisabled = x.resourcesDisabled;
  s.resourcesBlocked = x.resourcesBlocked;
  s.maintenanceMode = x.maintenanceMode;
  s.pacemakerdState = x.pacemakerdState;
  s.nodes = x.nodes;
  s.collections = x.collections;
  s.instances = x.instances;
  s.nodeAttributes = x.nodeAttributes;
  s.promotionScores = x.promotionScores;
  s.failures = x.failures;
  s.tickets = x.tickets;
  s.migrationSummary = x.history
    .filter((h) => h.failCount !== null || h.migrationThreshold !== null)
    .map((h): MigrationEntry => ({ node: h.node, resource: h.resource, migrationThreshold: h.migrationThreshold, failCount: h.failCount, lastFailure: h.lastFailure, values: {} }));
  s.warnings = x.warnings;
}
