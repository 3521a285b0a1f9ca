/**
 * `pcs status` output into `PcsStatus`: every form (`pcs status [--full|--hide-inactive]`,
 * `status resources`, `status nodes [both|corosync|config]`, `status cluster`, `status corosync`,
 * `status quorum`, `status pcsd`, `status xml`, and pcs's own `Error:` lines), pcs 0.10/0.11 over
 * Pacemaker 2.x and the pcs 0.9 / Pacemaker 1.1 layout (`Master/Slave Set`, `ocf::p:t`, no
 * bullets). The form is detected from the text (`kind`). Text holds less than XML: `limits` and
 * `unknown` say what could not be known. Pure; typed errors only for input that is no form at all
 * (or two forms glued together); anything odd inside is a warning with its line number.
 */
import { ClusterParseError, WarningList, clip } from './errors.ts';
import { decodeInput, type ParserInput } from './input.ts';
import type { NodeStatus } from './model.ts';
import type { PcsLimits, PcsStatus, PcsStatusKind } from './pcs-model.ts';
import { checkSingleForm, detectForm } from './pcs-forms.ts';
import { parseNodesForm } from './pcs-nodes.ts';
import { parseCorosyncForm } from './pcs-corosync.ts';
import { fillFromXml } from './pcs-xml.ts';
import { Lines, all, type Section } from './pcs-lines.ts';
import { pcsdEntry, statusForm } from './pcs-status-text.ts';

const STATUS_MARKERS = /^(Current cluster status:|Cluster name:|Cluster Summary:|Stack:|Current DC:|Node List:|Online:|Full [Ll]ist of [Rr]esources:|WARNINGS:|Warning:|Status of pacemakerd:)/;

export function parsePcsStatus(source: ParserInput): PcsStatus {
  const input = decodeInput('pcs-status', source);
  if (input.trim() === '') throw new ClusterParseError('pcs-status', 'empty input', { line: 1 });
  const lines = new Lines(input);
  const form = detectForm(lines);
  if (form === 'xml') return xmlForm(input);
  // `starred` when some indented line is a `* ` bullet (the pcs 0.10+ layout).
  let starred = false;
  let statusMarker = false;
  for (let i = 0; i < lines.count && !(starred && statusMarker); i++) {
    const raw = lines.raw(i);
    const c = raw.charCodeAt(0);
    if (c === 32 || c === 9) {
      if (!starred && /^\s*\* /.test(raw)) starred = true;
    } else if (!statusMarker && STATUS_MARKERS.test(lines.get(i).text)) statusMarker = true;
  }
  const kind: PcsStatusKind = form ?? (statusMarker ? 'status' : 'resources');
  checkSingleForm(lines, kind);
  const warnings = new WarningList('pcs-status');
  const byName = new Map<string, NodeStatus>();
  const s = blank(kind, starred ? 'pcs0.11' : 'pcs0.9');
  let recognised = 0;
  let nonBlank: number | null = null;
  let noResources = false;
  let collapsed = false;
  const seen = new Set<Section>();
  if (kind === 'nodes' || kind === 'corosync' || kind === 'quorum' || kind === 'pcsd' || kind === 'error') {
    recognised = simpleForm(kind, lines, s, warnings);
    // These forms print no layout marker: pcs 0.9 and 0.11 print them alike.
    s.layout = 'common';
  } else {
    ({ recognised, nonBlank, noResources, collapsed } = statusForm(kind, lines, s, warnings, byName, seen));
  }

  if (recognised === 0 && s.clusterName === null && !noResources) {
    throw new ClusterParseError('pcs-status', 'no pcs status content recognised', { line: nonBlank ?? firstNonBlank(lines) });
  }

  const summaryForm = kind === 'status' || kind === 'cluster';
  const knowsSummary = summaryForm && (s.dc !== null || s.quorum !== null);
  if (knowsSummary && s.maintenanceMode === null) s.maintenanceMode = false;
  if (s.dc !== null) for (const n of s.nodes) n.isDc = n.name === s.dc;
  const knowsNodes = kind === 'nodes' ? s.nodes.length > 0 || s.nodeLists?.pacemaker != null : seen.has('nodes') || s.nodes.length > 0;
  const knowsNodeIds = s.nodes.length > 0 && s.nodes.every((n) => n.id !== null || n.type !== 'member');
  const knowsResources = kind === 'status' || kind === 'resources';
  s.limits = {
    knowsNodes,
    knowsNodeIds,
    knowsNodeAttributes: seen.has('attributes'),
    knowsAllInstanceAgents: knowsResources && !collapsed,
    knowsSummary,
    knowsFailures: kind === 'status',
    knowsFailureExitReason: kind === 'status',
    knowsTargetRoles: false,
    knowsOperationHistory: false,
    knowsBans: false,
    knowsClusterOptions: false,
    knowsStonithEnabled: false,
    knowsNodeHealthAndFeatureSet: knowsNodeIds,
    knowsResources,
    knowsMembership: s.membership !== null,
    knowsVotequorum: s.quorumInfo !== null && s.quorumInfo.expectedVotes !== null,
  };
  s.unknown = unknownFields(s.limits, s);
  s.warnings = warnings.finish();
  return s;
}

