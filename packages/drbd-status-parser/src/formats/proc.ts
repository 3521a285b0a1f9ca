/**
 * /proc/drbd of DRBD 8.3 and 8.4 (DRBD 9 prints only the version lines there).
 *
 *   version: 8.4.11 (api:1/proto:86-101)
 *   srcversion: B536C32A3EADA868561EFD9
 *    0: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----
 *       ns:143360 nr:0 dw:0 dr:143360 al:8 bm:0 lo:0 pe:7 ua:0 ap:0 ep:1 wo:f oos:906748
 *   	[=>..................] sync'ed: 13.7% (906748/1048508)K
 *   	finish: 0:01:54 speed: 7,872 (7,872) K/sec
 *    2: cs:Unconfigured
 *
 * Minors have no resource name: each becomes a resource named `minor-<N>` with one volume and
 * one connection named `peer`. StandAlone leaves the protocol column empty; DRBD 8.3 kernels can
 * print a NUL byte in the I/O flags.
 */
import { newConnection, newPeerVolume, newResource, newVolume } from '../build.ts';
import { startDocument } from '../document.ts';
import { refuseNul } from '../input.ts';
import { clip, quote } from '../limits.ts';
import { Lines } from '../lines.ts';
import { bareText, keyValues } from '../words.ts';
import type { DrbdStatus, Generation, IoFlags, Resource, SyncProgress } from '../model.ts';
import { int, intern, normDisk, normRole, percentFromOos, splitCs } from '../normalize.ts';
import type { Warn } from '../warnings.ts';
import { stat } from '../fields.ts';

