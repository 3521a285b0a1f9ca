// DRBD simulator (test double): the `drbdadm` and `drbdsetup` command lines of drbd-utils 9.22
// driving an 8.4 kernel module (drbdadm-84 / drbdsetup-84), answered from the simulator's state.
import net from 'node:net';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, forHost, ConfigError } from './config.mjs';
import { knobs, paths, readJson, writeJson, runDir, stateDir, defaultConfig, simHostname, JUST_CREATED } from './env.mjs';
import { statusText, events2Lines, shortRole, shortCstate, shortDstate, shStatus, DRBDSETUP_USAGE, DRBDADM_VERSION } from './format.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

class Exit extends Error {
  constructor(rc, out = '', err = '') {
    super(`exit ${rc}`);
    this.rc = rc;
    this.out = out;
    this.err = err;
  }
}

/** An event-loop sleep, so that signals (SIGTERM at a caller's deadline) act at once. */
function sleepMs(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** The configurable hang: env DRBD_SIM_HANG, <run>/hang (every call), <run>/hang-next (one call).
 *  Content: "SECONDS [SUBCOMMAND]"; without SUBCOMMAND every command hangs. */
async function maybeHang(sub) {
  const matches = (spec) => {
    const [secs, what] = String(spec).trim().split(/\s+/);
    const s = Number(secs);
    return Number.isFinite(s) && s > 0 && (!what || what === sub) ? s : 0;
  };
  let s = process.env.DRBD_SIM_HANG ? matches(process.env.DRBD_SIM_HANG) : 0;
  if (!s) {
    try {
      s = matches(readFileSync(paths.hang(), 'utf8'));
    } catch {
      // no hang configured
    }
  }
  if (!s) {
    try {
      const spec = readFileSync(paths.hangNext(), 'utf8');
      if (matches(spec)) {
        const claimed = `${paths.hangNext()}.${process.pid}`;
        renameSync(paths.hangNext(), claimed); // only one caller gets it
        rmSync(claimed, { force: true });
        s = matches(spec);
      }
    } catch {
      // none, or another call took it
    }
  }
  if (s) await sleepMs(s * 1000);
}

/** The running "module" state of a resource, or null (not up, or its daemon is gone). */
export function view(res) {
  const v = readJson(paths.state(res));
  if (!v) return null;
  try {
    process.kill(v.pid, 0);
  } catch (e) {
    if (e.code === 'ESRCH') return null;
  }
  return v;
}

function runningResources() {
  let names = [];
  try {
    names = readdirSync(runDir());
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.state.json'))
    .map((n) => view(n.slice(0, -'.state.json'.length)))
    .filter(Boolean)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** `primary` may run the fence-peer handler up to 4 times (DRBD 8.4's tries): wait for that. */
const answerMs = (op) => (op === 'primary' ? 4 * knobs().handlerTimeoutMs + 10_000 : 10_000);

function request(res, op, args = {}, timeoutMs = answerMs(op)) {
  return new Promise((resolve) => {
    const c = net.connect(paths.sock(res));
    let buf = '';
    const timer = setTimeout(() => {
      c.destroy();
      resolve({ rc: 20, err: `${res}: simulator daemon did not answer '${op}'\n` });
    }, timeoutMs);
    c.on('connect', () => c.write(JSON.stringify({ op, args }) + '\n'));
    c.on('data', (d) => (buf += d));
    c.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buf));
      } catch {
        resolve({ rc: 20, err: `${res}: bad answer from simulator daemon\n` });
      }
    });
    c.on('error', (e) => {
      clearTimeout(timer);
      resolve({ rc: 10, err: `${res}: No such resource\n`, connError: e.code });
    });
  });
}

// ---- drbdsetup ------------------------------------------------------------------------------

function setupUsage(option) {
  return new Exit(20, DRBDSETUP_USAGE, option);
}

