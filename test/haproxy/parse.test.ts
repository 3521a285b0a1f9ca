import t from 'tap';
import { splitReplies } from '../../lib/haproxy/transport.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSocketAddress, SocketAddressError } from '../../lib/haproxy/address.ts';
import { ReplyParseError } from '../../lib/haproxy/errors.ts';
import { interpretSet, interpretSetAddr } from '../../lib/haproxy/replies.ts';
import { adminMode, parseServersState } from '../../lib/haproxy/servers-state.ts';
import { parseBackends, parseInfo, parseStat, processInfo } from '../../lib/haproxy/stat.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'haproxy');
const fixture = (name: string): string => readFileSync(join(FIX, name), 'utf8');

/** A `$ command` transcript: each command with the reply that followed it. */
function transcript(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const block of text.split(/^\$ /m).slice(1)) {
    const nl = block.indexOf('\n');
    out.push([block.slice(0, nl), block.slice(nl + 1)]);
  }
  return out;
}

t.test('show servers state: the admin-state bitmask read right (2.6.12 captures)', async (t) => {
  const after = parseServersState(fixture('haproxy2.6.12-show-servers-state-after-retarget-maint-drain.txt'));
  const by = Object.fromEntries(after.map((s) => [`${s.backend}/${s.name}`, s]));
  t.equal(after.length, 5);
  t.match(by['be_app/node1'], { adminBits: 8, admin: 'drain', opState: 'running', checked: true, addr: '127.0.0.1', port: 18081 });
  t.match(by['be_app/node2'], { adminBits: 0, admin: 'ready', opState: 'running', port: 18083 });
  t.match(by['be_app/node3'], { adminBits: 1, admin: 'maint', opState: 'stopped' });
  t.match(by['be_db/pg-active'], { admin: 'maint', checked: true });
  // CMAINT (0x04) alone: disabled in the configuration, enabled at run time: not maintenance
  t.match(by['be_db/pg-standby'], { adminBits: 4, admin: 'ready' });

  const initial = parseServersState(fixture('haproxy2.6.12-show-servers-state-initial.txt'));
  const standby = initial.find((s) => s.name === 'pg-standby')!;
  t.match(standby, { adminBits: 5, admin: 'maint', opState: 'stopped' }, 'FMAINT|CMAINT is maintenance');
  t.equal(initial.find((s) => s.name === 'node2')!.opState, 'stopped', 'node2 DOWN by its check');
  t.same(parseServersState(fixture('haproxy2.6.12-show-servers-state-be_db-only.txt')).map((s) => s.name), ['pg-active', 'pg-standby']);
  const [, reply] = transcript(fixture('haproxy2.6.12-enable-server-config-disabled-then-state.txt'))[1]!;
  t.equal(parseServersState(reply).find((s) => s.name === 'pg-standby')!.admin, 'ready');
});

t.test('admin bits: maintenance is 0x23, drain 0x18, maintenance wins', async (t) => {
  t.equal(adminMode(0x00), 'ready');
  t.equal(adminMode(0x04), 'ready');
  for (const bit of [0x01, 0x02, 0x20]) t.equal(adminMode(bit), 'maint', `0x${bit.toString(16)}`);
  for (const bit of [0x08, 0x10]) t.equal(adminMode(bit), 'drain', `0x${bit.toString(16)}`);
  t.equal(adminMode(0x09), 'maint');
  t.equal(adminMode(0x40), 'ready', 'HMAINT alone (hostname resolution pending) is not one of the two');
});

t.test('show servers state: bad replies are typed errors naming the line', async (t) => {
  const good = fixture('haproxy2.6.12-show-servers-state-initial.txt');
  t.throws(() => parseServersState(''), { name: 'ReplyParseError', line: 1 });
  t.throws(() => parseServersState('2\n' + good.split('\n').slice(1).join('\n')), { name: 'ReplyParseError', line: 1, message: /format version '1'/ });
  t.throws(() => parseServersState('1\nbe_id be_name\n'), { name: 'ReplyParseError', line: 2 });
  t.throws(() => parseServersState('1\n# be_id be_name srv_id\n'), { name: 'ReplyParseError', line: 2, message: /lacks column srv_name/ });
  const lines = good.split('\n');
  lines[4] = lines[4]!.replace(/^(\S+ \S+ \S+ \S+ \S+ )\d+/, '$1x');
  t.throws(() => parseServersState(lines.join('\n'), 'fixture'), { name: 'ReplyParseError', line: 5, message: /^fixture, line 5: column srv_op_state: expected an integer, got 'x'/ });
  const short = good.split('\n');
  short[3] = '3 be_app 1 node1';
  t.throws(() => parseServersState(short.join('\n')), { name: 'ReplyParseError', line: 4, message: /expected 25 fields, got 4/ });
  const err = (() => {
    try {
      parseServersState('1\n');
    } catch (e) {
      return e;
    }
  })();
  t.ok(err instanceof ReplyParseError);
});

