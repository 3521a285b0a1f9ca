/**
 * Cluster state parsing benchmark: a generated 32-node x 2000-resource crm_mon document and a
 * CIB of similar scale, parsed by xml2js (default parseString, the design card's baseline),
 * fast-xml-parser, a bare saxes tree builder, htmlparser2 (xmlMode) for reference, our parseXml
 * (saxes underneath, plus depth limit, element paths and lines), and our parseXml + model
 * (parseCrmMonXml / parseCibXml, from bytes as `ocfkit parse` gives them). Medians of
 * alternating repeated runs.
 *
 * "Incremental" here means what a poller does after a small change: re-parse the whole crm_mon
 * document with one resource's role flipped (the parsers are not incremental, so this is the
 * honest cost), and parse only the CIB's status section (`cibadmin --query --scope status`).
 *
 * Run: node --expose-gc --import tsx bench/cluster.ts   (retained heap needs --expose-gc)
 */
import { parseString } from 'xml2js';
import { XMLParser } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { parseDocument } from 'htmlparser2';
import { parseXml } from '../lib/xml/parse-xml.ts';
import { parseCrmMonXml } from '../lib/cluster/crm-mon.ts';
import { parseCibXml } from '../lib/cluster/cib.ts';
import { runAlternating } from './stats.ts';

const NODES = 32;
const RESOURCES = 2000;

const node = (i: number) => `node${String(i + 1).padStart(2, '0')}`;

export function generateCrmMon(): string {
  const out: string[] = ['<pacemaker-result api-version="2.25" request="crm_mon --output-as=xml --inactive">', '  <summary>',
    '    <stack type="corosync"/>', `    <current_dc present="true" version="2.1.5-a3f44794f94" name="${node(0)}" id="1" with_quorum="true" mixed_version="false"/>`,
    '    <last_update time="Sun Nov 22 00:24:05 2026"/>', '    <last_change time="Sun Nov 22 00:23:54 2026" user="root" client="cibadmin" origin="node01"/>',
    `    <nodes_configured number="${NODES}"/>`, `    <resources_configured number="${RESOURCES}" disabled="0" blocked="0"/>`,
    '    <cluster_options stonith-enabled="true" symmetric-cluster="true" no-quorum-policy="stop" maintenance-mode="false" stop-all-resources="false" stonith-timeout-ms="60000" priority-fencing-delay-ms="0"/>',
    '  </summary>', '  <nodes>'];
  for (let n = 0; n < NODES; n++) {
    out.push(`    <node name="${node(n)}" id="${n + 1}" online="true" standby="false" standby_onfail="false" maintenance="false" pending="false" unclean="false" health="green" feature_set="3.16.1" shutdown="false" expected_up="true" is_dc="${n === 0}" resources_running="${Math.round(RESOURCES / NODES)}" type="member"/>`);
  }
  out.push('  </nodes>', '  <resources>');
  const prim = (id: string, agent: string, role: string, n: number, indent: string) =>
    `${indent}<resource id="${id}" resource_agent="${agent}" role="${role}" active="true" orphaned="false" blocked="false" managed="true" failed="false" failure_ignored="false" nodes_running_on="1">\n${indent}  <node name="${node(n)}" id="${n + 1}" cached="true"/>\n${indent}</resource>`;
  let r = 0;
  // 20 promotable clones (one instance per node), 100 groups of 4, the rest primitives.
  for (let c = 0; c < 20; c++, r++) {
    out.push(`    <clone id="ms-${c}-clone" multi_state="true" unique="false" managed="true" disabled="false" failed="false" failure_ignored="false">`);
    for (let n = 0; n < NODES; n++) out.push(prim(`ms-${c}`, 'ocf:pacemaker:Stateful', n === c % NODES ? 'Promoted' : 'Unpromoted', n, '      '));
    out.push('    </clone>');
  }
  for (let g = 0; g < 100; g++) {
    out.push(`    <group id="grp-${g}" number_resources="4" managed="true" disabled="false">`);
    for (let k = 0; k < 4; k++, r++) out.push(prim(`grp-${g}-r${k}`, 'ocf:heartbeat:IPaddr2', 'Started', g % NODES, '      '));
    out.push('    </group>');
  }
  for (; r < RESOURCES; r++) out.push(prim(`rsc-${r}`, 'ocf:heartbeat:Dummy', 'Started', r % NODES, '    '));
  out.push('  </resources>', '  <node_attributes>');
  for (let n = 0; n < NODES; n++) {
    out.push(`    <node name="${node(n)}">`);
    for (let c = 0; c < 20; c++) out.push(`      <attribute name="master-ms-${c}" value="${n === c ? 100 : 5}"/>`);
    out.push('    </node>');
  }
  out.push('  </node_attributes>', '  <node_history>');
  for (let n = 0; n < NODES; n++) {
    out.push(`    <node name="${node(n)}">`);
    for (let k = n; k < RESOURCES; k += NODES) {
      out.push(`      <resource_history id="rsc-${k}" orphan="false" migration-threshold="1000000">`,
        `        <operation_history call="${k}" task="start" rc="0" rc_text="ok" last-rc-change="Sun Nov 22 00:23:53 2026" exec-time="11ms" queue-time="0ms"/>`,
        `        <operation_history call="${k + 1}" task="monitor" rc="0" rc_text="ok" interval="10000ms" last-rc-change="Sun Nov 22 00:23:53 2026" exec-time="10ms" queue-time="0ms"/>`,
        '      </resource_history>');
    }
    out.push('    </node>');
  }
  out.push('  </node_history>', '  <failures>');
  for (let f = 0; f < 20; f++) {
    out.push(`    <failure op_key="rsc-${1000 + f}_monitor_10000" node="${node(f)}" exitstatus="error" exitreason="state file missing" exitcode="1" call="13" status="complete" last-rc-change="2023-11-14 22:15:00Z" queued="0" exec="12" interval="10000" task="monitor"/>`);
  }
  out.push('  </failures>', '  <status code="0" message="OK"/>', '</pacemaker-result>', '');
  return out.join('\n');
}