function byMinorOrName(obj) {
  return runningResources().find((v) => String(v.minor) === obj || v.name === obj || v.device === obj) ?? null;
}

const minorGone = (m) => `${m}: Failure: (127) Device minor not allocated\nadditional info from kernel:\nunknown minor\n`;

async function drbdsetup(argv) {
  const [cmd, ...rest] = argv;
  if (!cmd) throw new Exit(20, DRBDSETUP_USAGE, '');
  const flags = rest.filter((a) => a.startsWith('-'));
  const args = rest.filter((a) => !a.startsWith('-'));
  await maybeHang(cmd);
  const known = (list) => {
    for (const f of flags) {
      const name = f.replace(/=.*/, '');
      if (!list.includes(name)) throw setupUsage(`${cmd}: unrecognized option '${name}'\n`);
    }
  };
  switch (cmd) {
    case 'status': {
      known(['--verbose', '-v', '--statistics', '-s', '--color']);
      const verbose = flags.includes('--verbose') || flags.includes('-v');
      const statistics = flags.includes('--statistics') || flags.includes('-s');
      const obj = args[0] ?? 'all';
      const list = runningResources().filter((v) => obj === 'all' || v.name === obj);
      if (list.length === 0 && obj !== 'all') throw new Exit(10, '', `${obj}: No such resource\n`);
      return new Exit(0, list.map((v) => statusText(v, { verbose, statistics })).join(''));
    }
    case 'events2': {
      known(['--now', '--statistics', '-s', '--timestamps', '-t', '--color']);
      const statistics = flags.includes('--statistics') || flags.includes('-s');
      const obj = args[0] ?? 'all';
      const snapshot = () => runningResources().filter((v) => obj === 'all' || v.name === obj);
      const lines = snapshot().flatMap((v) => events2Lines(v, { statistics }));
      if (flags.includes('--now')) return new Exit(0, [...lines, 'exists -'].join('\n') + '\n');
      return streamEvents(lines, snapshot, statistics);
    }
    case 'sh-status': {
      known([]);
      const v = byMinorOrName(args[0] ?? '');
      return new Exit(0, v ? shStatus(v) : '');
    }
    case 'role':
    case 'cstate':
    case 'dstate': {
      known([]);
      const v = byMinorOrName(args[0] ?? '');
      if (!v) throw new Exit(10, '', minorGone(args[0] ?? ''));
      return new Exit(0, cmd === 'role' ? shortRole(v) : cmd === 'cstate' ? shortCstate(v) : shortDstate(v));
    }
    case 'primary':
    case 'secondary':
    case 'outdate':
    case 'detach':
    case 'new-current-uuid': {
      known(['--force', '--clear-bitmap']);
      const v = byMinorOrName(args[0] ?? '');
      if (!v) throw new Exit(10, '', minorGone(args[0] ?? ''));
      const r = await request(v.name, cmd, { force: flags.includes('--force'), clearBitmap: flags.includes('--clear-bitmap') });
      return new Exit(r.rc, r.out ?? '', r.err ?? '');
    }
    case 'disconnect':
    case 'down': {
      known(['--force']);
      const v = byMinorOrName(args[0] ?? '');
      if (!v) return new Exit(0);
      const r = await request(v.name, cmd);
      if (cmd === 'down') await waitGone(v.name);
      return new Exit(r.rc, r.out ?? '', r.err ?? '');
    }
    default:
      throw new Exit(20, DRBDSETUP_USAGE, `${cmd}: unknown command\n`);
  }
}

