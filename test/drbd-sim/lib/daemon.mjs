// DRBD simulator (test double): the "kernel module" of one resource on one node. Started by
// `drbdadm up` (detached, inside the node's namespaces), it owns the runtime state, talks to the
// peer's daemon over real TCP (resource address:port), and answers the CLI on a unix socket.
// argv: <resource> <config file>
import net from 'node:net';
import { execFile } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { loadConfig, forHost } from './config.mjs';
import { knobs, paths, readJson, writeJson, randomUuid, simHostname, JUST_CREATED } from './env.mjs';
import { invalid, handshake, diskAtAttach, mdDiskFor, rank, SS, fenceResult } from './model.mjs';

const [resName, confFile] = process.argv.slice(2);
const K = knobs();
const cfg = forHost(loadConfig(confFile).find((r) => r.name === resName), simHostname());

function log(msg) {
  try {
    appendFileSync(paths.log(resName), `${new Date().toISOString()} drbd ${resName}: ${msg}\n`);
  } catch {
    // the run folder is gone (reboot): nothing to log to
  }
}

let meta = readJson(paths.meta(resName));
const st = {
  role: 'Secondary',
  disk: 'Diskless',
  conn: 'StandAlone',
  peerRole: 'Unknown',
  pdsk: 'DUnknown',
  /** The peer disk while not connected: DUnknown, or what the fence-peer handler's exit code set. */
  pdskApart: 'DUnknown',
  /** Connections made so far: a fence-peer result from before the last one is ignored. */
  connects: 0,
  netConfigured: false,
  discard: false,
  syncTotal: 0,
  stats: { read: 0, written: 0, alWrites: 8, bmWrites: 0, received: 0, sent: 0, pending: 0, unacked: 0 },
};
let link = null; // { sock, dialer, lastRx, buf }
let server = null;
let dialing = false;
let lastMetaWrite = 0;

const wasConnected = (conn) => conn === 'Connected' || conn === 'SyncSource' || conn === 'SyncTarget';
const connected = () => wasConnected(st.conn);

function saveMeta(force = true) {
  if (!force && Date.now() - lastMetaWrite < 1000) return;
  lastMetaWrite = Date.now();
  writeJson(paths.meta(resName), meta);
}

function publish() {
  writeJson(paths.state(resName), {
    pid: process.pid,
    name: resName,
    minor: cfg.self.minor,
    device: cfg.self.device,
    role: st.role,
    disk: st.disk,
    conn: st.conn,
    peerRole: connected() ? st.peerRole : 'Unknown',
    pdsk: connected() ? st.pdsk : st.pdskApart,
    size: meta.size,
    oos: Math.round(meta.oos),
    syncTotal: st.syncTotal,
    stats: Object.fromEntries(Object.entries(st.stats).map(([k, v]) => [k, Math.round(v)])),
    uuids: meta.uuids,
    updatedAt: Date.now(),
  });
}

function setDisk(disk) {
  if (st.disk === disk) return;
  log(`disk( ${st.disk} -> ${disk} )`);
  st.disk = disk;
  const md = mdDiskFor(disk);
  if (md && meta.disk !== md) {
    meta.disk = md;
    saveMeta();
  }
}

/** DRBD's "new current UUID": the data diverges from what the peer has. */
function newCurrentUuid(reason) {
  const u = meta.uuids;
  if (u.bitmap === '0') u.bitmap = u.current;
  else u.history = [u.current, u.history[0] ?? '0'];
  u.current = randomUuid();
  log(`new current UUID ${u.current}:${u.bitmap}:${u.history.join(':')} (${reason})`);
  saveMeta();
}

function send(msg) {
  if (link?.sock && !link.sock.destroyed) link.sock.write(JSON.stringify(msg) + '\n');
}

function sendState() {
  send({ t: 'state', role: st.role, disk: st.disk });
}

