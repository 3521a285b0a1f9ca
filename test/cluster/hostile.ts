/**
 * Generated large and hostile inputs for the complexity and memory tests: each generator takes
 * a size knob and returns a document of roughly proportional size, shaped like real tool output
 * where it should parse, and like an attacker's where it should be refused or warned about.
 */

const node = (i: number) => `node${i}`;

/** Realistic crm_mon XML: `nodes` nodes, `resources` primitives (every 10th a promotable clone). */
export function crmMonLarge(resources: number, nodes = 32): string {
  const out: string[] = ['<pacemaker-result api-version="2.25" request="crm_mon --output-as=xml --inactive">', '  <summary>',
    `    <current_dc present="true" version="2.1.5" name="${node(0)}" id="1" with_quorum="true"/>`,
    `    <nodes_configured number="${nodes}"/>`, `    <resources_configured number="${resources}" disabled="0" blocked="0"/>`,
    '    <cluster_options stonith-enabled="true" symmetric-cluster="true" no-quorum-policy="stop" maintenance-mode="false"/>',
    '  </summary>', '  <nodes>'];
  for (let i = 0; i < nodes; i++) {
    out.push(`    <node name="${node(i)}" id="${i + 1}" online="true" standby="false" standby_onfail="false" maintenance="false" pending="false" unclean="false" shutdown="false" expected_up="true" is_dc="${i === 0}" resources_running="${Math.ceil(resources / nodes)}" type="member"/>`);
  }
  out.push('  </nodes>', '  <resources>');
  for (let r = 0; r < resources; r++) {
    const rsc = (id: string, n: number, role: string) =>
      `<resource id="${id}" resource_agent="ocf:heartbeat:Dummy" role="${role}" active="true" orphaned="false" blocked="false" managed="true" failed="false" failure_ignored="false" nodes_running_on="1"><node name="${node(n % nodes)}" id="${(n % nodes) + 1}" cached="true"/></resource>`;
    if (r % 10 === 0) out.push(`    <clone id="c${r}" multi_state="true" unique="false" managed="true" disabled="false" failed="false" failure_ignored="false">${rsc(`r${r}`, r, 'Promoted')}${rsc(`r${r}`, r + 1, 'Unpromoted')}</clone>`);
    else out.push(`    ${rsc(`r${r}`, r, 'Started')}`);
  }
  out.push('  </resources>', '  <node_attributes>');
  for (let i = 0; i < nodes; i++) out.push(`    <node name="${node(i)}"><attribute name="master-r0" value="${i}"/></node>`);
  out.push('  </node_attributes>', '</pacemaker-result>', '');
  return out.join('\n');
}

/** crm_mon XML with `n` unknown elements in `<resources>` (each a warning). */
export function crmMonUnknown(n: number): string {
  return `<pacemaker-result api-version="2.25"><resources>${'<widget x="1"/>'.repeat(n)}</resources></pacemaker-result>`;
}

/** crm_mon XML with `n` nodes. */
export function crmMonNodes(n: number): string {
  const out = ['<pacemaker-result api-version="2.25"><nodes>'];
  for (let i = 0; i < n; i++) out.push(`<node name="${node(i)}" id="${i}" online="true" type="member"/>`);
  out.push('</nodes></pacemaker-result>');
  return out.join('\n');
}

/** A cloned group with `n` instances (`g:0` … `g:n-1`), as crm_mon prints a cloned group. */
export function crmMonClonedGroups(n: number): string {
  const out = ['<pacemaker-result api-version="2.25"><resources><clone id="gc" multi_state="false" unique="false" managed="true">'];
  for (let i = 0; i < n; i++) {
    out.push(`<group id="g${i}:${i % 2}" number_resources="1"><resource id="a${i}" resource_agent="ocf:pacemaker:Dummy" role="Started" active="true"><node name="n1" id="1"/></resource></group>`);
  }
  out.push('</clone></resources></pacemaker-result>');
  return out.join('\n');
}

/** crm_mon XML of about `bytes` whose status message attribute and error text are `&amp;` throughout. */
export function crmMonAmp(bytes: number): string {
  const half = '&amp;'.repeat(Math.floor(bytes / 10));
  return `<pacemaker-result api-version="2.25"><status code="1" message="${half}"><errors><error>${half}</error></errors></status></pacemaker-result>`;
}

/** crm_mon XML of about `bytes` on one line: many resources, no newline anywhere. */
export function crmMonOneLine(bytes: number): string {
  return crmMonLarge(Math.max(1, Math.floor(bytes / 420))).replace(/\n\s*/g, '');
}

/** crm_mon XML with `depth` groups nested in each other. */
export function crmMonNestedGroups(depth: number): string {
  return `<pacemaker-result><resources>${'<group id="g" number_resources="1">'.repeat(depth)}${'</group>'.repeat(depth)}</resources></pacemaker-result>`;
}

/** A CIB with `depth` rules nested in each other in one location constraint. */
export function cibNestedRules(depth: number): string {
  return `<cib><configuration><constraints><rsc_location id="l" rsc="r">${'<rule id="x" score="1">'.repeat(depth)}${'</rule>'.repeat(depth)}</rsc_location></constraints></configuration></cib>`;
}