async function streamEvents(initial, snapshot, statistics) {
  process.stdout.write([...initial, 'exists -'].join('\n') + '\n');
  const key = (l) => l.split(' ').slice(1, l.startsWith('exists peer-device') ? 5 : 4).join(' ');
  let prev = new Map(initial.map((l) => [key(l), l.slice('exists '.length)]));
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = new Map(snapshot().flatMap((v) => events2Lines(v, { statistics })).map((l) => [key(l), l.slice('exists '.length)]));
    const out = [];
    for (const [k, l] of now) if (!prev.has(k)) out.push(`create ${l}`);
      else if (prev.get(k) !== l) out.push(`change ${l}`);
    for (const [k, l] of prev) if (!now.has(k)) out.push(`destroy ${l.split(' ').slice(0, 2).join(' ')}`);
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    prev = now;
  }
}

async function waitGone(res, ms = 3000) {
  const until = Date.now() + ms;
  while (Date.now() < until && view(res)) await new Promise((r) => setTimeout(r, 20));
}

// ---- drbdadm --------------------------------------------------------------------------------

const RES_CMDS = new Set(['up', 'down', 'attach', 'detach', 'connect', 'disconnect', 'primary', 'secondary', 'outdate', 'adjust', 'new-current-uuid', 'create-md', 'status', 'role', 'cstate', 'dstate', 'sh-dev', 'sh-minor', 'sh-md-dev', 'sh-ll-dev']);

function parseAdm(argv) {
  const o = { config: null, dryRun: false, verbose: false, stacked: false, force: false, discard: false, clearBitmap: false, statusFlags: [], cmd: null, objs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-c' || a === '--config-file') o.config = argv[++i];
    else if (a.startsWith('--config-file=')) o.config = a.slice('--config-file='.length);
    else if (a.startsWith('-c') && a.length > 2 && !a.startsWith('--')) o.config = a.slice(2);
    else if (a === '-d' || a === '--dry-run') o.dryRun = true;
    else if (a === '-S' || a === '--stacked') o.stacked = true;
    else if (a === '--force') o.force = true;
    else if (a === '--discard-my-data') o.discard = true;
    else if (a === '--clear-bitmap') o.clearBitmap = true;
    else if (a === '--version' || a === '-V') o.cmd ??= '--version';
    else if (a === '--statistics' || a === '-s') o.statusFlags.push('--statistics');
    else if (a === '--verbose' || a === '-v') {
      if (o.cmd === 'status') o.statusFlags.push('--verbose');
      else o.verbose = true;
    } else if (a === '--') continue;
    else if (a.startsWith('-')) throw new Exit(20, '', `drbdadm: unrecognized option '${a}'\ntry 'drbdadm help'\n`);
    else if (!o.cmd) o.cmd = a;
    else o.objs.push(a);
  }
  if (o.cmd === 'status' && o.verbose) {
    o.statusFlags.push('--verbose');
    o.verbose = false;
  }
  return o;
}

function loadResources(o) {
  const file = o.config ?? defaultConfig();
  try {
    return loadConfig(file);
  } catch (e) {
    if (e instanceof ConfigError) throw new Exit(10, '', `${e.message}\n`);
    throw e;
  }
}

async function drbdadm(argv) {
  const o = parseAdm(argv);
  if (!o.cmd) throw new Exit(20, '', 'USAGE: drbdadm COMMAND [OPTION...] {all|RESOURCE...}\n');
  if (o.cmd === '--version') return new Exit(0, DRBDADM_VERSION);
  if (!RES_CMDS.has(o.cmd)) throw new Exit(20, '', `drbdadm: Unknown command '${o.cmd}'\n`);
  const all = loadResources(o);
  const host = simHostname();
  const mine = all.map((r) => forHost(r, host)).filter(Boolean);
  if (o.stacked) throw new Exit(10, '', `'${o.objs[0] ?? ''}' is not a stacked resource\n`);
  let targets;
  const names = o.objs.map((x) => x.replace(/\/\d+$/, ''));
  if (names.length === 0 || names.includes('all')) {
    if (names.length === 0 && o.cmd !== 'status') throw new Exit(20, '', `drbdadm ${o.cmd}: missing resource name\n`);
    targets = mine;
    if (targets.length === 0) throw new Exit(10, '', 'no resources defined!\n');
  } else {
    targets = names.map((n) => {
      const r = mine.find((x) => x.name === n);
      if (!r) throw new Exit(1, '', `'${n}' not defined in your config (for this host).\n`);
      return r;
    });
  }
  if (!['sh-dev', 'sh-minor', 'sh-md-dev', 'sh-ll-dev', 'create-md'].includes(o.cmd)) await maybeHang(o.cmd);
  let out = '';
  let err = '';
  for (const r of targets) {
    const x = await admOne(o, r);
    out += x.out;
    err += x.err;
    if (x.rc !== 0) throw new Exit(x.rc, out, err);
  }
  return new Exit(0, out, err);
}

