/** CIB `<constraints>`: location (rules, roles), colocation, order, ticket; resource sets. */
import type { XmlElement } from '../xml/parse-xml.ts';
import type { CibConstraints, ResourceSet, Rule } from './cib-model.ts';
import { parseRule } from './cib-nvsets.ts';
import { parseBoolean, parseScore } from './normalize.ts';
import { type XmlContext, extraAttrs } from './xml-context.ts';

const LOCATION_KNOWN = new Set(['id', 'rsc', 'rsc-pattern', 'node', 'score', 'role']);
const COLOCATION_KNOWN = new Set(['id', 'rsc', 'with-rsc', 'rsc-role', 'with-rsc-role', 'score']);
const ORDER_KNOWN = new Set(['id', 'first', 'then', 'first-action', 'then-action', 'kind', 'symmetrical', 'score']);
const TICKET_KNOWN = new Set(['id', 'ticket', 'rsc', 'rsc-role', 'loss-policy']);

export function parseConstraints(ctx: XmlContext, el: XmlElement): CibConstraints {
  const out: CibConstraints = { location: [], colocation: [], order: [], ticket: [] };
  for (const c of el.children) {
    const a = c.attrs;
    switch (c.name) {
      case 'rsc_location': {
        const rules: Rule[] = [];
        for (const r of c.children) if (r.name === 'rule') rules.push(parseRule(ctx, r));
        out.location.push({
          kind: 'location',
          id: ctx.need(c, 'id'),
          resource: a.rsc ?? null,
          resourcePattern: a['rsc-pattern'] ?? null,
          node: a.node ?? null,
          score: parseScore(a.score),
          role: ctx.role(c, 'role'),
          rules,
          sets: sets(ctx, c),
          extra: extraAttrs(c, LOCATION_KNOWN),
        });
        break;
      }
      case 'rsc_colocation':
        out.colocation.push({
          kind: 'colocation',
          id: ctx.need(c, 'id'),
          resource: a.rsc ?? null,
          withResource: a['with-rsc'] ?? null,
          resourceRole: ctx.role(c, 'rsc-role'),
          withResourceRole: ctx.role(c, 'with-rsc-role'),
          score: parseScore(a.score),
          sets: sets(ctx, c),
          extra: extraAttrs(c, COLOCATION_KNOWN),
        });
        break;
      case 'rsc_order':
        out.order.push({
          kind: 'order',
          id: ctx.need(c, 'id'),
          first: a.first ?? null,
          then: a.then ?? null,
          firstAction: a['first-action'] ?? null,
          thenAction: a['then-action'] ?? null,
          orderKind: a.kind ?? null,
          symmetrical: parseBoolean(a.symmetrical),
          score: parseScore(a.score),
          sets: sets(ctx, c),
          extra: extraAttrs(c, ORDER_KNOWN),
        });
        break;
      case 'rsc_ticket':
        out.ticket.push({
          kind: 'ticket',
          id: ctx.need(c, 'id'),
          ticket: ctx.need(c, 'ticket'),
          resource: a.rsc ?? null,
          resourceRole: ctx.role(c, 'rsc-role'),
          lossPolicy: a['loss-policy'] ?? null,
          sets: sets(ctx, c),
          extra: extraAttrs(c, TICKET_KNOWN),
        });
        break;
      default:
        ctx.unknownElement(c, '<constraints>');
    }
  }
  return out;
}

function sets(ctx: XmlContext, el: XmlElement): ResourceSet[] {
  const out: ResourceSet[] = [];
  for (const s of el.children) {
    if (s.name !== 'resource_set') continue;
    const a = s.attrs;
    const resources: string[] = [];
    for (const r of s.children) if (r.name === 'resource_ref' && r.attrs.id !== undefined) resources.push(r.attrs.id);
    out.push({
      id: a.id ?? null,
      idRef: a['id-ref'] ?? null,
      sequential: parseBoolean(a.sequential),
      requireAll: parseBoolean(a['require-all']),
      ordering: a.ordering ?? null,
      action: a.action ?? null,
      role: ctx.role(s, 'role'),
      score: parseScore(a.score),
      resources,
    });
  }
  return out;
}