function hello() {
  return { t: 'hello', res: resName, uuids: meta.uuids, disk: st.disk, role: st.role, oos: meta.oos, discard: st.discard, size: meta.size };
}

/** The connection is gone (peer dead, silent, or it disconnected): back to waiting for it. */
function lostConnection(why) {
  if (!link) return;
  const l = link;
  link = null;
  l.sock.destroy();
  const was = st.conn;
  if (was === 'StandAlone') return;
  st.conn = st.netConfigured ? 'WFConnection' : 'StandAlone';
  st.peerRole = 'Unknown';
  st.pdsk = 'DUnknown';
  if (wasConnected(was)) st.pdskApart = 'DUnknown'; // else: still the peer disk shown while apart (8.4 keeps an Outdated one)
  st.syncTotal = 0;
  log(`conn( ${was} -> NetworkFailure -> ${st.conn} ) (${why})`);
  if (st.role === 'Primary' && (was === 'Connected' || was === 'SyncSource' || was === 'SyncTarget')) newCurrentUuid('connection lost while Primary');
  saveMeta();
  publish();
  // DRBD 8.4 (conn_disconnect): a Primary that lost its peer asks the fence-peer handler at once.
  if (st.role === 'Primary' && cfg.fencing !== 'dont-care') void fencePeer();
}

function standAlone(reason) {
  log(reason);
  if (link) {
    send({ t: 'bye' });
    const l = link;
    link = null;
    l.sock.end();
    setTimeout(() => l.sock.destroy(), 200).unref();
  }
  const was = st.conn;
  st.netConfigured = false;
  st.conn = 'StandAlone';
  st.peerRole = 'Unknown';
  st.pdsk = 'DUnknown';
  // A handshake dropped before it connected (split brain: capture 09 of the VM lab) leaves the
  // peer disk shown while apart as it was: 8.4 keeps an Outdated one (set by fence-peer).
  if (wasConnected(was)) st.pdskApart = 'DUnknown';
  st.syncTotal = 0;
  st.discard = false;
  closeServer();
  log(`conn( ${was} -> StandAlone )`);
  if (st.role === 'Primary' && (was === 'Connected' || was === 'SyncSource' || was === 'SyncTarget')) newCurrentUuid('disconnected while Primary');
  publish();
}

function applyDecision(d, me) {
  // me: 'a' (the dialer) or 'b'
  log(`drbd_sync_handshake: ${d.reason}`);
  if (d.kind === 'drop') {
    const mine = d[me];
    if (mine === 'StandAlone') standAlone(d.reason);
    else lostConnection(d.reason);
    return;
  }
  st.discard = false;
  setDisk(me === 'a' ? d.aDisk : d.bDisk);
  if (d.sync) {
    const source = d.sync.source === me;
    meta.oos = d.sync.oos;
    st.syncTotal = d.sync.oos;
    st.conn = source ? 'SyncSource' : 'SyncTarget';
    log(`Began resync as ${st.conn} (will sync ${d.sync.oos} KB${d.sync.full ? ', full sync' : ''}).`);
    if (source) {
      // The sync UUID: the target takes it as its current generation until the resync is done,
      // so an interrupted resync resumes from the same source (and only from it).
      const u = meta.uuids;
      u.bitmap = u.bitmap === '0' ? randomUuid() : (((BigInt('0x' + u.bitmap) + (1n << 48n)) & 0xffffffffffffffffn).toString(16).toUpperCase().padStart(16, '0'));
      log(`updated sync UUID ${u.current}:${u.bitmap}`);
      send({ t: 'sync-uuid', uuid: u.bitmap });
    }
    saveMeta();
  } else {
    st.conn = 'Connected';
  }
  sendState();
  publish();
}