t.test('show stat, show info, show backend', async (t) => {
  const rows = parseStat(fixture('haproxy2.6.12-show-stat-csv-after-retarget-maint-drain.csv'));
  const row = (px: string, sv: string) => rows.find((r) => r.proxy === px && r.name === sv)!;
  t.match(row('be_app', 'node1'), { status: 'DRAIN', sessions: 0, addr: '127.0.0.1:18081' });
  t.equal(row('be_app', 'node3').status, 'MAINT');
  t.equal(row('be_db', 'pg-standby').status, 'DOWN');
  t.equal(row('fe_db', 'FRONTEND').status, 'OPEN');
  t.throws(() => parseStat('pxname,svname\n'), { name: 'ReplyParseError', line: 1 });
  t.throws(() => parseStat('# pxname,svname,scur,status\na,b,x,UP\n'), { name: 'ReplyParseError', line: 2, message: /scur/ });
  const info = processInfo(parseInfo(fixture('haproxy2.6.12-show-info.txt')));
  t.match(info, { pid: 1896, uptimeS: 16, version: '2.6.12-1+deb12u4' });
  t.throws(() => parseInfo('Name: HAProxy\nno colon here\n'), { name: 'ReplyParseError', line: 2 });
  t.same(parseBackends('# name\nbe_app\nbe_db\n'), ['be_app', 'be_db']);
  t.throws(() => parseBackends('be_app\n'), { name: 'ReplyParseError', line: 1 });
});

t.test('replies to set server, from the 2.6.12 transcript', async (t) => {
  const replies = new Map(transcript(fixture('haproxy2.6.12-runtime-commands-responses.txt')));
  const s = 'sock';
  t.doesNotThrow(() => interpretSet(s, 'x', replies.get('set server be_db/pg-standby state ready')!));
  t.doesNotThrow(() => interpretSet(s, 'x', replies.get('set server be_app/node1 state drain')!));
  t.throws(() => interpretSet(s, 'set server be_app/nosuch state ready', replies.get('set server be_app/nosuch state ready')!), {
    name: 'RuntimeApiError',
    kind: 'no-such-server',
    // the server first: Pacemaker keeps 128 bytes of an exit reason
    message: "be_app/nosuch: No such server. (HAProxy at sock, 'set server be_app/nosuch state ready')",
  });
  t.match(interpretSetAddr(s, 'x', replies.get('set server be_app/node2 addr 127.0.0.1 port 18083')!), { addrChanged: false, portChanged: true });
  t.throws(() => interpretSetAddr(s, 'x', replies.get('set server be_db/pg-standby addr 127.0.0.999')!), { name: 'RuntimeApiError', kind: 'invalid-addr' });
  // replies seen live on 2.6.12 (test/haproxy/client.test.ts gets each from a real HAProxy)
  t.throws(() => interpretSet(s, 'x', 'No such backend.\n'), { name: 'RuntimeApiError', kind: 'no-such-backend' });
  t.throws(() => interpretSet(s, 'x', 'Permission denied\n'), { name: 'RuntimeApiError', kind: 'permission-denied' });
  t.throws(() => interpretSetAddr(s, 'x', "Update for the current server address family is only supported through configuration file by 'stats socket command'\n"), {
    name: 'RuntimeApiError',
    kind: 'addr-config-only',
  });
  t.throws(() => interpretSet(s, 'x', 'something new\n'), { name: 'RuntimeApiError', kind: 'unexpected', message: /something new/ });
  t.match(interpretSetAddr(s, 'x', "IP changed from '127.0.0.1' to '127.0.0.2', port changed from '1' to '2' by 'stats socket command'\n"), { addrChanged: true, portChanged: true });
});

t.test('socket addresses as users write them in stats socket', async (t) => {
  t.match(parseSocketAddress('/run/haproxy/admin.sock'), { kind: 'unix', path: '/run/haproxy/admin.sock' });
  t.match(parseSocketAddress('unix@/run/h.sock'), { kind: 'unix', path: '/run/h.sock' });
  t.match(parseSocketAddress('ipv4@127.0.0.1:9999'), { kind: 'tcp', host: '127.0.0.1', port: 9999 });
  t.match(parseSocketAddress('127.0.0.1:9999'), { kind: 'tcp', host: '127.0.0.1', port: 9999 });
  t.match(parseSocketAddress('ipv6@[::1]:9999'), { kind: 'tcp', host: '::1', port: 9999 });
  for (const bad of ['', 'admin.sock', 'unix@relative', '127.0.0.1:0', '127.0.0.1:70000', '300.0.0.1:80', 'abns@x', '/a b']) {
    t.throws(() => parseSocketAddress(bad), SocketAddressError, JSON.stringify(bad));
  }
});

t.test('framing: every reply ends with an empty line; anything less was cut off', async (t) => {
  t.same(splitReplies('admin\n\n', 1), ['admin\n']);
  t.same(splitReplies('\n', 1), [''], 'a command with nothing to say');
  t.same(splitReplies('admin\n\n1\n# be_id\n\nName: x\n\n', 3), ['admin\n', '1\n# be_id\n', 'Name: x\n']);
  t.equal(splitReplies('1\n# be_id\n3 be_app 1 node1\n', 1), null, 'no terminating empty line');
  t.equal(splitReplies('admin\n\n1\n# be_id\n', 2), null, 'the second reply cut off');
  t.equal(splitReplies('', 1), null);
});