export function generateCib(): string {
  const nv = (id: string, name: string, value: string) => `<nvpair id="${id}-${name}" name="${name}" value="${value}"/>`;
  const out: string[] = ['<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="42" num_updates="7" admin_epoch="0" have-quorum="1" dc-uuid="1">',
    '  <configuration>', '    <crm_config>', '      <cluster_property_set id="cib-bootstrap-options">',
    `        ${nv('cib-bootstrap-options', 'stonith-enabled', 'true')}`, `        ${nv('cib-bootstrap-options', 'cluster-name', 'bench')}`,
    '      </cluster_property_set>', '    </crm_config>', '    <nodes>'];
  for (let n = 0; n < NODES; n++) out.push(`      <node id="${n + 1}" uname="${node(n)}"><instance_attributes id="nodes-${n + 1}">${nv(`n${n}`, 'rack', `r${n % 4}`)}</instance_attributes></node>`);
  out.push('    </nodes>', '    <resources>');
  const primitive = (id: string, type: string) =>
    `<primitive id="${id}" class="ocf" provider="heartbeat" type="${type}"><instance_attributes id="${id}-ia">${nv(id, 'ip', '192.0.2.1')}${nv(id, 'cidr_netmask', '24')}</instance_attributes><meta_attributes id="${id}-meta">${nv(id, 'resource-stickiness', '100')}</meta_attributes><operations><op id="${id}-monitor" name="monitor" interval="10s" timeout="20s"/><op id="${id}-start" name="start" interval="0s" timeout="20s"/><op id="${id}-stop" name="stop" interval="0s" timeout="20s"/></operations></primitive>`;
  for (let r = 0; r < RESOURCES; r++) out.push(`      ${primitive(`rsc-${r}`, 'Dummy')}`);
  out.push('    </resources>', '    <constraints>');
  for (let r = 0; r < RESOURCES; r += 4) out.push(`      <rsc_location id="loc-${r}" rsc="rsc-${r}" node="${node(r % NODES)}" score="100"/>`);
  out.push('    </constraints>', '  </configuration>', '  <status>');
  for (let n = 0; n < NODES; n++) {
    out.push(`    <node_state id="${n + 1}" uname="${node(n)}" in_ccm="true" crmd="online" crm-debug-origin="do_update_resource" join="member" expected="member">`,
      `      <transient_attributes id="${n + 1}"><instance_attributes id="status-${n + 1}">${nv(`s${n}`, 'pingd', '1000')}</instance_attributes></transient_attributes>`,
      `      <lrm id="${n + 1}">`, '        <lrm_resources>');
    for (let r = n; r < RESOURCES; r += NODES) {
      const op = (task: string, interval: number, call: number) =>
        `<lrm_rsc_op id="rsc-${r}_${task}_${interval}" operation_key="rsc-${r}_${task}_${interval}" operation="${task}" crm-debug-origin="do_update_resource" crm_feature_set="3.16.1" transition-key="2:2:0:29f932a3-eb4c-4273-b492-dd40782e3187" transition-magic="0:0;2:2:0:29f932a3-eb4c-4273-b492-dd40782e3187" exit-reason="" on_node="${node(n)}" call-id="${call}" rc-code="0" op-status="0" interval="${interval}" last-rc-change="1795307033" exec-time="11" queue-time="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>`;
      out.push(`          <lrm_resource id="rsc-${r}" type="Dummy" class="ocf" provider="heartbeat">${op('start', 0, r)}${op('monitor', 10000, r + 1)}</lrm_resource>`);
    }
    out.push('        </lrm_resources>', '      </lrm>', '    </node_state>');
  }
  out.push('  </status>', '</cib>', '');
  return out.join('\n');
}