function onMessage(msg) {
  switch (msg.t) {
    case 'hello': {
      link.peerHello = msg;
      st.peerRole = msg.role;
      st.pdsk = msg.disk;
      if (!link.dialer) {
        send(hello());
        return;
      }
      const a = { uuids: meta.uuids, disk: st.disk, role: st.role, oos: meta.oos, discard: st.discard };
      const d = handshake(a, msg, cfg, meta.size);
      send({ t: 'decision', d });
      applyDecision(d, 'a');
      return;
    }
    case 'decision':
      applyDecision(msg.d, 'b');
      return;
    case 'state':
      st.peerRole = msg.role;
      st.pdsk = msg.disk;
      publish();
      return;
    case 'sync':
      // progress from the source
      if (st.conn === 'SyncTarget') {
        const d = meta.oos - msg.oos;
        st.stats.received += Math.max(0, d);
        st.stats.written += Math.max(0, d);
        meta.oos = msg.oos;
        saveMeta(false);
        publish();
      }
      return;
    case 'sync-uuid':
      if (st.conn === 'SyncTarget') {
        meta.uuids.current = msg.uuid;
        meta.uuids.bitmap = '0';
        log(`updated sync uuid ${msg.uuid}`);
        saveMeta();
      }
      return;
    case 'sync-done':
      if (st.conn === 'SyncTarget') {
        meta.uuids = structuredClone(msg.uuids);
        meta.oos = 0;
        st.conn = 'Connected';
        st.syncTotal = 0;
        setDisk('UpToDate');
        saveMeta();
        log('Resync done');
        sendState();
        publish();
      }
      return;
    case 'skip-sync':
      meta.uuids = structuredClone(msg.uuids);
      meta.oos = 0;
      setDisk('UpToDate');
      st.pdsk = 'UpToDate';
      saveMeta();
      publish();
      return;
    case 'rehandshake':
      if (link.dialer) send(hello());
      return;
    case 'bye':
      lostConnection('peer disconnected');
      return;
    default:
  }
}

function attachLink(sock, dialer) {
  if (link) lostConnection('replaced by a new connection');
  sock.setNoDelay(true);
  link = { sock, dialer, lastRx: Date.now(), buf: '' };
  st.connects++;
  const me = link;
  sock.on('data', (chunk) => {
    if (link !== me) return;
    me.lastRx = Date.now();
    me.buf += chunk.toString('utf8');
    let i;
    while ((i = me.buf.indexOf('\n')) >= 0) {
      const line = me.buf.slice(0, i);
      me.buf = me.buf.slice(i + 1);
      if (!line) continue;
      try {
        onMessage(JSON.parse(line));
      } catch (e) {
        log(`protocol error: ${e.message}`);
      }
      if (link !== me) return;
    }
  });
  sock.on('error', () => link === me && lostConnection('socket error'));
  sock.on('close', () => link === me && lostConnection('connection closed'));
  log('Handshake successful');
  if (dialer) send(hello());
}

/** Run the handshake again on a live connection (after attach, or a forced promotion). */
function renegotiate() {
  if (!link) return;
  if (link.dialer) send(hello());
  else send({ t: 'rehandshake' });
}

function iAmDialer() {
  return `${cfg.self.ip}:${cfg.self.port}` < `${cfg.peer.ip}:${cfg.peer.port}`;
}

function openServer() {
  if (server) return;
  server = net.createServer((sock) => {
    if (!st.netConfigured || sock.remoteAddress?.replace(/^::ffff:/, '') !== cfg.peer.ip) {
      sock.destroy();
      return;
    }
    attachLink(sock, false);
  });
  server.on('error', (e) => log(`listen ${cfg.self.ip}:${cfg.self.port}: ${e.message}`));
  server.listen({ host: cfg.self.ip, port: cfg.self.port, exclusive: true });
}

function closeServer() {
  if (!server) return;
  server.close();
  server = null;
}

