/**
 * `pcs status` text into `PcsStatus`: pcs 0.10/0.11 over Pacemaker 2.x (`pcs status`,
 * `--full`, `pcs status resources`, `pcs resource status`) and the pcs 0.9 / Pacemaker 1.1
 * layout (`Master/Slave Set`, `ocf::p:t`, no bullets). Text holds less than XML: `limits` and
 * `unknown` say what could not be known. Pure; typed errors only for input that is not status
 * text at all; anything odd inside is a warning with its line number.
 */
import { ClusterParseError, WarningList } from './errors.ts';
import { decodeInput, type ParserInput } from './input.ts';
import type { NodeStatus } from './model.ts';
import type { PcsLimits, PcsStatus } from './pcs-model.ts';
import { parseResourceLines, type TextLine } from './pcs-resources.ts';
import {
  attributeLines, colonLines, failureLines, migrationLines, nodeLine, summaryLine, ticketLines,
} from './pcs-sections.ts';

type Section =
  | 'top' | 'warnings' | 'summary' | 'nodes' | 'resources' | 'attributes' | 'migration' | 'failures' | 'tickets'
  | 'pcsd' | 'daemons' | 'skip';

const HEADERS: Record<string, Section> = Object.assign(Object.create(null), {
  'WARNINGS:': 'warnings',
  'Cluster Summary:': 'summary',
  'Node List:': 'nodes',
  'Full List of Resources:': 'resources',
  'Full list of resources:': 'resources',
  'Active Resources:': 'resources',
  'Inactive Resources:': 'resources',
  'Active resources:': 'resources',
  'Inactive resources:': 'resources',
  'Current cluster status:': 'top',
  'Node Attributes:': 'attributes',
  'Migration Summary:': 'migration',
  'Failed Resource Actions:': 'failures',
  'Failed Actions:': 'failures',
  'Tickets:': 'tickets',
  'PCSD Status:': 'pcsd',
  'Daemon Status:': 'daemons',
  'Fencing History:': 'skip',
  'Failed Fencing Actions:': 'skip',
  'Pending Fencing Actions:': 'skip',
  'Operations:': 'skip',
});

const STATUS_MARKERS = /^(Current cluster status:|Cluster name:|Cluster Summary:|Stack:|Current DC:|Node List:|Online:|Full [Ll]ist of [Rr]esources:|WARNINGS:|Warning:|Status of pacemakerd:)/;

/**
 * Lines without trailing white space, their indentation (spaces and tabs) and bullet removed;
 * `starred` when some indented line is a `* ` bullet (the pcs 0.10+ layout). One pass.
 */
function toLines(input: string): { lines: TextLine[]; starred: boolean } {
  const lines: TextLine[] = [];
  let starred = false;
  let n = 0;
  for (let start = 0; start <= input.length; n++) {
    let end = input.indexOf('\n', start);
    if (end === -1) end = input.length;
    const raw = input.slice(start, end);
    start = end + 1;
    const trimmed = raw.trimEnd();
    let indent = 0;
    for (let c = trimmed.charCodeAt(0); c === 32 || c === 9; c = trimmed.charCodeAt(++indent));
    let text = trimmed.slice(indent);
    if (!starred && indent > 0 && /^\s*\* /.test(raw)) starred = true;
    if ((text.charCodeAt(0) === 42 || text.charCodeAt(0) === 43) && text.charCodeAt(1) === 32) text = text.slice(2);
    lines.push({ line: n + 1, indent, text });
    if (end === input.length) break;
  }
  return { lines, starred };
}

