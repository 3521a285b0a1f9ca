/**
 * The one XML seam: text in, a small element tree out (`XmlElement`), typed `XmlParseError`s.
 * DOCTYPE/ENTITY declarations are refused by every backend: no entity is ever expanded.
 *
 * The backend is chosen by bench/cluster.ts; swapping it is a change to `DEFAULT_BACKEND`.
 */
import { scanXml } from './scan.ts';
import { saxesXml } from './saxes-tree.ts';
import type { XmlElement } from './tree.ts';

export type XmlBackend = 'scan' | 'saxes';

export const DEFAULT_BACKEND: XmlBackend = 'scan';

export interface ParseXmlOptions {
  backend?: XmlBackend;
}

export function parseXml(text: string, options: ParseXmlOptions = {}): XmlElement {
  const backend = options.backend ?? DEFAULT_BACKEND;
  return backend === 'saxes' ? saxesXml(text) : scanXml(text);
}

export { XmlParseError, elementPath, lineColumn, childrenNamed, firstChild } from './tree.ts';
export type { XmlElement } from './tree.ts';
