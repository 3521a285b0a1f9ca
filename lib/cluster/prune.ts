/**
 * Which XML elements the cluster models never read, decided while parsing (`parseXml`'s
 * `skip`): such an element and everything inside it are never built. Without this a document
 * of tiny unknown elements (`<widget x="1"/>`, 15 bytes) costs ~150 bytes of tree per element,
 * ~15x its size, only to be warned about and thrown away.
 *
 * One rule per parent element (with the grandparent where the same name means different things),
 * mirroring the walkers in crm-mon*.ts and cib*.ts: `null` keeps the child, `''` leaves it out
 * silently (the walker never looks at it), `'<where>'` leaves it out with the warning the walker
 * gives, `unknown element <name> in <where> (ignored)`. A parent not described here keeps
 * everything: the rule is conservative, only what the walkers provably ignore is left out.
 * Elements of a CIB rule are all kept: the model copies rule expressions whole.
 */
import type { XmlElement } from '../xml/parse-xml.ts';

/** null: keep; '': leave out silently; otherwise leave out and warn "in <where>". */
export type Prune = (parent: XmlElement, name: string) => string | null;

const set = (...names: string[]): ReadonlySet<string> => new Set(names);

const CRM_ROOT = set('summary', 'pacemakerd', 'nodes', 'resources', 'node_attributes', 'node_history', 'failures', 'bans', 'tickets', 'status', 'fence_history', 'fence_event');
const CRM_SUMMARY = set('stack', 'current_dc', 'last_update', 'last_change', 'nodes_configured', 'resources_configured', 'cluster_options');
const CRM_RESOURCE_KINDS = set('resource', 'group', 'clone', 'bundle');

const keepOr = (known: ReadonlySet<string>, name: string, where: string): string | null => (known.has(name) ? null : where);
const only = (kept: string, name: string, where: string): string | null => (name === kept ? null : where);

export const crmMonPrune: Prune = (parent, name) => {
  const grand = parent.parent;
  if (grand === null) return keepOr(CRM_ROOT, name, `<${parent.name}>`);
  const g = grand.name;
  switch (parent.name) {
    case 'summary':
      return keepOr(CRM_SUMMARY, name, '<summary>');
    case 'nodes':
      return only('node', name, '<nodes>');
    case 'node':
      if (g === 'nodes') return only('resource', name, '<node>');
      if (g === 'node_attributes') return only('attribute', name, '<node_attributes>/<node>');
      if (g === 'node_history') return only('resource_history', name, '<node_history>/<node>');
      return '';
    case 'resources':
    case 'group':
    case 'clone':
    case 'replica':
      return keepOr(CRM_RESOURCE_KINDS, name, '<resources>');
    case 'bundle':
      return only('replica', name, '<bundle>');
    case 'resource':
      return name === 'node' ? null : name === 'xml' ? '' : '<resource>';
    case 'node_attributes':
      return only('node', name, '<node_attributes>');
    case 'node_history':
      return only('node', name, '<node_history>');
    case 'resource_history':
      return only('operation_history', name, '<resource_history>');
    case 'failures':
      return only('failure', name, '<failures>');
    case 'bans':
      return only('ban', name, '<bans>');
    case 'tickets':
      return only('ticket', name, '<tickets>');
    default:
      // Leaves (status, fence_history, attribute, operation_history, failure, …): never read inside.
      return '';
  }
};

/** Sections `cibadmin --query --scope` prints as the root (cib.ts reads them under <cib> too). */
const SCOPES = set('crm_config', 'nodes', 'resources', 'constraints', 'rsc_defaults', 'op_defaults', 'alerts', 'tags');
const CIB_CONFIGURATION = set('crm_config', 'nodes', 'resources', 'constraints', 'rsc_defaults', 'op_defaults', 'alerts', 'tags');
const CIB_RESOURCES = set('primitive', 'group', 'clone', 'master', 'bundle');
const NVSETS = set('instance_attributes', 'meta_attributes', 'utilization', 'cluster_property_set');
/** Where an nvset is read with parseNvSet (so its unknown children are warned about). */
const NVSET_PARENTS = set('crm_config', 'node', 'primitive', 'group', 'clone', 'master', 'bundle', 'op', 'rsc_defaults', 'op_defaults', 'alert', 'recipient', 'transient_attributes');
const CONSTRAINTS = set('rsc_location', 'rsc_colocation', 'rsc_order', 'rsc_ticket');
const CONTAINERS = set('docker', 'podman', 'rkt');
const RESOURCE_PARENTS = set('resources', 'group', 'clone', 'master', 'bundle');