function setupLine(o, r, cmd) {
  const m = r.self.minor;
  switch (cmd) {
    case 'status': return ['drbdsetup-84', 'status', r.name, ...o.statusFlags].join(' ');
    case 'attach': return `drbdsetup-84 attach ${m} ${r.self.disk} ${r.self.disk} ${r.self.metaDisk}`;
    case 'connect': return `drbdsetup-84 connect ${r.name} ipv4:${r.self.ip}:${r.self.port} ipv4:${r.peer.ip}:${r.peer.port} --protocol=${r.protocol}${o.discard ? ' --discard-my-data' : ''}`;
    case 'disconnect': return `drbdsetup-84 disconnect ipv4:${r.self.ip}:${r.self.port} ipv4:${r.peer.ip}:${r.peer.port}`;
    case 'down': return `drbdsetup-84 down ${r.name}`;
    case 'new-minor': return `drbdsetup-84 new-minor ${r.name} ${m} 0`;
    case 'primary': return `drbdsetup-84 primary ${m}${o.force ? ' --force' : ''}`;
    case 'new-current-uuid': return `drbdsetup-84 new-current-uuid ${m}${o.clearBitmap ? ' --clear-bitmap' : ''}`;
    default: return `drbdsetup-84 ${cmd} ${m}`;
  }
}

async function step(o, r, cmd, args = {}) {
  const line = setupLine(o, r, cmd);
  if (o.verbose || o.dryRun) process.stdout.write(`${line}\n`);
  if (o.dryRun) return { rc: 0, out: '', err: '' };
  const res = await request(r.name, cmd, args);
  if (res.rc !== 0) return { rc: res.rc, out: res.out ?? '', err: `${res.err ?? ''}Command '${line}' terminated with exit code ${res.rc}\n` };
  return { rc: 0, out: res.out ?? '', err: res.err ?? '' };
}

function spawnModule(r, o) {
  mkdirSync(runDir(), { recursive: true });
  const fd = openSync(paths.log(r.name), 'a');
  try {
    const child = spawn(process.execPath, [join(HERE, 'daemon.mjs'), r.name, o.config ?? defaultConfig()], {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: '/',
      env: process.env,
    });
    child.unref();
  } finally {
    closeSync(fd);
  }
}

async function ensureModule(r, o) {
  if (view(r.name)) return true;
  if (o.dryRun) return true;
  spawnModule(r, o);
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    if (view(r.name) && (await request(r.name, 'ping', {}, 1000)).rc === 0) return true;
    await new Promise((res) => setTimeout(res, 15));
  }
  return false;
}

function mdMissing(r) {
  return (
    `${r.self.minor}: Failure: (119) No valid meta-data signature found.\n\n` +
    `\t==> Use 'drbdadm create-md res' to initialize meta-data area. <==\n\n`
  );
}

