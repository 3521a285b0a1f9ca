import t from 'tap';
import { createHmac } from 'node:crypto';
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { postWebhook, readSecret, signature, WebhookError } from '../../lib/alert/webhook.ts';
import { scratch } from '../helpers/agent.ts';
import { makeCert, receiver } from './tls.ts';

const cert = makeCert();
const SECRET = 's3cr3t-value-never-logged';

function secretFile(mode = 0o600, content = `${SECRET}\n`): string {
  const f = join(scratch('secret'), 'secret');
  writeFileSync(f, content, { mode });
  chmodSync(f, mode);
  return f;
}

t.test('the secret file: 0600 only, no link, not empty; its content never in a message', async (t) => {
  t.equal((await readSecret(secretFile())).toString(), SECRET, 'trailing newline dropped');
  for (const mode of [0o640, 0o604, 0o660]) {
    const err = await readSecret(secretFile(mode)).catch((e: Error) => e);
    t.type(err, WebhookError);
    t.match((err as Error).message, new RegExp(`mode ${mode.toString(8)}\\): refused, make it 0600`));
    t.notMatch((err as Error).message, SECRET);
  }
  const link = join(scratch('secret-l'), 'link');
  symlinkSync(secretFile(), link);
  await t.rejects(readSecret(link), { message: /symbolic link: refused/ });
  await t.rejects(readSecret(secretFile(0o600, '\n')), { message: /empty/ });
  await t.rejects(readSecret('/nonexistent/secret'), { message: /cannot open \(ENOENT\)/ });
});

t.test('signature is the hex HMAC-SHA256 of the exact body', async (t) => {
  t.equal(signature(Buffer.from('k'), '{"a":1}'), `sha256=${createHmac('sha256', 'k').update('{"a":1}').digest('hex')}`);
});

t.test('a real HTTPS receiver gets the body once with a valid signature', async (t) => {
  const r = await receiver(cert, (_req, res) => res.end('ok'));
  t.teardown(() => r.server.close());
  const body = '{"v":1,"id":"0123456789abcdef"}';
  const result = await postWebhook(body, { url: new URL(r.url), secret: Buffer.from(SECRET), ca: cert.cert, deadline: Date.now() + 5000, headers: { 'x-ocfkit-event-id': '0123456789abcdef' } });
  t.ok(result.ok);
  t.equal(r.received.length, 1);
  t.equal(r.received[0]!.body, body);
  t.equal(r.received[0]!.headers['x-ocfkit-signature'], `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
  t.equal(r.received[0]!.headers['content-type'], 'application/json');
  t.equal(r.received[0]!.headers['x-ocfkit-event-id'], '0123456789abcdef');
});

t.test('an untrusted certificate is refused (no ca given)', async (t) => {
  const r = await receiver(cert, (_req, res) => res.end('ok'));
  t.teardown(() => r.server.close());
  const result = await postWebhook('{}', { url: new URL(r.url), secret: Buffer.from(SECRET), deadline: Date.now() + 3000, attempts: 1 });
  t.notOk(result.ok);
  t.match(result.attempts[0]!.error, /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  t.equal(r.received.length, 0);
});

t.test('5xx is retried (bounded), a redirect is not followed, 4xx is not retried', async (t) => {
  let n = 0;
  const r = await receiver(cert, (_req, res) => {
    n++;
    if (n < 3) {
      res.statusCode = 503;
      res.end();
    } else res.end('ok');
  });
  t.teardown(() => r.server.close());
  const ok = await postWebhook('{}', { url: new URL(r.url), secret: Buffer.from(SECRET), ca: cert.cert, deadline: Date.now() + 5000 });
  t.ok(ok.ok);
  t.strictSame(ok.attempts.map((a) => a.status), [503, 503, 200]);

  const redirect = await receiver(cert, (_req, res) => {
    res.statusCode = 302;
    res.setHeader('location', 'https://127.0.0.1:1/elsewhere');
    res.end();
  });
  t.teardown(() => redirect.server.close());
  const red = await postWebhook('{}', { url: new URL(redirect.url), secret: Buffer.from(SECRET), ca: cert.cert, deadline: Date.now() + 5000 });
  t.notOk(red.ok);
  t.strictSame(red.attempts.map((a) => a.status), [302], 'one attempt, not followed');

  const denied = await receiver(cert, (_req, res) => {
    res.statusCode = 401;
    res.end();
  });
  t.teardown(() => denied.server.close());
  const den = await postWebhook('{}', { url: new URL(denied.url), secret: Buffer.from(SECRET), ca: cert.cert, deadline: Date.now() + 5000 });
  t.strictSame(den.attempts.map((a) => a.status), [401]);
});

t.test('unreachable, or a receiver that drip-feeds: bounded retries inside the deadline', async (t) => {
  // a port nobody listens on
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  let began = Date.now();
  const down = await postWebhook('{}', { url: new URL(`https://127.0.0.1:${port}/`), secret: Buffer.from(SECRET), deadline: began + 3000 });
  t.notOk(down.ok);
  t.equal(down.attempts.length, 3, 'three attempts');
  t.ok(down.attempts.every((a) => a.error === 'ECONNREFUSED'));
  t.ok(Date.now() - began < 3000, `within the deadline (${Date.now() - began} ms)`);

  // headers at once, then one byte a second: cut at the attempt's deadline
  const drip = await receiver(cert, (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    const timer = setInterval(() => res.write('x'), 1000);
    res.on('close', () => clearInterval(timer));
  });
  t.teardown(() => drip.server.close());
  began = Date.now();
  const slow = await postWebhook('{}', { url: new URL(drip.url), secret: Buffer.from(SECRET), ca: cert.cert, deadline: began + 2500, attemptTimeoutMs: 800 });
  const took = Date.now() - began;
  t.notOk(slow.ok);
  t.ok(took < 2550, `all attempts over in ${took} ms, by the 2.5 s deadline (timer slack 50 ms)`);
  t.ok(slow.attempts.length >= 1 && slow.attempts.every((a) => /no answer within/.test(a.error ?? '')));
});

t.test('a CA file that is a FIFO or huge is refused at once', async (t) => {
  const { readCaFile } = await import('../../lib/alert/webhook.ts');
  const { spawnSync } = await import('node:child_process');
  const d = scratch('ca');
  spawnSync('mkfifo', [join(d, 'fifo')]);
  const began = Date.now();
  await t.rejects(readCaFile(join(d, 'fifo')), { message: /not a regular file: refused/ });
  t.ok(Date.now() - began < 1000);
  writeFileSync(join(d, 'big'), Buffer.alloc(2 * 1024 * 1024));
  await t.rejects(readCaFile(join(d, 'big')), { message: /larger than 1 MiB/ });
});
