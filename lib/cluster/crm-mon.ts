/**
 * crm_mon XML into `ClusterStatus`: `crm_mon --output-as=xml` (`<pacemaker-result>`, Pacemaker
 * 2.0+) and the legacy `crm_mon --as-xml` / `-X` (`<crm_mon>`, Pacemaker 1.1-3.0). Pure: text in,
 * typed object out; typed `ClusterParseError`s, oddities as warnings on the result.
 */
import type { XmlElement } from '../xml/parse-xml.ts';
import type { ClusterStatus } from './model.ts';
import { bool, parseBoolean, parseInteger } from './normalize.ts';
import { XmlContext, clip, setOwn } from './xml-context.ts';
import { crmMonPrune } from './prune.ts';
import type { ParserInput } from './input.ts';
import { nestedInstances, parseResources } from './crm-mon-resources.ts';
import { parseBans, parseFailures, parseNodeAttributes, parseNodeHistory, parseNodes, parseTickets } from './crm-mon-nodes.ts';

export function parseCrmMonXml(input: ParserInput): ClusterStatus {
  const ctx = new XmlContext('crm_mon-xml');
  const root = ctx.parse(input, crmMonPrune);
  if (root.name !== 'pacemaker-result' && root.name !== 'crm_mon') {
    throw ctx.error(root, `root element <${clip(root.name)}> is neither <pacemaker-result> nor <crm_mon>`);
  }
  const status: ClusterStatus = {
    source: 'crm_mon-xml',
    format: root.name,
    version: root.attrs['api-version'] ?? root.attrs.version ?? null,
    stack: null,
    dc: null,
    dcId: null,
    dcVersion: null,
    quorum: false,
    lastUpdate: null,
    lastChange: null,
    nodesConfigured: null,
    resourcesConfigured: null,
    resourcesDisabled: null,
    resourcesBlocked: null,
    maintenanceMode: false,
    stonithEnabled: null,
    symmetricCluster: null,
    noQuorumPolicy: null,
    stopAllResources: null,
    clusterOptions: {},
    pacemakerdState: null,
    nodes: [],
    collections: [],
    instances: [],
    nodeAttributes: {},
    promotionScores: {},
    history: [],
    failures: [],
    bans: [],
    tickets: [],
    result: null,
    warnings: [],
  };
  let nested: XmlElement[] = [];
  let sawResources = false;
  for (const el of root.children) {
    switch (el.name) {
      case 'summary':
        summary(ctx, el, status);
        break;
      case 'pacemakerd':
        status.pacemakerdState = el.attrs.state ?? null;
        break;
      case 'nodes': {
        const n = parseNodes(ctx, el);
        status.nodes = n.nodes;
        nested = n.nested;
        break;
      }
      case 'resources': {
        sawResources = true;
        const r = parseResources(ctx, el);
        status.collections = r.collections;
        status.instances = r.instances;
        break;
      }
      case 'node_attributes':
        parseNodeAttributes(ctx, el, status);
        break;
      case 'node_history':
        status.history = parseNodeHistory(ctx, el);
        break;
      case 'failures':
        status.failures = parseFailures(ctx, el);
        break;
      case 'bans':
        status.bans = parseBans(ctx, el);
        break;
      case 'tickets':
        status.tickets = parseTickets(ctx, el);
        break;
      case 'status':
        status.result = { code: parseInteger(el.attrs.code), message: el.attrs.message ?? null };
        break;
      case 'fence_history':
      case 'fence_event':
        break;
      default:
        ctx.unknownElement(el, `<${root.name}>`);
    }
  }
  if (!sawResources && nested.length > 0) status.instances = nestedInstances(ctx, nested);
  if (status.dc !== null && status.nodes.length > 0 && !status.nodes.some((n) => n.isDc)) {
    for (const n of status.nodes) if (n.name === status.dc) n.isDc = true;
  }
  status.warnings = ctx.finish();
  return status;
}

function summary(ctx: XmlContext, el: XmlElement, status: ClusterStatus): void {
  for (const s of el.children) {
    const a = s.attrs;
    switch (s.name) {
      case 'stack':
        status.stack = a.type ?? null;
        break;
      case 'current_dc':
        if (bool(a.present)) {
          status.dc = a.name ?? null;
          status.dcId = a.id ?? null;
          status.dcVersion = a.version ?? null;
        }
        status.quorum = bool(a.with_quorum);
        break;
      case 'last_update':
        status.lastUpdate = a.time ?? null;
        break;
      case 'last_change':
        status.lastChange = {
          time: a.time || null,
          user: a.user || null,
          client: a.client || null,
          origin: a.origin || null,
        };
        break;
      case 'nodes_configured':
        status.nodesConfigured = parseInteger(a.number);
        break;
      case 'resources_configured':
        status.resourcesConfigured = parseInteger(a.number);
        status.resourcesDisabled = parseInteger(a.disabled);
        status.resourcesBlocked = parseInteger(a.blocked);
        break;
      case 'cluster_options':
        for (const k in a) setOwn(status.clusterOptions, k, a[k]!);
        status.maintenanceMode = bool(a['maintenance-mode']);
        status.stonithEnabled = parseBoolean(a['stonith-enabled']);
        status.symmetricCluster = parseBoolean(a['symmetric-cluster']);
        status.noQuorumPolicy = a['no-quorum-policy'] ?? null;
        status.stopAllResources = parseBoolean(a['stop-all-resources']);
        break;
      default:
        ctx.unknownElement(s, '<summary>');
    }
  }
}
