/**
 * The fencing constraint of a DRBD resource, read from and written for the CIB. Pure.
 *
 * One `rsc_location` with its own id, `ocfkit-drbd-fence-<resource>`, on the promotable clone
 * that runs the DRBD resource: a rule with role Promoted and score -INFINITY whose expression
 * `#uname ne <node>` bans the Promoted role from every node but the one with good data. It is
 * found by that id only: no other constraint is ever read as ours, changed or removed.
 */
import type { Cib, CibClone, CibPrimitive, LocationConstraint } from '../../cluster/index.ts';

export const CONSTRAINT_PREFIX = 'ocfkit-drbd-fence-';

/**
 * `ocfkit-drbd-fence-<resource>`. The CIB's ids are XML IDs (letters, digits, `_.-`); a resource
 * name may also hold `+:@%=`, which the CIB's schema would refuse (so fence-peer could never
 * place its constraint): such a name is written `ocfkit-drbd-fence--<encoded>`, each of `_+:@%=`
 * as `_` and two hex digits. A resource name never starts with `-`, so
 * the two forms cannot meet, and the encoding is one-to-one.
 */
export function constraintId(resource: string): string {
  if (!/[+:@%=]/.test(resource)) return `${CONSTRAINT_PREFIX}${resource}`;
  const encoded = resource.replace(/[_+:@%=]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}`);
  return `${CONSTRAINT_PREFIX}-${encoded}`;
}

export class FenceConfigError extends Error {
  override name = 'FenceConfigError';
}

function primitivesOf(clone: CibClone): CibPrimitive[] {
  const c = clone.child;
  if (!c) return [];
  return c.kind === 'primitive' ? [c] : c.children;
}

/**
 * The id of the promotable clone whose primitive has `drbd_resource=<resource>` (ocf:linbit:drbd
 * or ocf:ocfkit:drbd, in a `<clone promotable=true>` or a legacy `<master>`).
 */
export function promotableCloneOf(cib: Cib, resource: string): string {
  const found = cib.configuration.resources
    .filter((r): r is CibClone => r.kind === 'clone' && r.promotable)
    .filter((c) => primitivesOf(c).some((p) => p.params.drbd_resource === resource))
    .map((c) => c.id);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new FenceConfigError(`no promotable clone in the CIB runs DRBD resource '${resource}' (a primitive with drbd_resource=${resource})`);
  throw new FenceConfigError(`several promotable clones run DRBD resource '${resource}': ${found.join(', ')}; name one with --clone`);
}

/**
 * How the CIB spells the promoted role in a rule: `Promoted` from schema pacemaker-3.7 (Pacemaker
 * 2.1.0), `Master` before (an older schema rejects `Promoted`).
 */
export function promotedSpelling(validateWith: string | null): 'Promoted' | 'Master' {
  const m = /^pacemaker-(\d+)\.(\d+)$/.exec(validateWith ?? '');
  if (!m) return 'Promoted';
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 3 || (major === 3 && minor >= 7) ? 'Promoted' : 'Master';
}

const escapeAttr = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The constraint XML that keeps Promoted of `clone` on `node` only. */
export function constraintXml(resource: string, clone: string, node: string, role: 'Promoted' | 'Master'): string {
  const id = constraintId(resource);
  return (
    `<rsc_location id="${escapeAttr(id)}" rsc="${escapeAttr(clone)}">` +
    `<rule id="${escapeAttr(id)}-rule" role="${role}" score="-INFINITY" boolean-op="and">` +
    `<expression id="${escapeAttr(id)}-expr" attribute="#uname" operation="ne" value="${escapeAttr(node)}"/>` +
    `</rule></rsc_location>`
  );
}

export function ownConstraint(cib: Cib, resource: string): LocationConstraint | null {
  return cib.configuration.constraints.location.find((c) => c.id === constraintId(resource)) ?? null;
}

/**
 * The node our constraint lets be Promoted, when it has exactly our shape on `clone` (any role
 * spelling: the model reads `Master` as Promoted); null when it has another shape.
 */
export function allowedNode(c: LocationConstraint, clone: string): string | null {
  if (c.resource !== clone || c.rules.length !== 1 || c.node !== null) return null;
  const rule = c.rules[0]!;
  if (rule.role !== 'Promoted' || rule.score === null || rule.score > -1_000_000 || rule.rules.length > 0 || rule.expressions.length !== 1) return null;
  const e = rule.expressions[0]!;
  if (e.kind !== 'expression' || e.attrs.attribute !== '#uname' || e.attrs.operation !== 'ne' || e.attrs.value === undefined) return null;
  return e.attrs.value;
}
