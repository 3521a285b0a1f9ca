import t from 'tap';
import { createServer, type Server, type Socket } from 'node:net';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pushEvent, subscriberSockets } from '../../lib/alert/push.ts';
import { scratch } from '../helpers/agent.ts';

function listen(path: string, onConn: (s: Socket) => void): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(onConn);
    server.listen(path, () => resolve(server));
  });
}

t.test('nobody listening: nothing to do, at once', async (t) => {
  const d = scratch('push-none');
  t.strictSame(await pushEvent(join(d, 'events.sock'), '{}\n'), []);
});

t.test('the main socket and every events.d/*.sock get the line; stale and odd entries are silent', async (t) => {
  const d = scratch('push-all');
  mkdirSync(join(d, 'events.d'));
  const got: string[] = [];
  const collect = (name: string) => (s: Socket) => {
    let buf = '';
    s.on('data', (c) => (buf += c));
    s.on('end', () => got.push(`${name}:${buf}`));
  };
  const a = await listen(join(d, 'events.sock'), collect('main'));
  const b = await listen(join(d, 'events.d', '101.sock'), collect('sub'));
  t.teardown(() => {
    a.close();
    b.close();
  });
  // a subscriber that died without unlinking its socket: ECONNREFUSED
  // (a socket file nobody listens on, as a SIGKILLed subscriber leaves it)
  spawnSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', join(d, 'events.d', '102.sock')]);
  writeFileSync(join(d, 'events.d', 'file.sock'), 'a regular file named like a socket');
  symlinkSync(join(d, 'events.sock'), join(d, 'events.d', 'link.sock'));
  const paths = await subscriberSockets(join(d, 'events.sock'));
  t.strictSame(paths.sort(), [join(d, 'events.d', '101.sock'), join(d, 'events.d', '102.sock'), join(d, 'events.sock')].sort(), 'sockets only: no regular file, no symbolic link');
  const results = await pushEvent(join(d, 'events.sock'), '{"x":1}\n');
  const by = Object.fromEntries(results.map((r) => [r.path.split('/').pop(), r.outcome]));
  t.strictSame(by, { 'events.sock': 'sent', '101.sock': 'sent', '102.sock': 'refused' });
  await new Promise((r) => setTimeout(r, 50));
  t.strictSame(got.sort(), ['main:{"x":1}\n', 'sub:{"x":1}\n']);
});

t.test('the main socket path is a regular file: silent', async (t) => {
  const d = scratch('push-file');
  writeFileSync(join(d, 'events.sock'), 'x');
  t.strictSame(await pushEvent(join(d, 'events.sock'), '{}\n'), []);
});

t.test('a subscriber that accepts and never reads, or never accepts: bounded by the deadline', async (t) => {
  const d = scratch('push-stuck');
  const held: Socket[] = [];
  const s = await listen(join(d, 'events.sock'), (c) => {
    c.pause();
    held.push(c);
  });
  t.teardown(() => {
    held.forEach((c) => c.destroy());
    s.close();
  });
  const big = `${'x'.repeat(4 * 1024 * 1024)}\n`; // more than the socket buffers: the write cannot finish
  const began = Date.now();
  const [r] = await pushEvent(join(d, 'events.sock'), big, 250);
  const took = Date.now() - began;
  t.equal(r!.outcome, 'timeout');
  t.ok(took >= 240 && took < 1000, `gave up after ${took} ms`);
});

t.test('more subscribers than the cap: the first 64 get it, the rest are reported skipped', async (t) => {
  const d = scratch('push-many');
  mkdirSync(join(d, 'events.d'));
  const servers = await Promise.all(Array.from({ length: 70 }, (_, i) => listen(join(d, 'events.d', `${i}.sock`), (c) => c.resume())));
  t.teardown(() => servers.forEach((s) => s.close()));
  const results = await pushEvent(join(d, 'events.sock'), '{}\n');
  t.equal(results.filter((r) => r.outcome === 'sent').length, 64);
  t.equal(results.filter((r) => r.detail?.includes('skipped')).length, 6);
});