function blank(kind: PcsStatusKind, layout: PcsStatus['layout']): PcsStatus {
  return {
    source: 'pcs-status', layout, kind, clusterName: null, pcsWarnings: [], stack: null,
    dc: null, dcId: null, dcVersion: null, quorum: null, lastUpdate: null, lastChange: null, nodesConfigured: null,
    resourcesConfigured: null, resourcesDisabled: null, resourcesBlocked: null, maintenanceMode: null, pacemakerdState: null,
    nodes: [], collections: [], instances: [], nodeAttributes: {}, promotionScores: {}, migrationSummary: [], failures: [],
    tickets: [], pcsdStatus: {}, daemonStatus: {}, nodeLists: null, membership: null, quorumInfo: null, crmMon: null,
    pcsErrors: [], limits: undefined as unknown as PcsLimits, unknown: [], warnings: [],
  };
}

/**
 * `pcs status xml`: crm_mon's XML, read by parseCrmMonXml (its typed errors name crm_mon-xml and
 * the element path). Everything but pcs's own additions is known; the whole model is `crmMon`.
 */
function xmlForm(input: string): PcsStatus {
  const s = blank('xml', 'common');
  fillFromXml(input, s);
  s.limits = {
    knowsNodes: true, knowsNodeIds: true, knowsNodeAttributes: true, knowsAllInstanceAgents: true, knowsSummary: true,
    knowsFailures: true, knowsFailureExitReason: true, knowsTargetRoles: false, knowsOperationHistory: false, knowsBans: false,
    knowsClusterOptions: false, knowsStonithEnabled: false, knowsNodeHealthAndFeatureSet: true, knowsResources: true,
    knowsMembership: false, knowsVotequorum: false,
  };
  // The crm_mon fields PcsStatus has no place for (history, bans, options, target roles) are in crmMon.
  s.unknown = ['clusterName', 'pcsdStatus', 'daemonStatus', 'membership', 'quorumInfo', 'nodeLists'];
  return s;
}

function firstNonBlank(lines: Lines): number {
  for (let i = 0; i < lines.count; i++) if (lines.raw(i).trim() !== '') return i + 1;
  return 1;
}

/** The forms without resources: nodes, corosync, quorum, pcsd, error. Returns lines recognised. */
function simpleForm(kind: PcsStatusKind, lines: Lines, s: PcsStatus, warnings: WarningList): number {
  if (kind === 'nodes') {
    const r = parseNodesForm(all(lines), warnings);
    s.nodeLists = r.lists;
    s.nodes = r.nodes;
    s.pcsErrors.push(...r.errors);
    return r.recognised;
  }
  if (kind === 'corosync' || kind === 'quorum') {
    const r = parseCorosyncForm(all(lines), warnings);
    s.membership = r.membership;
    s.quorumInfo = r.quorumInfo;
    if (r.quorumInfo) s.quorum = r.quorumInfo.quorate;
    return r.recognised;
  }
  let recognised = 0;
  const pcsd = { n: 0 };
  for (const l of all(lines)) {
    let m: RegExpExecArray | null;
    if (l.text === '') continue;
    if ((m = /^Error: (.*)$/.exec(l.text))) s.pcsErrors.push(m[1]!);
    else if ((m = /^Warning: (.*)$/.exec(l.text))) s.pcsWarnings.push(m[1]!);
    else if (kind === 'pcsd' && l.indent > 0 && (m = /^(\S+): (.*)$/.exec(l.text))) {
      pcsdEntry(s, pcsd, m[1]!, m[2]!, l);
      recognised++;
      continue;
    } else {
      warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised ${kind} line "${clip(l.text, 80)}"` });
      continue;
    }
    recognised++;
  }
  return recognised;
}

function unknownFields(limits: PcsLimits, s: PcsStatus): string[] {
  const out = [
    'history', 'bans', 'clusterOptions', 'stonithEnabled', 'symmetricCluster', 'noQuorumPolicy', 'stopAllResources',
    'instances[].targetRole (only "disabled" shows)', 'nodes[].expectedUp', 'nodes[].resourcesRunning', 'nodes[].health',
  ];
  if (!limits.knowsSummary) {
    out.push('dc', 'maintenanceMode', 'stack', 'lastUpdate');
    if (s.quorum === null) out.push('quorum');
  }
  if (!limits.knowsNodes) out.push('nodes');
  else if (s.kind === 'nodes') {
    out.push('nodes[].unclean', 'nodes[].pending', 'nodes[].isDc', 'nodes[].maintenance (of a standby node, pcs 0.9)',
      'nodes[].type (guest nodes are listed as remote)');
  }
  if (!limits.knowsNodeIds) out.push('nodes[].id', 'dcId');
  if (!limits.knowsNodeHealthAndFeatureSet) out.push('nodes[].featureSet');
  if (!limits.knowsNodeAttributes) out.push('nodeAttributes', 'promotionScores');
  if (!limits.knowsResources) out.push('collections', 'instances');
  else if (!limits.knowsAllInstanceAgents) out.push('instances[].agent (collapsed clone members)');
  if (!limits.knowsFailures) out.push('failures');
  if (!limits.knowsMembership) out.push('membership');
  if (s.quorumInfo === null) out.push('quorumInfo');
  if (s.nodeLists === null) out.push('nodeLists');
  return out;
}