function dial() {
  if (dialing || link || !st.netConfigured || !iAmDialer()) return;
  dialing = true;
  const sock = net.connect({ host: cfg.peer.ip, port: cfg.peer.port, localAddress: cfg.self.ip });
  const timer = setTimeout(() => sock.destroy(), 1000);
  sock.once('connect', () => {
    clearTimeout(timer);
    dialing = false;
    if (!st.netConfigured || link) return sock.destroy();
    attachLink(sock, true);
  });
  sock.once('error', () => {
    clearTimeout(timer);
    dialing = false;
  });
  sock.once('close', () => {
    clearTimeout(timer);
    dialing = false;
  });
}

let lastTick = Date.now();
function tick() {
  const now = Date.now();
  const dt = (now - lastTick) / 1000;
  lastTick = now;
  if (link) {
    if (now - link.lastRx > K.timeoutMs) lostConnection('PingAck did not arrive in time.');
    else send({ t: 'ping' });
  } else dial();
  // The application writes while Primary: replicated when connected, else out of sync.
  if (st.role === 'Primary' && rank(st.disk) >= rank('UpToDate') && K.writeKiBps > 0) {
    const w = K.writeKiBps * dt;
    st.stats.written += w;
    if (connected()) st.stats.sent += w;
    else {
      meta.oos = Math.min(meta.size, meta.oos + w);
      saveMeta(false);
    }
  }
  if (st.conn === 'SyncSource') {
    const d = Math.min(meta.oos, K.resyncKiBps * dt);
    meta.oos -= d;
    st.stats.sent += d;
    st.stats.read += d;
    if (meta.oos <= 0.5) {
      meta.oos = 0;
      const u = meta.uuids;
      if (u.bitmap !== '0') {
        u.history = [u.bitmap, u.history[0] ?? '0'];
        u.bitmap = '0';
      }
      st.conn = 'Connected';
      st.syncTotal = 0;
      st.pdsk = 'UpToDate';
      saveMeta();
      log('Resync done');
      send({ t: 'sync-done', uuids: meta.uuids });
    } else {
      saveMeta(false);
      send({ t: 'sync', oos: Math.round(meta.oos) });
    }
  }
  publish();
}

// ---- requests from drbdadm/drbdsetup -------------------------------------------------------

function refuse(ss, what, minor = cfg.self.minor) {
  return { rc: ss[2], err: `${minor}: State change failed: (${ss[0]}) ${ss[1]}\n`, what };
}

function tryState(change) {
  const ns = { role: st.role, disk: st.disk, conn: st.conn, peerRole: st.peerRole, pdsk: connected() ? st.pdsk : st.pdskApart, ...change };
  return invalid(ns, cfg);
}

/**
 * DRBD 8.4's conn_try_outdate_peer: with fencing resource-only|resource-and-stonith, run the
 * `fence-peer` handler (drbdadm would run it through /bin/sh -c; here its words are an argument
 * array, with DRBD_SIM_HANDLER_TIMEOUT_MS as deadline) with drbdadm's environment, and apply its
 * exit code: 3 peer Inconsistent, 4/7 (and 5 when this disk is UpToDate) peer Outdated, 6 this
 * disk Outdated, anything else (or no handler): broken, nothing changes. A result that comes
 * after a new connection is ignored. Resolves true when the peer disk is now Outdated or worse.
 */
