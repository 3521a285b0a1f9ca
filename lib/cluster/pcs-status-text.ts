/**
 * The crm_mon text forms of `pcs status`: `status [--full|--hide-inactive]`, `status resources`
 * and `status cluster` (crm_mon's text indented one space under `Cluster Status:`, then `PCSD
 * Status:`). Lines are sorted into sections first, then each section is read on its own.
 */
import { ClusterParseError, MAX_NODES, type WarningList, clip } from './errors.ts';
import { setOwn } from './xml-context.ts';
import type { NodeStatus } from './model.ts';
import type { PcsStatus, PcsStatusKind } from './pcs-model.ts';
import { parseResourceLines, type TextLine } from './pcs-resources.ts';
import { BLANK, SECTION_ID, type Lines, type Section } from './pcs-lines.ts';
import {
  attributeLines, colonLines, failureLines, migrationLines, nodeLine, summaryLine, ticketLines,
} from './pcs-sections.ts';

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

/** One node's pcsd status; at most MAX_NODES of them (pcsd runs on cluster nodes). */
export function pcsdEntry(s: PcsStatus, count: { n: number }, node: string, status: string, l: TextLine): void {
  if (!Object.hasOwn(s.pcsdStatus, node) && ++count.n > MAX_NODES) {
    throw new ClusterParseError('pcs-status', `pcsd status of more than ${MAX_NODES} nodes`, { line: l.line });
  }
  setOwn(s.pcsdStatus, node, status);
}

export interface StatusText {
  recognised: number;
  nonBlank: number | null;
  noResources: boolean;
  collapsed: boolean;
}

/**
 * `pcs status [--full]`, `status resources` and `status cluster` (crm_mon's text; in `cluster`
 * indented one space under `Cluster Status:` and followed by `PCSD Status:`).
 */
export function statusForm(kind: PcsStatusKind, lines: Lines, s: PcsStatus, warnings: WarningList, byName: Map<string, NodeStatus>, seen: Set<Section>): StatusText {
  let section: Section = kind === 'resources' ? 'resources' : 'top';
  let nonBlank: number | null = null;
  let noResources = false;
  // `status cluster`: inside the `Cluster Status:` block every line is indented by one more.
  let base = 0;
  for (let i = 0; i < lines.count; i++) {
    const l = lines.get(i);
    lines.section[i] = BLANK;
    if (kind === 'cluster') {
      if (l.indent === 0 && l.text === 'Cluster Status:') {
        base = 1;
        section = 'top';
        if (nonBlank === null) nonBlank = l.line;
        continue;
      }
      if (base === 1 && (l.text === '' || l.indent === 0)) base = 0;
    }
    if ((kind === 'status' || kind === 'cluster') && l.indent === base && l.text in HEADERS) {
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
    const into = section === 'top' && l.indent > base ? 'resources' : section;
    if ((into === 'resources' || into === 'top') && /^No (active )?resources$|^NO resources configured$/i.test(l.text)) {
      // Pacemaker 1.1.15 prints `No resources` at the left margin, after the node list.
      noResources = true;
      continue;
    }
    lines.section[i] = SECTION_ID[into]!;
  }
  const bySection = { of: (name: Section) => lines.of(name) };

  let recognised = 0;
  for (const l of bySection.of('top')) {
    let m: RegExpExecArray | null;
    if ((m = /^Cluster name: (.*)$/.exec(l.text))) s.clusterName = m[1]!.trim();
    else if ((m = /^Warning: (.*)$/i.exec(l.text))) s.pcsWarnings.push(m[1]!);
    else if ((m = /^Error: (.*)$/.exec(l.text))) s.pcsErrors.push(m[1]!);
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
  const pcsd = { n: 0 };
  for (const l of bySection.of('pcsd')) {
    const m = /^(Error|Warning): (.*)$/.exec(l.text);
    let m2: RegExpExecArray | null;
    if (m) (m[1] === 'Error' ? s.pcsErrors : s.pcsWarnings).push(m[2]!);
    else if ((m2 = /^([^:]+):\s*(.*)$/.exec(l.text))) {
      pcsdEntry(s, pcsd, m2[1]!.trim(), m2[2]!.trim(), l);
      recognised++;
    } else warnings.push({ source: 'pcs-status', line: l.line, message: `unrecognised pcsd line "${clip(l.text, 80)}"` });
  }
  colonLines(bySection.of('daemons'), s.daemonStatus);
  recognised += s.failures.length + Object.keys(s.nodeAttributes).length;
  return { recognised, nonBlank, noResources, collapsed: resources.collapsed };
}