async function admOne(o, r) {
  const v = view(r.name);
  const ok = { rc: 0, out: '', err: '' };
  const down = (cmd) => ({ rc: 10, out: '', err: `${minorGone(r.self.minor)}Command '${setupLine(o, r, cmd)}' terminated with exit code 10\n` });
  switch (o.cmd) {
    case 'sh-dev':
      return { ...ok, out: `${r.self.device}\n` };
    case 'sh-minor':
      return { ...ok, out: `${r.self.minor}\n` };
    case 'sh-ll-dev':
    case 'sh-md-dev':
      return { ...ok, out: `${r.self.disk}\n` };
    case 'status':
      if (!v) return { rc: 10, out: '', err: `${r.name}: No such resource\nCommand '${setupLine(o, r, 'status')}' terminated with exit code 10\n` };
      return { ...ok, out: statusText(v, { verbose: o.statusFlags.includes('--verbose'), statistics: o.statusFlags.includes('--statistics') }) };
    case 'role':
      return v ? { ...ok, out: shortRole(v) } : down('role');
    case 'cstate':
      return v ? { ...ok, out: shortCstate(v) } : down('cstate');
    case 'dstate': {
      if (v) return { ...ok, out: shortDstate(v) };
      // Not up: drbdmeta reads the meta-disk.
      const md = readJson(paths.meta(r.name));
      if (!md) return { rc: 255, out: '', err: `No valid meta data found\nCommand 'drbdmeta ${r.self.minor} v08 ${r.self.disk} ${r.self.metaDisk} dstate' terminated with exit code 255\n` };
      return { ...ok, out: `${md.disk}\n` };
    }
    case 'create-md': {
      if (v) return { rc: 20, out: '', err: `Device '${r.self.minor}' is configured!\nCommand 'drbdmeta ${r.self.minor} v08 ${r.self.disk} ${r.self.metaDisk} create-md' terminated with exit code 20\n` };
      if (existsSync(paths.meta(r.name)) && !o.force) {
        let answer = '';
        try {
          answer = readFileSync(0, 'utf8').split('\n')[0].trim();
        } catch {
          answer = '';
        }
        if (answer !== 'yes') {
          return { rc: 20, out: `You want me to create a v08 style flexible-size internal meta data block.\nThere appears to be a v08 flexible-size internal meta data block\nalready in place on ${r.self.disk}.\nDo you really want to overwrite the existing meta-data?\n[need to type 'yes' to confirm] \nOperation canceled.\n`, err: `Command 'drbdmeta ${r.self.minor} v08 ${r.self.disk} ${r.self.metaDisk} create-md' terminated with exit code 20\n` };
        }
      }
      const size = knobs().sizeKiB;
      writeJson(paths.meta(r.name), { version: 1, size, disk: 'Inconsistent', oos: size, uuids: { current: JUST_CREATED, bitmap: '0', history: ['0', '0'] } });
      return { ...ok, out: 'initializing activity log\ninitializing bitmap (32 KB) to all zero\nWriting meta data...\nNew drbd meta data block successfully created.\n' };
    }
    case 'up':
    case 'adjust': {
      if (!existsSync(paths.meta(r.name))) {
        if (o.cmd === 'adjust' && v) return ok;
        return { rc: 10, out: '', err: `${mdMissing(r)}Command '${setupLine(o, r, 'attach')}' terminated with exit code 10\n` };
      }
      if (v && o.cmd === 'up') return { rc: 10, out: '', err: `${r.name}: Failure: (161) Minor or volume exists already (delete it first)\nCommand '${setupLine(o, r, 'new-minor')}' terminated with exit code 10\n` };
      if (!(await ensureModule(r, o))) return { rc: 20, out: '', err: `${r.name}: simulator daemon did not start (see ${paths.log(r.name)})\n` };
      const cur = o.dryRun ? null : view(r.name);
      if (!cur || cur.disk === 'Diskless') {
        const a = await step(o, r, 'attach');
        if (a.rc) return a;
      }
      const now = o.dryRun ? null : view(r.name);
      if (!now || now.conn === 'StandAlone') return step(o, r, 'connect', { discard: o.discard });
      return ok;
    }
    case 'down':
      if (!v) return ok;
      {
        const x = await step(o, r, 'down');
        if (!o.dryRun) await waitGone(r.name);
        return x;
      }
    case 'outdate':
      if (!v) {
        const md = readJson(paths.meta(r.name));
        if (!md) return { rc: 20, out: '', err: `No valid meta data found\n` };
        if (md.disk === 'Inconsistent') return { rc: 5, out: '', err: `${r.self.minor}: State change failed: (-16) Disk state is lower than outdated\n` };
        if (!o.dryRun) writeJson(paths.meta(r.name), { ...md, disk: 'Outdated' });
        return ok;
      }
      return step(o, r, 'outdate');
    case 'attach':
    case 'detach':
    case 'primary':
    case 'secondary':
    case 'new-current-uuid':
      if (!v) return down(o.cmd);
      return step(o, r, o.cmd, { force: o.force, clearBitmap: o.clearBitmap });
    case 'connect':
    case 'disconnect':
      if (!v) return { rc: 10, out: '', err: `${r.name}: Failure: (158) Unknown resource\nCommand '${setupLine(o, r, o.cmd)}' terminated with exit code 10\n` };
      return step(o, r, o.cmd, { discard: o.discard });
    default:
      return { rc: 20, out: '', err: `drbdadm: Unknown command '${o.cmd}'\n` };
  }
}