function fencePeer() {
  if (cfg.fencing === 'dont-care') return Promise.resolve(true);
  const words = (cfg.fencePeer ?? '').split(/\s+/).filter(Boolean);
  const connectsBefore = st.connects;
  const apartOk = () => !connected() && rank(st.pdskApart) <= rank('Outdated');
  log(`helper command: drbdadm fence-peer ${resName}`);
  if (words.length === 0) {
    log('fence-peer helper broken, returned 0 (no fence-peer handler configured)');
    return Promise.resolve(apartOk());
  }
  const env = {
    ...process.env,
    DRBD_RESOURCE: resName,
    DRBD_MINOR: String(cfg.self.minor),
    DRBD_VOLUME: '0',
    DRBD_CONF: confFile,
    DRBD_PEERS: cfg.peer.host,
    DRBD_PEER: cfg.peer.host,
    DRBD_PEER_ADDRESS: cfg.peer.ip,
    DRBD_PEER_AF: 'ipv4',
    DRBD_MY_ADDRESS: cfg.self.ip,
    DRBD_MY_AF: 'ipv4',
  };
  return new Promise((resolve) => {
    execFile(words[0], words.slice(1), { env, timeout: K.handlerTimeoutMs, killSignal: 'SIGKILL' }, (error) => {
      const code = !error ? 0 : typeof error.code === 'number' ? error.code : -1;
      log(`helper command: drbdadm fence-peer ${resName} exit code ${code} (0x${(Math.max(code, 0) << 8).toString(16)})`);
      const r = fenceResult(code, st.disk);
      if (!r) {
        log(`fence-peer helper broken, returned ${code}`);
        return resolve(apartOk());
      }
      if (code === 7 && cfg.fencing !== 'resource-and-stonith') log('fence-peer() = 7 && fencing != Stonith !!!');
      log(`fence-peer helper returned ${code} (${r.text})`);
      if (connected() || st.connects !== connectsBefore) log('Ignoring fence-peer exit code');
      else {
        if (r.pdsk) {
          log(`pdsk( ${st.pdskApart} -> ${r.pdsk} )`);
          st.pdskApart = r.pdsk;
        }
        if (r.disk) setDisk(r.disk);
        publish();
      }
      resolve(apartOk());
    });
  });
}

const ops = {
  attach() {
    if (st.disk !== 'Diskless') return { rc: 10, err: `${cfg.self.minor}: Failure: (124) Device is attached to a disk (use detach first)\n` };
    meta = readJson(paths.meta(resName)) ?? meta;
    setDisk(diskAtAttach(meta.disk, cfg.fencing));
    renegotiate();
    publish();
    return { rc: 0 };
  },
  detach() {
    if (st.disk === 'Diskless') return { rc: 0 };
    const bad = tryState({ disk: 'Diskless' });
    if (bad) return refuse(bad);
    setDisk('Diskless');
    sendState();
    publish();
    return { rc: 0 };
  },
  connect({ discard }) {
    if (st.netConfigured) return { rc: 10, err: `${resName}: Failure: (102) Local address(port) already in use.\n` };
    st.netConfigured = true;
    st.discard = !!discard;
    st.conn = 'WFConnection';
    log('conn( StandAlone -> Unconnected -> WFConnection )');
    openServer();
    dial();
    publish();
    return { rc: 0 };
  },
  disconnect() {
    if (!st.netConfigured && st.conn === 'StandAlone') return { rc: 0 };
    standAlone('disconnect requested');
    return { rc: 0 };
  },
  async primary({ force }) {
    if (st.role === 'Primary') return { rc: 0 };
    // drbd_set_role: up to 4 tries; a refusal for want of an outdated peer runs fence-peer.
    let forced = false;
    let bad = null;
    const change = { role: 'Primary' };
    for (let tries = 0; tries < 4; tries++) {
      bad = tryState(change);
      if (!bad) break;
      if (bad === SS.NO_UP_TO_DATE_DISK && force && !forced && ['Inconsistent', 'Outdated', 'Consistent'].includes(st.disk)) {
        change.disk = 'UpToDate';
        forced = true;
        continue;
      }
      if (bad === SS.NO_UP_TO_DATE_DISK && st.disk === 'Consistent' && !connected() && cfg.fencing !== 'dont-care') {
        if (await fencePeer()) change.disk = 'UpToDate';
        continue;
      }
      if (bad === SS.PRIMARY_NOP) {
        if (!(await fencePeer()) && force) {
          log('Forced into split brain situation!');
          st.pdskApart = 'Outdated';
        }
        continue;
      }
      break;
    }
    if (bad) return refuse(bad);
    if (st.role === 'Primary') return { rc: 0 };
    if (change.disk === 'UpToDate' && !forced) setDisk('UpToDate');
    st.role = 'Primary';
    log('role( Secondary -> Primary )');
    if (forced) {
      setDisk('UpToDate');
      log('Forced to consider local data as UpToDate!');
      newCurrentUuid('forced primary');
      meta.uuids.bitmap = '0';
      saveMeta();
      sendState();
      renegotiate();
    } else if (!connected()) {
      if (meta.uuids.bitmap === '0') newCurrentUuid('Primary while disconnected');
    }
    sendState();
    publish();
    return { rc: 0 };
  },
  secondary() {
    if (st.role === 'Secondary') return { rc: 0 };
    st.role = 'Secondary';
    log('role( Primary -> Secondary )');
    sendState();
    publish();
    return { rc: 0 };
  },
  outdate() {
    if (st.disk === 'Outdated') return { rc: 0 };
    if (rank(st.disk) < rank('Outdated')) return refuse(SS.LOWER_THAN_OUTDATED);
    const bad = tryState({ disk: 'Outdated' });
    if (bad) return refuse(bad);
    setDisk('Outdated');
    sendState();
    publish();
    return { rc: 0 };
  },
  'new-current-uuid'({ clearBitmap }) {
    if (st.disk === 'Diskless') return { rc: 10, err: `${cfg.self.minor}: Failure: (138) Device does not have a disk\n` };
    const skip = clearBitmap && st.conn === 'Connected' && meta.uuids.current === JUST_CREATED;
    meta.uuids.current = randomUuid();
    if (clearBitmap) {
      meta.uuids.bitmap = '0';
      meta.oos = 0;
    }
    log(`new current UUID ${meta.uuids.current}`);
    if (skip) {
      setDisk('UpToDate');
      st.pdsk = 'UpToDate';
      send({ t: 'skip-sync', uuids: meta.uuids });
    }
    saveMeta();
    publish();
    return { rc: 0 };
  },
  write({ kib }) {
    if (st.role !== 'Primary') return { rc: 1, err: `${resName}: not Primary: nothing can write\n` };
    st.stats.written += kib;
    if (connected()) st.stats.sent += kib;
    else meta.oos = Math.min(meta.size, meta.oos + kib);
    saveMeta();
    publish();
    return { rc: 0 };
  },
  down() {
    if (st.role === 'Primary') {
      st.role = 'Secondary';
      sendState();
    }
    if (st.netConfigured || link) standAlone('down');
    if (st.disk !== 'Diskless') saveMeta();
    log('down');
    setTimeout(() => shutdown(), 20);
    return { rc: 0 };
  },
  ping() {
    return { rc: 0 };
  },
};

