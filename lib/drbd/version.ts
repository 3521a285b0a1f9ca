/**
 * `drbdadm --version` → which DRBD this node runs. Pure.
 *
 * drbdadm prints shell assignments (`DRBD_KERNEL_VERSION_CODE=0x08040b`, `DRBDADM_VERSION=9.22.0`,
 * …). The kernel module decides the generation (8.4 or 9), not the utilities: drbd-utils 9
 * drive an 8.4 module through drbdadm-84/drbdsetup-84. A code of 0 means the module is not
 * loaded (drbdadm then cannot tell).
 */
export type Generation = '8.3' | '8.4' | '9';

export interface DrbdVersion {
  /** DRBD_KERNEL_VERSION_CODE, e.g. 0x08040b; 0 when the module is not loaded. */
  kernelCode: number;
  /** e.g. "8.4.11", or null when not loaded. */
  kernel: string | null;
  utilsCode: number;
  utils: string | null;
  /** From the kernel code; null when the module is not loaded. */
  generation: Generation | null;
}

export class VersionParseError extends Error {
  override name = 'VersionParseError';
}

function assignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

export function codeToVersion(code: number): string {
  return `${(code >> 16) & 0xff}.${(code >> 8) & 0xff}.${code & 0xff}`;
}

export function generationOf(code: number): Generation | null {
  if (code === 0) return null;
  if (code >= 0x090000) return '9';
  if (code >= 0x080400) return '8.4';
  return '8.3';
}

/** Parse `drbdadm --version`; throws VersionParseError when DRBD_KERNEL_VERSION_CODE is missing or malformed. */
export function parseVersion(text: string): DrbdVersion {
  const a = assignments(text);
  const raw = a.get('DRBD_KERNEL_VERSION_CODE');
  if (raw === undefined) throw new VersionParseError('drbdadm --version printed no DRBD_KERNEL_VERSION_CODE');
  if (!/^0x[0-9a-fA-F]{1,8}$/.test(raw)) throw new VersionParseError(`drbdadm --version: DRBD_KERNEL_VERSION_CODE '${raw.slice(0, 40)}' is not a hex code`);
  const kernelCode = Number.parseInt(raw.slice(2), 16);
  const utilsRaw = a.get('DRBDADM_VERSION_CODE');
  const utilsCode = utilsRaw && /^0x[0-9a-fA-F]{1,8}$/.test(utilsRaw) ? Number.parseInt(utilsRaw.slice(2), 16) : 0;
  return {
    kernelCode,
    kernel: kernelCode === 0 ? null : codeToVersion(kernelCode),
    utilsCode,
    utils: a.get('DRBDADM_VERSION') ?? (utilsCode ? codeToVersion(utilsCode) : null),
    generation: generationOf(kernelCode),
  };
}

/** "x.y.z" → code, or null when not of that form. */
export function versionCode(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return null;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (a > 255 || b > 255 || c > 255) return null;
  return (a << 16) | (b << 8) | c;
}