// ---- drbd-sim (control) -----------------------------------------------------------------------

async function control(argv) {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'hang': {
      const [secs, ...what] = rest.filter((x) => x !== '--once');
      if (!(Number(secs) > 0)) throw new Exit(1, '', 'usage: drbd-sim hang SECONDS [SUBCOMMAND] [--once]\n');
      const file = rest.includes('--once') ? paths.hangNext() : paths.hang();
      mkdirSync(runDir(), { recursive: true });
      writeFileSync(file, [secs, ...what].join(' ') + '\n');
      return new Exit(0);
    }
    case 'unhang':
      rmSync(paths.hang(), { force: true });
      rmSync(paths.hangNext(), { force: true });
      return new Exit(0);
    case 'write': {
      const [res, kib] = rest;
      if (!res || !(Number(kib) > 0)) throw new Exit(1, '', 'usage: drbd-sim write RESOURCE KIB\n');
      const r = await request(res, 'write', { kib: Number(kib) });
      return new Exit(r.rc, r.out ?? '', r.err ?? '');
    }
    case 'state': {
      const v = view(rest[0] ?? '');
      return new Exit(v ? 0 : 10, v ? JSON.stringify(v, null, 2) + '\n' : '', v ? '' : `${rest[0]}: not up\n`);
    }
    case 'md': {
      const m = readJson(paths.meta(rest[0] ?? ''));
      return new Exit(m ? 0 : 10, m ? JSON.stringify(m, null, 2) + '\n' : '', m ? '' : `${rest[0]}: no metadata\n`);
    }
    case 'paths':
      return new Exit(0, JSON.stringify({ hostname: simHostname(), stateDir: stateDir(), runDir: runDir(), config: defaultConfig() }, null, 2) + '\n');
    case 'freeze': {
      const { freeze } = await import('./freeze.mjs');
      return new Exit(0, await freeze(rest));
    }
    default:
      throw new Exit(1, '', 'usage: drbd-sim hang SECONDS [SUBCOMMAND] [--once] | unhang | write RES KIB | state RES | md RES | paths | freeze ...\n');
  }
}

export async function main(tool, argv) {
  let result;
  try {
    if (tool === 'drbdsetup') result = await drbdsetup(argv);
    else if (tool === 'drbdadm') result = await drbdadm(argv);
    else result = await control(argv);
  } catch (e) {
    if (e instanceof Exit) result = e;
    else result = new Exit(20, '', `${tool}: simulator error: ${e?.message ?? e}\n`);
  }
  if (result.out) process.stdout.write(result.out);
  if (result.err) process.stderr.write(result.err);
  process.exitCode = result.rc;
}