function shutdown() {
  try {
    rmSync(paths.state(resName), { force: true });
    rmSync(paths.sock(resName), { force: true });
  } catch {
    // gone already
  }
  process.exit(0);
}

function main() {
  if (!cfg || !meta) {
    log('cannot start: no configuration for this host or no metadata');
    process.exit(1);
  }
  meta.oos ??= 0;
  rmSync(paths.sock(resName), { force: true });
  const ctl = net.createServer((c) => {
    let buf = '';
    c.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      const i = buf.indexOf('\n');
      if (i < 0) return;
      // Ops may wait (primary runs the fence-peer handler); the daemon keeps ticking meanwhile.
      const line = buf.slice(0, i);
      buf = '';
      Promise.resolve()
        .then(() => {
          const req = JSON.parse(line);
          const op = ops[req.op];
          return op ? op(req.args ?? {}) : { rc: 20, err: `unknown request ${req.op}\n` };
        })
        .catch((e) => ({ rc: 20, err: `simulator error: ${e.message}\n` }))
        .then((reply) => c.end(JSON.stringify(reply) + '\n'));
    });
    c.on('error', () => {});
  });
  ctl.listen(paths.sock(resName), () => {
    publish();
    log(`module up (pid ${process.pid})`);
  });
  setInterval(tick, Math.min(100, K.pingMs));
  process.on('SIGTERM', shutdown);
}

main();