function xml2jsParse(text: string): unknown {
  let result: unknown;
  let error: unknown;
  parseString(text, (e, r) => {
    error = e;
    result = r;
  });
  if (error) throw error;
  return result;
}

function saxesTree(text: string): unknown {
  const parser = new SaxesParser();
  const stack: { name: string; attrs: Record<string, string>; children: unknown[] }[] = [];
  let root: unknown;
  parser.on('opentag', (tag) => {
    const el = { name: tag.name, attrs: tag.attributes as Record<string, string>, children: [] as unknown[] };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(text).close();
  return root;
}

const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', processEntities: false });

type Contender = [string, (text: string) => unknown];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const gc = (globalThis as { gc?: () => void }).gc;

function retained(fn: () => unknown): number | null {
  if (!gc) return null;
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const held = fn();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (held === undefined) return null;
  return after - before;
}

export interface BenchRow {
  document: string;
  parser: string;
  bytes: number;
  medianMs: number;
  mbPerS: number;
  vsXml2js: number;
  retainedRatio: number | null;
}

async function runOne(label: string, text: string, contenders: Contender[], runs: number): Promise<BenchRow[]> {
  const bytes = Buffer.byteLength(text);
  // one warm-up pass; the order reversed every other round so no contender always runs after the same one
  const candidates = contenders.map(([name, parse]) => ({ label: name, parse }));
  const times = await runAlternating(candidates, runs, (c) => time(() => c.parse(text)), { warmUp: 1, order: 'reverse' });
  const base = median(times.get(contenders[0]![0])!);
  return contenders.map(([name, fn]) => {
    const ms = median(times.get(name)!);
    const heap = retained(() => fn(text));
    return {
      document: label, parser: name, bytes, medianMs: Number(ms.toFixed(2)), mbPerS: Number((bytes / 1e6 / (ms / 1000)).toFixed(1)),
      vsXml2js: Number((base / ms).toFixed(2)), retainedRatio: heap === null ? null : Number((heap / bytes).toFixed(2)),
    };
  });
}

/** The model parsers take the tool's bytes (decoded strictly inside, as `ocfkit parse` does). */
const crmMonModel = (t: string): unknown => parseCrmMonXml(Buffer.from(t));
const cibModel = (t: string): unknown => parseCibXml(Buffer.from(t));

export async function runClusterBench(options: { runs?: number; print?: boolean } = {}): Promise<BenchRow[]> {
  const runs = options.runs ?? Number(process.env.BENCH_RUNS ?? 9);
  const crmMon = generateCrmMon();
  const cib = generateCib();
  const flipped = crmMon.replace('role="Promoted"', 'role="Unpromoted"');
  const statusOnly = cib.slice(cib.indexOf('<status>'), cib.indexOf('</status>') + 9);
  const common: Contender[] = [
    ['xml2js parseString (default)', xml2jsParse],
    ['fast-xml-parser', (t) => fxp.parse(t)],
    ['saxes tree', saxesTree],
    ['htmlparser2 (xmlMode)', (t) => parseDocument(t, { xmlMode: true })],
    ['ocfkit parseXml (saxes)', (t) => parseXml(t)],
  ];
  const rows = [
    ...(await runOne('crm_mon 32x2000', crmMon, [...common, ['ocfkit parseXml + crm_mon model', crmMonModel]], runs)),
    ...(await runOne('crm_mon 32x2000, one role changed (incremental)', flipped, [common[0]!, common[4]!, ['ocfkit parseXml + crm_mon model', crmMonModel]], runs)),
    ...(await runOne('CIB 32x2000', cib, [...common, ['ocfkit parseXml + CIB model', cibModel]], runs)),
    ...(await runOne('CIB status section only (incremental)', statusOnly, [common[0]!, common[4]!, ['ocfkit parseXml + CIB model', cibModel]], runs)),
  ];
  if (options.print !== false) {
    console.log(`cluster parsing, medians of ${runs} alternating runs${gc ? '' : ' (run with --expose-gc for retained heap)'}`);
    console.table(rows.map((r) => ({ ...r, bytes: `${(r.bytes / 1e6).toFixed(2)} MB` })));
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await runClusterBench();
