/**
 * Meta-data XML rendered from an agent's declaration.
 *
 * Our bar: valid against ocf-tester's ra-api-1.dtd AND pcs's OCF schema. So the document is
 * OCF 1.0 with the DTD's DOCTYPE, the DTD's content types only, and every action with a
 * timeout. An agent that declares a reloadable parameter is rendered as OCF 1.1 instead
 * (`reloadable` and `reload-agent` do not exist in 1.0), which pcs accepts but the DTD cannot.
 */
import type { ActionAdvert, AgentSpec, ParameterSpecs } from './agent.ts';

const BUILTIN_ACTIONS = ['meta-data', 'validate-all'] as const;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function actionLine(name: string, advert: ActionAdvert, ocf11: boolean): string {
  let line = `    <action name="${name}" timeout="${advert.timeout}s"`;
  if (advert.interval !== undefined) line += ` interval="${advert.interval}s"`;
  if (advert.depth !== undefined) line += ` depth="${advert.depth}"`;
  if (advert.startDelay !== undefined) line += ` start-delay="${advert.startDelay}s"`;
  if (advert.role) line += ` role="${ocf11 ? advert.role : advert.role === 'Promoted' ? 'Master' : 'Slave'}"`;
  return `${line} />`;
}

export function isOcf11<S extends ParameterSpecs>(spec: AgentSpec<S>): boolean {
  return Object.values(spec.parameters).some((p) => p.reloadable);
}

export function renderMetadata<S extends ParameterSpecs>(spec: AgentSpec<S>): string {
  const ocf11 = isOcf11(spec);
  const out: string[] = ['<?xml version="1.0"?>'];
  if (!ocf11) out.push('<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">');
  out.push(`<resource-agent name="${escape(spec.name)}" version="${escape(spec.version)}">`);
  out.push(`  <version>${ocf11 ? '1.1' : '1.0'}</version>`);
  out.push(`  <longdesc lang="en">${escape(spec.longdesc.trim())}</longdesc>`);
  out.push(`  <shortdesc lang="en">${escape(spec.shortdesc)}</shortdesc>`);
  out.push('  <parameters>');
  for (const [name, p] of Object.entries(spec.parameters)) {
    let open = `    <parameter name="${escape(name)}" unique="${p.unique ? 1 : 0}" required="${p.required ? 1 : 0}"`;
    if (ocf11 && p.reloadable) open += ' reloadable="1"';
    out.push(`${open}>`);
    out.push(`      <longdesc lang="en">${escape(p.longdesc.trim())}</longdesc>`);
    out.push(`      <shortdesc lang="en">${escape(p.shortdesc)}</shortdesc>`);
    const dflt = p.default !== undefined ? ` default="${escape(p.default)}"` : '';
    out.push(`      <content type="${p.type}"${dflt} />`);
    out.push('    </parameter>');
  }
  out.push('  </parameters>');
  out.push('  <actions>');
  for (const [name, action] of Object.entries(spec.actions)) {
    if (!action) continue;
    if (name === 'reload-agent' && !ocf11) continue;
    out.push(actionLine(name, action, ocf11));
    for (const extra of action.also ?? []) out.push(actionLine(name, extra, ocf11));
  }
  out.push(actionLine('meta-data', { timeout: 5 }, ocf11));
  out.push(actionLine('validate-all', { timeout: spec.validateTimeout ?? 20 }, ocf11));
  out.push('  </actions>');
  out.push('</resource-agent>');
  return out.join('\n') + '\n';
}