export const cibPrune: Prune = (parent, name) => {
  const p = parent.name;
  const grand = parent.parent;
  const g = grand?.name ?? null;
  if (p === 'rule') return null;
  if (grand === null && p === 'cib') return name === 'configuration' || name === 'status' || SCOPES.has(name) ? null : '<cib>';
  // A section is read as such at the top of the document (cib/configuration/…, cib/…) or as the root (`--scope`).
  const top = (el: XmlElement | null) => el === null || (el.name === 'cib' && el.parent === null);
  const section = grand === null || (g === 'cib' && top(grand)) || (g === 'configuration' && top(grand!.parent));
  switch (p) {
    case 'configuration':
      if (!section) return null;
      return CIB_CONFIGURATION.has(name) ? null : name === 'fencing-topology' || name === 'acls' ? '' : '<configuration>';
    case 'crm_config':
      return section ? (name === 'cluster_property_set' ? null : '') : null;
    case 'nodes':
      return section ? only('node', name, '<nodes>') : null;
    case 'resources':
      return section ? (CIB_RESOURCES.has(name) ? null : name === 'template' ? '' : '<resources>') : null;
    case 'constraints':
      return section ? keepOr(CONSTRAINTS, name, '<constraints>') : null;
    case 'rsc_defaults':
    case 'op_defaults':
      return section ? (name === 'meta_attributes' ? null : '') : null;
    case 'alerts':
      return section ? only('alert', name, '<alerts>') : null;
    case 'tags':
      return section ? (name === 'tag' ? null : '') : null;
    case 'status':
      return section ? only('node_state', name, '<status>') : null;
  }
  if (g === null) return null;
  switch (p) {
    case 'node':
      return g === 'nodes' ? (name === 'instance_attributes' || name === 'utilization' ? null : '') : null;
    case 'primitive':
      if (!RESOURCE_PARENTS.has(g)) return null;
      return name === 'operations' || NVSETS.has(name) && name !== 'cluster_property_set' ? null : '<primitive>';
    case 'operations':
      return g === 'primitive' ? (name === 'op' ? null : '') : null;
    case 'op':
      return g === 'operations' ? (name === 'meta_attributes' || name === 'instance_attributes' ? null : '') : null;
    case 'group':
      if (!RESOURCE_PARENTS.has(g)) return null;
      return name === 'primitive' || name === 'meta_attributes' ? null : name === 'instance_attributes' ? '' : '<group>';
    case 'clone':
    case 'master':
      if (g !== 'resources') return null;
      return name === 'primitive' || name === 'group' || name === 'meta_attributes' ? null : name === 'instance_attributes' ? '' : `<${p}>`;
    case 'bundle':
      if (g !== 'resources') return null;
      return CONTAINERS.has(name) || name === 'network' || name === 'storage' || name === 'primitive' || name === 'meta_attributes' ? null : '<bundle>';
    case 'docker':
    case 'podman':
    case 'rkt':
      return g === 'bundle' ? '' : null;
    case 'network':
      return g === 'bundle' ? (name === 'port-mapping' ? null : '') : null;
    case 'storage':
      return g === 'bundle' ? (name === 'storage-mapping' ? null : '') : null;
    case 'port-mapping':
      return g === 'network' ? '' : null;
    case 'storage-mapping':
      return g === 'storage' ? '' : null;
    case 'nvpair':
      return NVSETS.has(g) ? '' : null;
    case 'rsc_location':
      return g === 'constraints' ? (name === 'rule' || name === 'resource_set' ? null : '') : null;
    case 'rsc_colocation':
    case 'rsc_order':
    case 'rsc_ticket':
      return g === 'constraints' ? (name === 'resource_set' ? null : '') : null;
    case 'resource_set':
      return CONSTRAINTS.has(g) ? (name === 'resource_ref' ? null : '') : null;
    case 'resource_ref':
      return g === 'resource_set' ? '' : null;
    case 'alert':
      return g === 'alerts' ? (name === 'meta_attributes' || name === 'instance_attributes' || name === 'select' || name === 'recipient' ? null : '') : null;
    case 'recipient':
      return g === 'alert' ? (name === 'meta_attributes' || name === 'instance_attributes' ? null : '') : null;
    case 'tag':
      return null;
    case 'select':
      return null;
    case 'select_attributes':
      if (g === 'select') return null;
      break;
    case 'node_state':
      return g === 'status' ? (name === 'transient_attributes' || name === 'lrm' ? null : '<node_state>') : null;
    case 'transient_attributes':
      return g === 'node_state' ? (name === 'instance_attributes' ? null : '') : null;
    case 'lrm':
      return g === 'node_state' ? (name === 'lrm_resources' ? null : '') : null;
    case 'lrm_resources':
      return g === 'lrm' ? (name === 'lrm_resource' ? null : '') : null;
    case 'lrm_resource':
      return g === 'lrm_resources' ? (name === 'lrm_rsc_op' ? null : '') : null;
    case 'lrm_rsc_op':
      return g === 'lrm_resource' ? '' : null;
  }
  if (NVSETS.has(p) && NVSET_PARENTS.has(g)) return name === 'nvpair' || name === 'rule' ? null : `<${p}>`;
  // Inside what a tag references or an alert selects, only names and attributes are read.
  if (g === 'tag' || g === 'select' || g === 'select_attributes') return '';
  return null;
};
