// DRBD simulator (test double): paths and knobs, all from the environment (see README.md).
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { mkdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';

export function simHostname() {
  return process.env.DRBD_SIM_HOSTNAME || osHostname();
}
/** The network namespace's inode: tells apart lab nodes of the same name in different labs,
 *  and stays the same across a lab node's stop/start (the namespace lives on). */
function netnsInode() {
  try {
    return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/net'))?.[1] ?? '0';
  } catch {
    return '0';
  }
}

/** Metadata (what DRBD's meta-disk holds): survives a node's reboot. */
export function stateDir() {
  return process.env.DRBD_SIM_STATE_DIR || join('/var/lib/ocfkit-drbd-sim', `${simHostname()}-net${netnsInode()}`);
}
/** Runtime ("the loaded kernel module"): the node's private /run, gone at reboot. */
export function runDir() {
  return process.env.DRBD_SIM_RUN_DIR || '/run/ocfkit-drbd-sim';
}
export function defaultConfig() {
  return process.env.DRBD_SIM_CONF || '/etc/drbd.conf';
}

function num(name, dflt) {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && process.env[name] !== '' && process.env[name] !== undefined ? v : dflt;
}

export function knobs() {
  return {
    resyncKiBps: num('DRBD_SIM_RESYNC_KIBPS', 65536),
    writeKiBps: num('DRBD_SIM_WRITE_KIBPS', 256),
    sizeKiB: num('DRBD_SIM_SIZE_KIB', 1048508),
    pingMs: num('DRBD_SIM_PING_MS', 300),
    timeoutMs: num('DRBD_SIM_TIMEOUT_MS', 1200),
    connectRetryMs: num('DRBD_SIM_CONNECT_RETRY_MS', 300),
    handlerTimeoutMs: num('DRBD_SIM_HANDLER_TIMEOUT_MS', 60_000),
  };
}

export const paths = {
  meta: (res) => join(stateDir(), `${res}.md.json`),
  state: (res) => join(runDir(), `${res}.state.json`),
  sock: (res) => join(runDir(), `${res}.sock`),
  log: (res) => join(runDir(), `${res}.log`),
  hang: () => join(runDir(), 'hang'),
  hangNext: () => join(runDir(), 'hang-next'),
};

export function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Atomic write (rename), so a reader never sees half a file. */
export function writeJson(file, value) {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}

export const JUST_CREATED = '0000000000000004';

export function randomUuid() {
  let s = '';
  for (let i = 0; i < 16; i++) s += '0123456789ABCDEF'[Math.floor(Math.random() * 16)];
  // Like DRBD, the lowest bit is a flag (primary at creation); keep it clear.
  return s.slice(0, 15) + ((parseInt(s[15], 16) & 0xe).toString(16).toUpperCase());
}

/** UUIDs compared without their lowest bit, as DRBD does. */
export function sameUuid(a, b) {
  if (!a || !b) return false;
  return (BigInt('0x' + a) & ~1n) === (BigInt('0x' + b) & ~1n);
}