/** Realistic CIB: `resources` primitives with instance and meta attributes, ops, and their status history. */
export function cibLarge(resources: number, nodes = 32): string {
  const out = ['<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">',
    '<configuration><crm_config><cluster_property_set id="opts"><nvpair id="o1" name="stonith-enabled" value="true"/></cluster_property_set></crm_config><nodes>'];
  for (let i = 0; i < nodes; i++) out.push(`<node id="${i + 1}" uname="${node(i)}"/>`);
  out.push('</nodes><resources>');
  for (let r = 0; r < resources; r++) {
    out.push(`<primitive id="r${r}" class="ocf" provider="heartbeat" type="Dummy"><instance_attributes id="r${r}-ia"><nvpair id="r${r}-ia-1" name="state" value="/run/r${r}.state"/></instance_attributes><meta_attributes id="r${r}-ma"><nvpair id="r${r}-ma-1" name="target-role" value="Started"/></meta_attributes><operations><op id="r${r}-mon" name="monitor" interval="10s" timeout="20s"/><op id="r${r}-start" name="start" interval="0s" timeout="20s"/></operations></primitive>`);
  }
  out.push('</resources><constraints>');
  for (let r = 0; r < resources; r += 10) {
    out.push(`<rsc_location id="l${r}" rsc="r${r}"><rule id="l${r}-rule" score="-INFINITY" boolean-op="or"><expression id="l${r}-e1" attribute="pingd" operation="not_defined"/><expression id="l${r}-e2" attribute="pingd" operation="lte" value="0"/></rule></rsc_location>`);
  }
  out.push('</constraints></configuration><status>');
  for (let n = 0; n < nodes; n++) {
    out.push(`<node_state id="${n + 1}" uname="${node(n)}" in_ccm="true" crmd="online" join="member" expected="member"><lrm id="${n + 1}"><lrm_resources>`);
    for (let r = n; r < resources; r += nodes) {
      out.push(`<lrm_resource id="r${r}" type="Dummy" class="ocf" provider="heartbeat"><lrm_rsc_op id="r${r}_last_0" operation_key="r${r}_start_0" operation="start" call-id="${r}" rc-code="0" op-status="0" interval="0" last-rc-change="1700000000" exec-time="11" queue-time="0"/></lrm_resource>`);
    }
    out.push('</lrm_resources></lrm></node_state>');
  }
  out.push('</status></cib>');
  return out.join('\n');
}

/** A CIB with `n` unknown elements in `<resources>`. */
export function cibUnknown(n: number): string {
  return `<cib><configuration><resources>${'<gadget/>'.repeat(n)}</resources></configuration></cib>`;
}

/** pcs 0.9 `pcs status` text (no bullets) with `resources` resources in groups and clones. */
export function pcsOld(resources: number): string {
  const out = ['Cluster name: big', 'Stack: corosync', 'Current DC: node1 (version 1.1.23) - partition with quorum', '',
    '2 nodes configured', `${resources} resources configured`, '', 'Online: [ node1 node2 ]', '', 'Full list of resources:', ''];
  for (let r = 0; r < resources; r += 4) {
    out.push(` Resource Group: g${r}`, `     a${r}\t(ocf::heartbeat:Dummy):\tStarted node1`, `     b${r}\t(ocf::heartbeat:Dummy):\tStarted node1`);
    out.push(` Master/Slave Set: ms${r} [d${r}]`, '     Masters: [ node1 ]', '     Slaves: [ node2 ]');
  }
  out.push('', 'Daemon Status:', '  corosync: active/enabled', '');
  return out.join('\n');
}

/** `n` lines of `" x"` after a status header: every one an indented, unrecognised resource line. */
export function pcsSpaceX(n: number): string {
  return 'Cluster name: x\nOnline: [ a ]\n' + ' x\n'.repeat(n);
}

/** An `Online: [ … ]` list of `n` node names. */
export function pcsOnline(n: number): string {
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push(node(i));
  return `Cluster name: x\nNode List:\n  * Online: [ ${names.join(' ')} ]\n`;
}

/**
 * One long line of about `bytes` for each regex-bearing line kind (node list, attributes,
 * resources, failed actions, migration summary): runs of white space and of word characters,
 * the shapes that make a backtracking regex quadratic.
 */
export function pcsLongLines(bytes: number): string {
  const k = Math.floor(bytes / 10);
  const spaces = ' '.repeat(k);
  const word = 'w'.repeat(k);
  return [
    'Cluster name: x', 'Cluster Summary:', `  * Current DC: a (1) (version 2) - ${word}`,
    'Node List:', `  * Online: [ a${spaces}b${spaces}`, `  * Node x${spaces}y: online`,
    'Full List of Resources:', `  * r\t(ocf:h:D):\t Started a${spaces}x`, `  * r\t(ocf:h:D):\t Started [ a${spaces}`,
    `  * Clone Set: c [r]:`, `    * Started: [ a${spaces}`, `    * ${word} ${word}`,
    'Node Attributes:', '  * Node: a:', `    * attr: x${spaces}y`, `    * ${word}`,
    'Migration Summary:', '  * Node: a:', `    * r: migration-threshold=1 ${word} ${word}`,
    'Failed Resource Actions:', `  * r_monitor_0 on a 'error' (1): call=1, ${word} ${word}`,
    `  * r 10s-interval monitor on a returned 'error' (${') at '.repeat(k / 5)}`, `  * r start on a could not be executed (${spaces}`,
    'Tickets:', `  * t${spaces}granted`, '',
  ].join('\n');
}

/** The size of a text in bytes (UTF-8). */
export function size(text: string): number {
  return Buffer.byteLength(text);
}

/** A clone summary of `n` node names on one line (each name a ResourceInstance). */
export function pcsCloneSummary(n: number): string {
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push(node(i));
  return `Cluster name: x\nFull List of Resources:\n  * Clone Set: c [r]:\n    * Started: [ ${names.join(' ')} ]\n`;
}

/** crm_mon XML whose `<status>` holds `n` tiny elements crm_mon never reads (no warnings). */
export function crmMonIgnored(n: number): string {
  return `<pacemaker-result api-version="2.25"><status code="0" message="OK"><errors>${'<error/>'.repeat(n)}</errors></status></pacemaker-result>`;
}
