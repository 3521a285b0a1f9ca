/**
 * CIB XML (`cibadmin --query`) into `Cib`: configuration and status. Pure, typed errors,
 * warnings for unknown elements and roles. Also accepts a bare `<configuration>` or `<status>`
 * section (what `cibadmin --query --scope` prints).
 */
import type { XmlElement } from '../xml/parse-xml.ts';
import type { Alert, AlertRecipient, Cib, CibNode } from './cib-model.ts';
import { collectSets, parseNvSet } from './cib-nvsets.ts';
import { parseConstraints } from './cib-constraints.ts';
import { parseResourceList } from './cib-resources.ts';
import { parseStatus } from './cib-status.ts';
import { bool, parseBoolean, parseInteger } from './normalize.ts';
import { XmlContext, clip, setOwn } from './xml-context.ts';
import { cibPrune } from './prune.ts';
import type { ParserInput } from './input.ts';

/** Configuration sections `cibadmin --query --scope <section>` prints as the root. */
const SCOPES: ReadonlySet<string> = new Set(['crm_config', 'nodes', 'resources', 'constraints', 'rsc_defaults', 'op_defaults', 'alerts', 'tags']);

export function parseCibXml(input: ParserInput): Cib {
  const ctx = new XmlContext('cib-xml');
  const root = ctx.parse(input, cibPrune);
  if (root.name !== 'cib' && root.name !== 'configuration' && root.name !== 'status' && !SCOPES.has(root.name)) {
    throw ctx.error(root, `root element <${clip(root.name)}> is not <cib>`);
  }
  const a = root.name === 'cib' ? root.attrs : {};
  const cib: Cib = {
    source: 'cib-xml',
    epoch: parseInteger(a.epoch),
    numUpdates: parseInteger(a.num_updates),
    adminEpoch: parseInteger(a.admin_epoch),
    validateWith: a['validate-with'] ?? null,
    crmFeatureSet: a.crm_feature_set ?? null,
    haveQuorum: parseBoolean(a['have-quorum']),
    dcUuid: a['dc-uuid'] ?? null,
    lastWritten: a['cib-last-written'] ?? null,
    attrs: { ...a },
    configuration: {
      properties: {},
      propertySets: [],
      maintenanceMode: false,
      stonithEnabled: true,
      nodes: [],
      resources: [],
      constraints: { location: [], colocation: [], order: [], ticket: [] },
      rscDefaults: [],
      opDefaults: [],
      alerts: [],
      tags: {},
    },
    status: [],
    warnings: [],
  };
  const sections = root.name === 'cib' ? root.children : [root];
  for (const section of sections) {
    if (section.name === 'configuration') configuration(ctx, section, cib);
    else if (SCOPES.has(section.name)) configuration(ctx, { ...section, name: 'configuration', children: [section] }, cib);
    else if (section.name === 'status') cib.status = parseStatus(ctx, section);
    else ctx.unknownElement(section, '<cib>');
  }
  cib.warnings = ctx.finish();
  return cib;
}

function configuration(ctx: XmlContext, el: XmlElement, cib: Cib): void {
  const conf = cib.configuration;
  for (const c of el.children) {
    switch (c.name) {
      case 'crm_config': {
        const { sets, merged } = collectSets(ctx, c, 'cluster_property_set');
        conf.propertySets = sets;
        conf.properties = merged;
        conf.maintenanceMode = bool(merged['maintenance-mode']);
        conf.stonithEnabled = bool(merged['stonith-enabled'], true);
        break;
      }
      case 'nodes':
        conf.nodes = nodes(ctx, c);
        break;
      case 'resources':
        conf.resources = parseResourceList(ctx, c);
        break;
      case 'constraints':
        conf.constraints = parseConstraints(ctx, c);
        break;
      case 'rsc_defaults':
        conf.rscDefaults = c.children.filter((s) => s.name === 'meta_attributes').map((s) => parseNvSet(ctx, s));
        break;
      case 'op_defaults':
        conf.opDefaults = c.children.filter((s) => s.name === 'meta_attributes').map((s) => parseNvSet(ctx, s));
        break;
      case 'alerts':
        conf.alerts = alerts(ctx, c);
        break;
      case 'tags':
        for (const t of c.children) {
          if (t.name === 'tag') setOwn(conf.tags, ctx.need(t, 'id'), t.children.map((r) => r.attrs.id ?? '').filter(Boolean));
        }
        break;
      case 'fencing-topology':
      case 'acls':
        break;
      default:
        ctx.unknownElement(c, '<configuration>');
    }
  }
}

function nodes(ctx: XmlContext, el: XmlElement): CibNode[] {
  const out: CibNode[] = [];
  for (const n of el.children) {
    if (n.name !== 'node') {
      ctx.unknownElement(n, '<nodes>');
      continue;
    }
    const instance = collectSets(ctx, n, 'instance_attributes');
    out.push({
      id: ctx.need(n, 'id'),
      uname: ctx.need(n, 'uname'),
      type: n.attrs.type ?? null,
      attributes: instance.merged,
      utilization: collectSets(ctx, n, 'utilization').merged,
      instanceSets: instance.sets,
    });
  }
  return out;
}

function alerts(ctx: XmlContext, el: XmlElement): Alert[] {
  const out: Alert[] = [];
  for (const al of el.children) {
    if (al.name !== 'alert') {
      ctx.unknownElement(al, '<alerts>');
      continue;
    }
    const alert: Alert = {
      id: ctx.need(al, 'id'),
      path: ctx.need(al, 'path'),
      description: al.attrs.description ?? null,
      meta: collectSets(ctx, al, 'meta_attributes').merged,
      params: collectSets(ctx, al, 'instance_attributes').merged,
      select: [],
      selectAttributes: [],
      recipients: [],
    };
    for (const c of al.children) {
      if (c.name === 'select') {
        for (const s of c.children) {
          alert.select.push(s.name.replace(/^select_/, ''));
          if (s.name === 'select_attributes') {
            for (const attr of s.children) if (attr.attrs.name !== undefined) alert.selectAttributes.push(attr.attrs.name);
          }
        }
      } else if (c.name === 'recipient') {
        const r: AlertRecipient = {
          id: ctx.need(c, 'id'),
          value: ctx.need(c, 'value'),
          meta: collectSets(ctx, c, 'meta_attributes').merged,
          params: collectSets(ctx, c, 'instance_attributes').merged,
        };
        alert.recipients.push(r);
      }
    }
    out.push(alert);
  }
  return out;
}

