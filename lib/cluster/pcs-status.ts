/**
 * `pcs status` text into `PcsStatus`: pcs 0.10/0.11 over Pacemaker 2.x (`pcs status`,
 * `--full`, `pcs status resources`, `pcs resource status`) and the pcs 0.9 / Pacemaker 1.1
 * layout (`Master/Slave Set`, `ocf::p:t`, no bullets). Text holds less than XML: `limits` and
 * `unknown` say what could not be known. Pure; typed errors only for input that is not status
 * text at all; anything odd inside is a warning with its line number.
 */
import { ClusterParseError, WarningList, clip } from './errors.ts';
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

/** The sections, numbered: a section per line is kept as one byte. */
const SECTIONS: readonly Section[] = ['top', 'warnings', 'summary', 'nodes', 'resources', 'attributes', 'migration', 'failures', 'tickets', 'pcsd', 'daemons', 'skip'];
const SECTION_ID: Record<string, number> = Object.assign(Object.create(null), Object.fromEntries(SECTIONS.map((name, i) => [name, i])));
const BLANK = 255;

/**
 * The input's lines, compactly: where each starts (4 bytes a line) and, once sorted, its section
 * (1 byte). A `TextLine` (text without trailing white space, indentation of spaces and tabs and a
 * `* `/`+ ` bullet removed) is made only while a section is read and dropped right after, so a
 * document of millions of short lines never holds millions of line objects.
 */
class Lines {
  readonly input: string;
  readonly count: number;
  private readonly starts: Int32Array;
  readonly section: Uint8Array;

  constructor(input: string) {
    this.input = input;
    let count = 1;
    for (let i = input.indexOf('\n'); i !== -1; i = input.indexOf('\n', i + 1)) count++;
    this.count = count;
    this.starts = new Int32Array(count + 1);
    let n = 1;
    for (let i = input.indexOf('\n'); i !== -1; i = input.indexOf('\n', i + 1)) this.starts[n++] = i + 1;
    this.starts[count] = input.length + 1;
    this.section = new Uint8Array(count);
  }

  /** Line `i` (0-based) as it was: no line end. */
  raw(i: number): string {
    return this.input.slice(this.starts[i]!, this.starts[i + 1]! - 1);
  }

  get(i: number): TextLine {
    const trimmed = this.raw(i).trimEnd();
    let indent = 0;
    for (let c = trimmed.charCodeAt(0); c === 32 || c === 9; c = trimmed.charCodeAt(++indent));
    let text = trimmed.slice(indent);
    if ((text.charCodeAt(0) === 42 || text.charCodeAt(0) === 43) && text.charCodeAt(1) === 32) text = text.slice(2);
    return { line: i + 1, indent, text };
  }

  /** The lines of one section, in document order, made one at a time. */
  *of(section: Section): Generator<TextLine> {
    const id = SECTION_ID[section]!;
    for (let i = 0; i < this.count; i++) if (this.section[i] === id) yield this.get(i);
  }
}

export function parsePcsStatus(source: ParserInput): PcsStatus {
  const input = decodeInput('pcs-status', source);
  if (input.trim() === '') throw new ClusterParseError('pcs-status', 'empty input', { line: 1 });
  const lines = new Lines(input);
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
  const warnings = new WarningList('pcs-status');
  const byName = new Map<string, NodeStatus>();
  const layout = starred ? 'pcs0.11' : 'pcs0.9';
  const kind = statusMarker ? 'status' : 'resources';
  const s: PcsStatus = {
    source: 'pcs-status', layout, kind, clusterName: null, pcsWarnings: [], stack: null, dc: null, dcId: null,
    dcVersion: null, quorum: null, lastUpdate: null, lastChange: null, nodesConfigured: null, resourcesConfigured: null,
    resourcesDisabled: null, resourcesBlocked: null, maintenanceMode: null, pacemakerdState: null, nodes: [],
    collections: [], instances: [], nodeAttributes: {}, promotionScores: {}, migrationSummary: [], failures: [],
    tickets: [], pcsdStatus: {}, daemonStatus: {}, limits: undefined as unknown as PcsLimits, unknown: [], warnings: [],
  };
  const seen = new Set<Section>();
  let section: Section = kind === 'resources' ? 'resources' : 'top';
  let nonBlank: number | null = null;
  let noResources = false;
  for (let i = 0; i < lines.count; i++) {
    const l = lines.get(i);
    lines.section[i] = BLANK;
    if (kind === 'status' && l.indent === 0 && l.text in HEADERS) {
      section = HEADERS[l.text]!;
      seen.add(section);
      if (nonBlank === null) nonBlank = l.line;
      continue;
    }
    if (l.text === '') {
      if (section === 'warnings') section = 'top';
      continue;
    }
    if (nonBlank === null) nonBlank = l.line;
    // pcs 0.9 / crm_simulate: indented resource lines may follow the node list directly.
    const into = section === 'top' && l.indent > 0 ? 'resources' : section;
    lines.section[i] = SECTION_ID[into]!;
    if (into === 'resources' && !noResources && /^No (active )?resources$|^NO resources configured$/i.test(l.text)) noResources = true;
  }
  const bySection = { of: (name: Section) => lines.of(name) };

  let recognised = 0;
  for (const l of bySection.of('top')) {
    let m: RegExpExecArray | null;
    if ((m = /^Cluster name: (.*)$/.exec(l.text))) s.clusterName = m[1]!.trim();
    else if ((m = /^Warning: (.*)$/i.exec(l.text))) s.pcsWarnings.push(m[1]!);
    else if (summaryLine(l.text, s)) seen.add('summary');
    else if (nodeLine(l, s, byName)) seen.add('nodes');
    else {
      warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised line "${clip(l.text, 80)}"` });
      continue;
    }
    recognised++;
  }
  for (const l of bySection.of('warnings')) s.pcsWarnings.push(l.text);
  for (const l of bySection.of('summary')) {
    if (summaryLine(l.text, s)) recognised++;
    else warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised summary line "${clip(l.text, 80)}"` });
  }
  for (const l of bySection.of('nodes')) {
    if (nodeLine(l, s, byName)) recognised++;
    else warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised node line "${clip(l.text, 80)}"` });
  }
  const resources = parseResourceLines(bySection.of('resources'), warnings);
  s.collections = resources.collections;
  s.instances = resources.instances;
  recognised += s.instances.length + s.collections.length;
  attributeLines(bySection.of('attributes'), s, warnings);
  s.migrationSummary = migrationLines(bySection.of('migration'), warnings);
  s.failures = failureLines(bySection.of('failures'), warnings);
  s.tickets = ticketLines(bySection.of('tickets'), warnings);
  colonLines(bySection.of('pcsd'), s.pcsdStatus);
  colonLines(bySection.of('daemons'), s.daemonStatus);
  recognised += s.failures.length + Object.keys(s.nodeAttributes).length;

  if (recognised === 0 && s.clusterName === null && !noResources) {
    throw new ClusterParseError('pcs-status', 'no pcs status content recognised', { line: nonBlank ?? 1 });
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
