import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../lib/log/logger.ts';
import { syslogWriter } from '../../lib/log/syslog.ts';
import { scratch } from '../helpers/agent.ts';

/** A syslog daemon's socket: a unix datagram socket that prints every datagram it gets. */
const LISTENER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready", flush=True)
while True:
    data = s.recv(65536)
    print(data.decode("utf-8", "replace"), flush=True)
`;

t.test('warnings and errors also reach syslog through its socket; info and debug do not', async (t) => {
  const socket = join(scratch('syslog'), 'log');
  const listener = spawn('/usr/bin/python3', ['-c', LISTENER, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => listener.kill('SIGKILL'));
  let got = '';
  listener.stdout!.on('data', (d: Buffer) => (got += d.toString()));
  while (!got.includes('ready')) await new Promise((r) => setTimeout(r, 20));

  const lines: string[] = [];
  const log = createLogger({ name: 'ocfkit:test', bindings: { rsc: 'app', op: 'stop' }, sink: (l) => lines.push(l), syslog: syslogWriter('ocfkit:test', socket) });
  log.info('an info line');
  log.warn('service db did not stop in 20 s; SIGKILL');
  log.error('could not stop db');
  for (let i = 0; i < 100 && !got.includes('could not stop db'); i++) await new Promise((r) => setTimeout(r, 20));

  t.equal(lines.length, 3, 'every line still goes to stderr');
  t.match(got, /<28>.*ocfkit:test.*ocfkit:test rsc=app op=stop warn: service db did not stop in 20 s; SIGKILL/, 'daemon.warning');
  t.match(got, /<27>.*ocfkit:test rsc=app op=stop error: could not stop db/, 'daemon.err');
  t.notMatch(got, /an info line/);
});

t.test('no syslog socket: nothing is tried', async (t) => {
  const dir = scratch('nosyslog');
  const missing = join(dir, 'log');
  t.notOk(existsSync(missing));
  // a logger program that leaves a mark when it is run (the writer swallows a spawn failure,
  // so a program that is merely absent would not show whether it was tried)
  const logger = join(dir, 'logger');
  writeFileSync(logger, '#!/bin/sh\necho "$@" >> "$0.ran"\n', { mode: 0o755 });
  syslogWriter('ocfkit:test', missing, logger)('error', 'x');
  t.notOk(existsSync(`${logger}.ran`), 'the logger program was not run');
  // the control: with something at the socket path the same program is run and leaves its mark
  const present = join(dir, 'present');
  writeFileSync(present, '');
  syslogWriter('ocfkit:test', present, logger)('error', 'x');
  t.ok(existsSync(`${logger}.ran`), 'the mark shows when the logger program is run');
});
