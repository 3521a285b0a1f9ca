/**
 * The tiny template language of cib-templates/ (pure; no engine dependency):
 *
 *   {{key}}    the value of `key`, escaped for the output (XML attribute text, or one sh word)
 *   {{key?}}   the same, but the whole line is left out when the value is empty
 *   {{@key}}   a block rendered by code (already escaped), one output line per block line,
 *              indented like the placeholder; the line is left out when the block is empty
 *
 * XML comments (`<!-- … -->`) and lines starting with `##` are template comments and are not
 * rendered. An unknown key is a TemplateError naming the template and line: a template and the
 * code that fills it can never silently disagree.
 */

export type Escape = (value: string) => string;

export class TemplateError extends Error {
  constructor(
    readonly template: string,
    readonly line: number,
    problem: string,
  ) {
    super(`template ${template}, line ${line}: ${problem}`);
    this.name = 'TemplateError';
  }
}

/** XML attribute text: the five metacharacters plus every control character XML would normalise away. */
export const xmlEscape: Escape = (value) =>
  value.replace(/[&<>"'\t\n\r]/g, (c) => XML_ENTITIES[c]!);

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** One sh word, whatever the value: single quotes, each ' written as '\''. */
export const shQuote: Escape = (value) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

export interface TemplateValues {
  /** Scalar values by key. */
  values: Readonly<Record<string, string>>;
  /** Pre-rendered blocks by key (each element one output line). */
  blocks?: Readonly<Record<string, readonly string[]>>;
}

const PLACEHOLDER = /\{\{\s*([@]?)([A-Za-z_][A-Za-z0-9_.]*)(\??)\s*\}\}/g;

/** Every key a template uses (for the test that templates and code agree). */
export function templateKeys(text: string): { values: string[]; blocks: string[] } {
  const values = new Set<string>();
  const blocks = new Set<string>();
  for (const m of stripComments(text).matchAll(PLACEHOLDER)) (m[1] ? blocks : values).add(m[2]!);
  return { values: [...values].sort(), blocks: [...blocks].sort() };
}

function stripComments(text: string): string {
  // Keep line numbers: a comment's newlines stay.
  return text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ''));
}

export function renderTemplate(name: string, text: string, input: TemplateValues, escape: Escape, opts: { shell?: boolean; keepBlank?: boolean } = {}): string {
  const out: string[] = [];
  const lines = stripComments(text).split('\n');
  lines.forEach((line, i) => {
    if (/^\s*##/.test(line)) return;
    if (line.trim() === '') {
      if (opts.keepBlank && out.length > 0 && out[out.length - 1] !== '') out.push('');
      return;
    }
    let drop = false;
    let block: string[] | null = null;
    const rendered = line.replace(PLACEHOLDER, (_m, at: string, key: string, optional: string) => {
      if (at) {
        if (line.trim() !== _m) throw new TemplateError(name, i + 1, `a block {{@${key}}} must stand alone on its line`);
        const b = input.blocks?.[key];
        if (b === undefined) throw new TemplateError(name, i + 1, `unknown block '${key}'`);
        block = [...b];
        return '';
      }
      if (!Object.prototype.hasOwnProperty.call(input.values, key)) throw new TemplateError(name, i + 1, `unknown variable '${key}'`);
      const value = input.values[key]!;
      if (optional && value === '') drop = true;
      return escape(value);
    });
    if (drop) return;
    if (block !== null) {
      const indent = /^\s*/.exec(line)![0];
      for (const b of block as string[]) out.push(indent + b);
      return;
    }
    out.push(rendered.replace(/\s+$/, ''));
  });
  // A line continued with `\` onto nothing (its continuation was left out) ends there.
  for (let i = 0; opts.shell && i < out.length; i++) {
    if (/\s\\$/.test(out[i]!) && (i === out.length - 1 || !/^\s/.test(out[i + 1]!))) out[i] = out[i]!.replace(/\s+\\$/, '');
  }
  return out.join('\n');
}
