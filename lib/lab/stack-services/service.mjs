#!/usr/bin/node
// ocfkit lab: a stand-in service of the full stack (RabbitMQ, a scheduler, a database). Plain
// JavaScript, Node built-ins only, shipped with the lab (dist/lab/stack-services/) and run by
// ocf:ocfkit:services inside a lab node as /usr/local/bin/ocfkit-lab-service.
//
//   ocfkit-lab-service NAME --dir DIR [--http PORT] [--read-only] [--interval MS]
//       Refuses to start unless DIR is a mount point (the replicated filesystem), then writes a
//       heartbeat DIR/heartbeat/NAME.json every MS (500) and appends a line to
//       DIR/heartbeat/NAME.log at start and stop. With --http, answers on 0.0.0.0:PORT:
//       GET /health → 200 "ok"; POST /write → 200 {written: true} and a line in DIR/writes.log,
//       or 403 {error: "read-only"} with --read-only; anything else → 200 JSON {service, node, ...}.
//       --read-only (hot standby): no mount needed, nothing written.
//   ocfkit-lab-service --check-http PORT
//       Exit 0 when 127.0.0.1:PORT/health answers 200 within 1 s, else 1 (the services check).
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import http from 'node:http';

function fail(message, code = 1) {
  process.stderr.write(`ocfkit-lab-service: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const a = { name: null, dir: null, http: null, readOnly: false, intervalMs: 500, checkHttp: null };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) fail(`${v} needs a value`, 2);
      return argv[++i];
    };
    if (v === '--dir') a.dir = resolve(next());
    else if (v === '--http') a.http = Number(next());
    else if (v === '--interval') a.intervalMs = Number(next());
    else if (v === '--read-only') a.readOnly = true;
    else if (v === '--check-http') a.checkHttp = Number(next());
    else if (v.startsWith('-')) fail(`unknown option ${v}`, 2);
    else if (a.name === null) a.name = v;
    else fail(`unexpected argument ${v}`, 2);
  }
  for (const [k, p] of [['--http', a.http], ['--check-http', a.checkHttp]]) {
    if (p !== null && !(Number.isInteger(p) && p > 0 && p < 65536)) fail(`${k}: not a port`, 2);
  }
  if (!(Number.isInteger(a.intervalMs) && a.intervalMs >= 50)) fail('--interval: at least 50 ms', 2);
  return a;
}

/** True when `dir` is a mount point of this mount namespace. */
function isMountPoint(dir) {
  const unescape = (s) => s.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line && unescape(line.split(' ')[4]) === dir);
}

function checkHttp(port) {
  const req = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 1000 }, (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => process.exit(1));
}

function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.checkHttp !== null) return checkHttp(a.checkHttp);
  if (!a.name || !/^[a-z][a-z0-9-]{0,31}$/.test(a.name)) fail('usage: ocfkit-lab-service NAME --dir DIR [--http PORT] [--read-only] | --check-http PORT', 2);
  const node = hostname();
  const startedAt = new Date().toISOString();
  let heartbeatDir = null;
  if (!a.readOnly) {
    if (!a.dir) fail('--dir is required (unless --read-only)', 2);
    try {
      if (!statSync(a.dir).isDirectory()) fail(`${a.dir} is not a directory`);
    } catch {
      fail(`${a.dir} does not exist`);
    }
    if (!isMountPoint(a.dir)) fail(`${a.dir} is not mounted: refusing to start without the data filesystem`);
    heartbeatDir = join(a.dir, 'heartbeat');
    mkdirSync(heartbeatDir, { recursive: true });
  }
  let seq = 0;
  let lastBeat = null;
  const beat = () => {
    seq += 1;
    lastBeat = new Date().toISOString();
    if (!heartbeatDir) return;
    const file = join(heartbeatDir, `${a.name}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ service: a.name, node, pid: process.pid, startedAt, at: lastBeat, seq })}\n`);
    renameSync(tmp, file);
  };
  const history = (what) => {
    if (heartbeatDir) appendFileSync(join(heartbeatDir, `${a.name}.log`), `${new Date().toISOString()} ${what} on ${node} pid ${process.pid}\n`);
  };
  history('started');
  beat();
  const timer = setInterval(() => {
    try {
      beat();
    } catch (error) {
      // The filesystem went away under us (unmounted, read-only): a service would die too.
      fail(`heartbeat: ${error.message}`);
    }
  }, a.intervalMs);
  let server = null;
  if (a.http !== null) {
    server = http.createServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
        res.end('ok\n');
        return;
      }
      if (req.method === 'POST' && req.url === '/write') {
        // A write (drills, hot standby): refused by a read-only service, recorded on the data filesystem otherwise.
        req.resume();
        let status = 200;
        let reply = { service: a.name, node, readOnly: a.readOnly, written: true };
        if (a.readOnly || !heartbeatDir) [status, reply] = [403, { service: a.name, node, readOnly: true, error: 'read-only' }];
        else {
          try {
            appendFileSync(join(a.dir, 'writes.log'), `${new Date().toISOString()} ${node} pid ${process.pid}\n`);
          } catch (error) {
            [status, reply] = [503, { service: a.name, node, readOnly: false, error: error.message }];
          }
        }
        res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
        res.end(`${JSON.stringify(reply)}\n`);
        return;
      }
      const body = JSON.stringify({ service: a.name, node, pid: process.pid, startedAt, readOnly: a.readOnly, heartbeatAt: lastBeat, seq });
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(`${body}\n`);
    });
    server.on('error', (error) => fail(`http :${a.http}: ${error.message}`));
    server.listen(a.http, '0.0.0.0');
  }
  const stop = (signal) => {
    clearInterval(timer);
    try {
      history(`stopped (${signal})`);
    } catch {
      // nothing to record on
    }
    if (server) server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main();
