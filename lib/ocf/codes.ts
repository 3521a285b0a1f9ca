/** OCF exit codes (OCF resource agent API 1.1, plus Pacemaker's degraded extensions). */
export const OCF = {
  SUCCESS: 0,
  ERR_GENERIC: 1,
  ERR_ARGS: 2,
  ERR_UNIMPLEMENTED: 3,
  ERR_PERM: 4,
  ERR_INSTALLED: 5,
  ERR_CONFIGURED: 6,
  NOT_RUNNING: 7,
  RUNNING_PROMOTED: 8,
  FAILED_PROMOTED: 9,
  DEGRADED: 190,
  DEGRADED_PROMOTED: 191,
} as const;

export type OcfCode = (typeof OCF)[keyof typeof OCF];

const NAMES = new Map<number, string>(Object.entries(OCF).map(([name, code]) => [code, `OCF_${name}`]));

export function codeName(code: number): string {
  return NAMES.get(code) ?? `exit ${code}`;
}

export function isOcfCode(value: unknown): value is OcfCode {
  return typeof value === 'number' && NAMES.has(value);
}
