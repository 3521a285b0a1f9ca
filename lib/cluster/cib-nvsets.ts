/** CIB name/value sets and rules, shared by every part of the configuration. */
import type { XmlElement } from '../xml/parse-xml.ts';
import type { NvSet, Rule, RuleExpression } from './cib-model.ts';
import { parseScore } from './normalize.ts';
import { type XmlContext, setOwn } from './xml-context.ts';

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

export const NVSET_KINDS: ReadonlySet<string> = new Set([
  'instance_attributes', 'meta_attributes', 'utilization', 'cluster_property_set',
]);

export function parseNvSet(ctx: XmlContext, el: XmlElement): NvSet {
  const set: NvSet = {
    kind: el.name,
    id: el.attrs.id ?? null,
    score: parseScore(el.attrs.score),
    rule: null,
    values: {},
    idRef: el.attrs['id-ref'] ?? null,
  };
  for (const child of el.children) {
    if (child.name === 'nvpair') {
      const name = child.attrs.name;
      if (name === undefined) {
        if (child.attrs['id-ref'] === undefined) ctx.warn(child, '<nvpair> without a name');
        continue;
      }
      if (!has(set.values, name)) setOwn(set.values, name, child.attrs.value ?? '');
    } else if (child.name === 'rule') {
      set.rule = parseRule(ctx, child);
    } else {
      ctx.unknownElement(child, `<${el.name}>`);
    }
  }
  return set;
}

export function parseRule(ctx: XmlContext, el: XmlElement): Rule {
  const rule: Rule = {
    id: el.attrs.id ?? null,
    score: parseScore(el.attrs.score),
    scoreAttribute: el.attrs['score-attribute'] ?? null,
    booleanOp: el.attrs['boolean-op'] === 'or' ? 'or' : 'and',
    role: ctx.role(el, 'role'),
    expressions: [],
    rules: [],
  };
  for (const child of el.children) {
    if (child.name === 'rule') rule.rules.push(parseRule(ctx, child));
    else rule.expressions.push(expression(child));
  }
  return rule;
}

function expression(el: XmlElement): RuleExpression {
  return { kind: el.name, attrs: { ...el.attrs }, children: el.children.map(expression) };
}

/** Sets of one kind among an element's children, and their unconditional values merged. */
export function collectSets(ctx: XmlContext, el: XmlElement, kind: string): { sets: NvSet[]; merged: Record<string, string> } {
  const sets: NvSet[] = [];
  for (const child of el.children) if (child.name === kind) sets.push(parseNvSet(ctx, child));
  return { sets, merged: mergeSets(sets) };
}

/** Values of the sets without rules, first (highest score first) wins, as Pacemaker reads them. */
export function mergeSets(sets: NvSet[]): Record<string, string> {
  const merged: Record<string, string> = {};
  if (sets.length === 0) return merged;
  const ordered = sets.length === 1 ? sets : [...sets].sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  for (const set of ordered) {
    if (set.rule) continue;
    for (const [k, v] of Object.entries(set.values)) if (!has(merged, k)) setOwn(merged, k, v);
  }
  return merged;
}