export function parsePcsStatus(source: ParserInput): PcsStatus {
  const input = decodeInput('pcs-status', source);
  if (input.trim() === '') throw new ClusterParseError('pcs-status', 'empty input', { line: 1 });
  const { lines, starred } = toLines(input);
  const warnings = new WarningList('pcs-status');
  const byName = new Map<string, NodeStatus>();
  const layout = starred ? 'pcs0.11' : 'pcs0.9';
  const kind = lines.some((l) => l.indent === 0 && STATUS_MARKERS.test(l.text)) ? 'status' : 'resources';
  const s: PcsStatus = {
    source: 'pcs-status', layout, kind, clusterName: null, pcsWarnings: [], stack: null, dc: null, dcId: null,
    dcVersion: null, quorum: null, lastUpdate: null, lastChange: null, nodesConfigured: null, resourcesConfigured: null,
    resourcesDisabled: null, resourcesBlocked: null, maintenanceMode: null, pacemakerdState: null, nodes: [],
    collections: [], instances: [], nodeAttributes: {}, promotionScores: {}, migrationSummary: [], failures: [],
    tickets: [], pcsdStatus: {}, daemonStatus: {}, limits: undefined as unknown as PcsLimits, unknown: [], warnings: [],
  };
  const bySection: Record<Section, TextLine[]> = {
    top: [], warnings: [], summary: [], nodes: [], resources: [], attributes: [], migration: [], failures: [],
    tickets: [], pcsd: [], daemons: [], skip: [],
  };
  const seen = new Set<Section>();
  let section: Section = kind === 'resources' ? 'resources' : 'top';
  for (const l of lines) {
    if (kind === 'status' && l.indent === 0 && l.text in HEADERS) {
      section = HEADERS[l.text]!;
      seen.add(section);
      continue;
    }
    if (l.text === '') {
      if (section === 'warnings') section = 'top';
      continue;
    }
    // pcs 0.9 / crm_simulate: indented resource lines may follow the node list directly.
    if (section === 'top' && l.indent > 0) bySection.resources.push(l);
    else bySection[section].push(l);
  }

  let recognised = 0;
  for (const l of bySection.top) {
    let m: RegExpExecArray | null;
    if ((m = /^Cluster name: (.*)$/.exec(l.text))) s.clusterName = m[1]!.trim();
    else if ((m = /^Warning: (.*)$/i.exec(l.text))) s.pcsWarnings.push(m[1]!);
    else if (summaryLine(l.text, s)) seen.add('summary');
    else if (nodeLine(l, s, byName)) seen.add('nodes');
    else {
      warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised line "${l.text.slice(0, 80)}"` });
      continue;
    }
    recognised++;
  }
  for (const l of bySection.warnings) s.pcsWarnings.push(l.text);
  for (const l of bySection.summary) {
    if (summaryLine(l.text, s)) recognised++;
    else warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised summary line "${l.text.slice(0, 80)}"` });
  }
  for (const l of bySection.nodes) {
    if (nodeLine(l, s, byName)) recognised++;
    else warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised node line "${l.text.slice(0, 80)}"` });
  }
  const resources = parseResourceLines(bySection.resources, warnings);
  s.collections = resources.collections;
  s.instances = resources.instances;
  recognised += s.instances.length + s.collections.length;
  attributeLines(bySection.attributes, s, warnings);
  s.migrationSummary = migrationLines(bySection.migration, warnings);
  s.failures = failureLines(bySection.failures, warnings);
  s.tickets = ticketLines(bySection.tickets, warnings);
  colonLines(bySection.pcsd, s.pcsdStatus);
  colonLines(bySection.daemons, s.daemonStatus);
  recognised += s.failures.length + Object.keys(s.nodeAttributes).length;

  const nonBlank = lines.find((l) => l.text !== '');
  if (recognised === 0 && s.clusterName === null && !bySection.resources.some((l) => /^No (active )?resources$|^NO resources configured$/i.test(l.text))) {
    throw new ClusterParseError('pcs-status', 'no pcs status content recognised', { line: nonBlank?.line ?? 1 });
  }

  const knowsSummary = s.dc !== null || s.quorum !== null;
  if (knowsSummary && s.maintenanceMode === null) s.maintenanceMode = false;
  if (s.dc !== null) for (const n of s.nodes) n.isDc = n.name === s.dc;
  const knowsNodes = seen.has('nodes') || s.nodes.length > 0;
  const knowsNodeIds = s.nodes.length > 0 && s.nodes.every((n) => n.id !== null || n.type !== 'member');
  s.limits = {
    knowsNodes,
    knowsNodeIds,
    knowsNodeAttributes: seen.has('attributes'),
    knowsAllInstanceAgents: !resources.collapsed,
    knowsSummary,
    knowsFailures: kind === 'status',
    knowsFailureExitReason: kind === 'status',
    knowsTargetRoles: false,
    knowsOperationHistory: false,
    knowsBans: false,
    knowsClusterOptions: false,
    knowsStonithEnabled: false,
    knowsNodeHealthAndFeatureSet: knowsNodeIds,
  };
  s.unknown = unknownFields(s.limits);
  s.warnings = warnings.finish();
  return s;
}

function unknownFields(limits: PcsLimits): string[] {
  const out = [
    'history', 'bans', 'clusterOptions', 'stonithEnabled', 'symmetricCluster', 'noQuorumPolicy', 'stopAllResources',
    'instances[].targetRole (only "disabled" shows)', 'nodes[].expectedUp', 'nodes[].resourcesRunning', 'nodes[].health',
  ];
  if (!limits.knowsSummary) out.push('dc', 'quorum', 'maintenanceMode', 'stack', 'lastUpdate');
  if (!limits.knowsNodes) out.push('nodes');
  if (!limits.knowsNodeIds) out.push('nodes[].id', 'dcId');
  if (!limits.knowsNodeHealthAndFeatureSet) out.push('nodes[].featureSet');
  if (!limits.knowsNodeAttributes) out.push('nodeAttributes', 'promotionScores');
  if (!limits.knowsAllInstanceAgents) out.push('instances[].agent (collapsed clone members)');
  if (!limits.knowsFailures) out.push('failures');
  return out;
}
