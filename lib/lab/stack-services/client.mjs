#!/usr/bin/node
// ocfkit lab: the client loop of the full stack, run in the lab's `client` network namespace
// (lib/lab/client.ts starts it). Plain JavaScript, Node built-ins only.
//
//   ocfkit-lab-client URL [--interval MS] [--timeout MS] [--count N]
//
// Sends GET URL every MS (100) on a new connection, each bounded by --timeout (300), and prints
// one JSON line per request: {"at":<epoch ms sent>,"ms":<duration>,"ok":bool,"status":N|null,
// "node":"node1"|null,"service":..., "error":"..."|null}. Runs until --count requests or SIGTERM.
import http from 'node:http';

function fail(message) {
  process.stderr.write(`ocfkit-lab-client: ${message}\n`);
  process.exit(2);
}

const argv = process.argv.slice(2);
let url = null;
let intervalMs = 100;
let timeoutMs = 300;
let count = Infinity;
for (let i = 0; i < argv.length; i++) {
  const v = argv[i];
  const num = () => {
    const n = Number(argv[++i]);
    if (!Number.isInteger(n) || n <= 0) fail(`${v}: expected a positive integer`);
    return n;
  };
  if (v === '--interval') intervalMs = num();
  else if (v === '--timeout') timeoutMs = num();
  else if (v === '--count') count = num();
  else if (v.startsWith('-')) fail(`unknown option ${v}`);
  else url = new URL(v);
}
if (!url) fail('usage: ocfkit-lab-client URL [--interval MS] [--timeout MS] [--count N]');

function once() {
  return new Promise((done) => {
    const at = Date.now();
    const t0 = process.hrtime.bigint();
    const ms = () => Number((process.hrtime.bigint() - t0) / 1000n) / 1000;
    let settled = false;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done({ at, ms: Math.round(ms() * 10) / 10, ...r });
    };
    const req = http.get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        if (body.length < 65536) body += c;
      });
      res.on('end', () => {
        let node = null;
        let service = null;
        try {
          const j = JSON.parse(body);
          node = typeof j.node === 'string' ? j.node : null;
          service = typeof j.service === 'string' ? j.service : null;
        } catch {
          // not the service's JSON (HAProxy's 503 page…)
        }
        finish({ ok: res.statusCode === 200 && node !== null, status: res.statusCode, node, service, error: res.statusCode === 200 ? null : `HTTP ${res.statusCode}` });
      });
      res.on('error', (e) => finish({ ok: false, status: res.statusCode, node: null, service: null, error: e.code ?? e.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, status: null, node: null, service: null, error: 'timeout' });
    }, timeoutMs);
    req.on('error', (e) => finish({ ok: false, status: null, node: null, service: null, error: e.code ?? e.message }));
  });
}

// Pipes are written synchronously on Linux: a line is never cut by this exit.
process.on('SIGTERM', () => process.exit(0));
process.stdout.on('error', () => process.exit(0));

for (let i = 0; i < count; i++) {
  const started = Date.now();
  const r = await once();
  process.stdout.write(`${JSON.stringify(r)}\n`);
  const wait = intervalMs - (Date.now() - started);
  if (wait > 0 && i + 1 < count) await new Promise((res) => setTimeout(res, wait));
}
process.exit(0);