/** A line of white space only (tested without making a trimmed copy of every line). */
const BLANK_RE = /^\s*$/;
const MINOR_RE = /^[ \t]*(\d{1,9}):[ \t]+cs:(\S*)(.*)$/;
const PROGRESS_RE =
  /^[ \t]*\[[=>.]*\][ \t]*(sync'ed|verified):[ \t]*(\d+(?:\.\d+)?)%[ \t]*\((\d+)\/(\d+)\)([KM])/;
const FINISH_RE =
  /^[ \t]*finish:[ \t]*(\d+):(\d\d):(\d\d)[ \t]+speed:[ \t]*([\d,]+)[ \t]*\(([\d,]+)\)(?:[ \t]+want:[ \t]*([\d,]+))?[ \t]*K\/sec/;

export function generationOf(version: string): Generation {
  if (/^8\.4\./.test(version) || version === '8.4') return '8.4';
  if (/^8\.[0-3](\.|$)/.test(version)) return '8.3';
  if (/^9\./.test(version)) return '9';
  return 'unknown';
}

/**
 * DRBD 8.3 kernels printed a NUL in the I/O flags of a minor line (` 1: cs:Connected ... r---\0`);
 * that is the one place a NUL byte is real DRBD output.
 */
function nulOnlyInFlags(line: string): boolean {
  if (!MINOR_RE.test(line)) return false;
  const trimmed = line.replace(/[ \t]+$/, '');
  const lastGap = Math.max(trimmed.lastIndexOf(' '), trimmed.lastIndexOf('\t'));
  return line.indexOf('\0') > lastGap && !trimmed.slice(lastGap + 1).includes(':');
}

function ioFlags(raw: string): IoFlags {
  const f = raw.replace(/\0/g, '');
  const at = (i: number): string => f.charAt(i);
  const cong = at(4);
  return {
    raw: intern(f),
    ioSuspended: at(0) === 's',
    pausedAfter: at(1) === 'a',
    pausedPeer: at(2) === 'p',
    pausedUser: at(3) === 'u',
    congestion: cong !== '' && cong !== '-' ? cong : null,
    alSuspended: at(5) === 's',
  };
}

const kib = (n: number, unit: string): number => (unit === 'M' ? n * 1024 : n);
const commaInt = (s: string): number => Number(s.replace(/,/g, ''));

export function parseProc(text: string): DrbdStatus {
  const lines = new Lines(text);
  const at = startDocument('proc-drbd');
  const { doc, warn, fail } = at;
  let current: Resource | null = null;
  let sawVersion = false;

  for (let line = lines.next(); line !== null; line = lines.next()) {
    at.line = lines.no;
    at.lineText = line;
    if (line.includes('\0') && !nulOnlyInFlags(line)) refuseNul(text, 'proc-drbd');
    if (BLANK_RE.test(line)) continue;

    if (line.startsWith('version:')) {
      const m = /^version:[ \t]*(\S+)/.exec(line);
      if (!m) fail('version line without a version');
      doc.version = m![1]!;
      doc.generation = generationOf(doc.version);
      if (doc.generation === 'unknown') warn(`unrecognised DRBD version ${quote(doc.version)}`);
      sawVersion = true;
      continue;
    }
    if (/^(GIT-hash|srcversion):/.test(line)) continue;

    const minor = MINOR_RE.exec(line);
    if (minor) {
      current = null;
      const n = Number(minor[1]);
      const cs = minor[2]!;
      if (cs === 'Unconfigured') {
        doc.unconfiguredMinors.push(n);
        continue;
      }
      current = minorResource(n, cs, minor[3]!, warn, fail);
      doc.resources.push(current);
      continue;
    }

    if (/^[ \t]/.test(line) && current) {
      indentedLine(line, current, warn, fail);
      continue;
    }
    fail(current ? 'unrecognised line' : 'unrecognised line (expected version:, or " N: cs:...")');
  }
  if (!sawVersion) warn('no version: line; DRBD generation unknown');
  if (doc.generation === '9' && doc.resources.length === 0) {
    warn('DRBD 9 /proc/drbd lists no resources; use drbdsetup status or events2 instead');
  }
  at.warnings.finish();
  return doc;
}

function minorResource(
  n: number,
  cs: string,
  rest: string,
  warn: Warn,
  fail: (reason: string) => never,
): Resource {
  const res = newResource(`minor-${n}`);
  res.minor = n;
  const { kv, bare } = keyValues(rest);
  const ro = kv.get('ro') ?? kv.get('st'); // 8.0-8.2 printed st:
  const ds = kv.get('ds');
  if (ro === undefined) fail('minor line without ro:');
  if (ds === undefined) fail('minor line without ds:');
  const [role = '', peerRole = ''] = ro!.split('/');
  const [disk = '', peerDisk = ''] = ds!.split('/');
  if (ro!.split('/').length !== 2) warn(`ro:${quote(ro!)} is not <role>/<peer role>`);
  if (ds!.split('/').length !== 2) warn(`ds:${quote(ds!)} is not <disk>/<peer disk>`);

  res.role = normRole(role, warn);
  res.roleRaw = intern(role);
  // Remaining bare tokens: an optional protocol letter, then the I/O flags.
  let rest2 = bare.sample;
  let extra = bare.count;
  if (rest2.length > 0 && /^[A-C]$/.test(rest2[0]!)) {
    res.protocol = rest2[0]!;
    rest2 = rest2.slice(1);
    extra--;
  }
  if (rest2.length > 0) {
    res.ioFlags = ioFlags(rest2[0]!);
    rest2 = rest2.slice(1);
    extra--;
  }
  if (extra > 0) {
    warn(`unexpected extra text after the I/O flags: ${bareText({ count: extra, sample: rest2 })}`);
  }
  res.suspended = res.ioFlags ? res.ioFlags.ioSuspended : null;
  res.suspendedRaw = res.ioFlags ? (res.ioFlags.ioSuspended ? 's' : 'r') : null;

  const vol = newVolume(0);
  vol.minor = n;
  vol.disk = normDisk(disk, warn);
  vol.diskRaw = intern(disk);
  res.volumes = [vol];

  const conn = newConnection('peer');
  const split = splitCs(cs, warn);
  conn.state = split.state;
  conn.stateRaw = intern(cs);
  conn.peerRole = normRole(peerRole, warn);
  conn.peerRoleRaw = intern(peerRole);
  const pv = newPeerVolume(0);
  pv.replication = split.replication;
  pv.replicationRaw = conn.stateRaw;
  pv.peerDisk = normDisk(peerDisk, warn);
  pv.peerDiskRaw = intern(peerDisk);
  if (res.ioFlags) {
    pv.resyncSuspended = res.ioFlags.pausedAfter || res.ioFlags.pausedPeer || res.ioFlags.pausedUser;
    const why = [
      res.ioFlags.pausedUser ? 'user' : '',
      res.ioFlags.pausedPeer ? 'peer' : '',
      res.ioFlags.pausedAfter ? 'dependency' : '',
    ].filter(Boolean);
    pv.resyncSuspendedRaw = intern(why.length ? why.join(',') : 'no');
  }
  conn.volumes = [pv];
  res.connections = [conn];
  return res;
}

function indentedLine(
  line: string,
  res: Resource,
  warn: Warn,
  fail: (reason: string) => never,
): void {
  const vol = res.volumes[0]!;
  const pv = res.connections[0]!.volumes[0]!;
  const trimmed = line.trim();
  if (/^ns:/.test(trimmed)) {
    const { kv, bare } = keyValues(trimmed);
    if (bare.count) warn(`unexpected text in the counters line: ${bareText(bare)}`);
    for (const [k, v] of kv) stat(vol.stats, k, int(v) ?? v, warn);
    const oos = kv.has('oos') ? int(kv.get('oos')!) : null;
    if (oos !== null) {
      pv.outOfSyncKiB = oos;
      pv.percentInSync = percentFromOos(oos, null);
    }
    return;
  }
  const prog = PROGRESS_RE.exec(line);
  if (prog) {
    const sync = ensureSync(pv);
    sync.verify = prog[1] === 'verified';
    sync.percent = Number(prog[2]);
    sync.remainingKiB = kib(Number(prog[3]), prog[5]!);
    sync.totalKiB = kib(Number(prog[4]), prog[5]!);
    pv.resyncDone = sync.percent;
    return;
  }
  const fin = FINISH_RE.exec(line);
  if (fin) {
    const sync = ensureSync(pv);
    sync.finishSeconds = Number(fin[1]) * 3600 + Number(fin[2]) * 60 + Number(fin[3]);
    sync.speedKiBps = commaInt(fin[4]!);
    sync.averageSpeedKiBps = commaInt(fin[5]!);
    sync.wantKiBps = fin[6] !== undefined ? commaInt(fin[6]) : null;
    return;
  }
  if (/^(resync|act_log):/.test(trimmed) || /^\d+:\s/.test(trimmed)) {
    // proc_details extras (resync/act_log LRU lines); not modelled.
    return;
  }
  if (/^[[]/.test(trimmed) || /^finish:/.test(trimmed)) {
    fail('malformed resync progress line');
  }
  warn(`unrecognised line under minor ${res.minor}: ${clip(trimmed, 80)}`);
}

function ensureSync(pv: { sync: SyncProgress | null }): SyncProgress {
  if (!pv.sync) {
    pv.sync = {
      percent: null,
      remainingKiB: null,
      totalKiB: null,
      finishSeconds: null,
      speedKiBps: null,
      averageSpeedKiBps: null,
      wantKiBps: null,
      verify: false,
    };
  }
  return pv.sync;
}
