import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge, planClaim, planRelease, ClaimConfigError } from '../../lib/haproxy/claim.ts';
import { ConfigError, nodeOf, parseRetargetConfig, serverOf, type RawRetargetParams } from '../../lib/haproxy/config.ts';
import { parseServersState, type ServerState } from '../../lib/haproxy/servers-state.ts';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'haproxy');
const captured = (name: string): ServerState[] => parseServersState(readFileSync(join(FIX, name), 'utf8'));
const cfg = (p: Partial<RawRetargetParams> = {}) => parseRetargetConfig({ socket: '/run/h.sock', backends: 'be_app', drain_timeout: 5000, ...p });
/** A variant of a captured state: server `name` with other admin bits / op state. */
const set = (servers: ServerState[], name: string, admin: 'ready' | 'drain' | 'maint', op: ServerState['opState'] = 'running'): ServerState[] =>
  servers.map((s) => (s.name === name ? { ...s, admin, adminBits: { ready: 0, drain: 8, maint: 1 }[admin], opState: op } : s));

t.test('parameters: typed, every error names the parameter', async (t) => {
  const c = cfg({ socket: '/a.sock ipv4@127.0.0.1:9999', servers: 'node1=db-a node2=db-b', read_backends: 'be_ro', state_file: '/s1 -' });
  t.equal(c.sockets.length, 2);
  t.same(c.stateFiles, ['/s1', null]);
  t.equal(serverOf(c, 'node1'), 'db-a');
  t.equal(serverOf(c, 'node3'), 'node3', 'a node not listed: its server is named like it');
  t.equal(nodeOf(c, 'db-b'), 'node2');
  const bad: [Partial<RawRetargetParams>, RegExp][] = [
    [{ socket: 'relative.sock' }, /^parameter 'socket': 'relative.sock' is not a runtime API socket/],
    [{ backends: ' ' }, /^parameter 'backends': no backend given/],
    [{ backends: 'be;x' }, /^parameter 'backends': backend 'be;x' is not a valid HAProxy name/],
    [{ servers: 'node1' }, /^parameter 'servers': 'node1' is not node=value/],
    [{ servers: 'node1=a node2=a' }, /^parameter 'servers': server 'a' is given to both/],
    [{ mode: 'dns' }, /^parameter 'mode'/],
    [{ mode: 'addr' }, /^parameter 'addresses': mode=addr needs/],
    [{ mode: 'addr', addresses: 'node1=10.0.0.300:80' }, /^parameter 'addresses': node 'node1': '10.0.0.300' is not an IPv4/],
    [{ mode: 'addr', addresses: 'node1=10.0.0.1:99999' }, /^parameter 'addresses': node 'node1': port 99999/],
    [{ read_backends: 'be_app' }, /^parameter 'read_backends': backend 'be_app' is also in 'backends'/],
    [{ state_file: '/a /b' }, /^parameter 'state_file': 2 file\(s\) for 1 socket/],
  ];
  for (const [p, message] of bad) t.throws(() => cfg(p), { name: 'ConfigError', message }, JSON.stringify(p));
  // the thrown errors are instances of the exported class, not merely objects named 'ConfigError'
  t.throws(() => cfg({ mode: 'dns' }), ConfigError, 'a ConfigError instance');
});

t.test('judge: who holds the claim, from captured 2.6.12 states', async (t) => {
  const after = captured('haproxy2.6.12-show-servers-state-after-retarget-maint-drain.txt');
  // node2 ready and UP, node1 draining, node3 in maintenance: node2 holds be_app
  const v2 = judge(cfg(), 'node2', after);
  t.match(v2, { kind: 'held' });
  t.same(v2.kind === 'held' && v2.draining.map((s) => s.name), ['node1'], 'node1 still draining');
  t.match(judge(cfg(), 'node1', after), { kind: 'other', holder: 'node2', where: 'be_app/node2' });
  t.match(judge(cfg(), 'node3', after), { kind: 'other', holder: 'node2' });
  // everyone ready (a fresh HAProxy): nobody holds it exclusively; from node1's side a mismatch
  const initial = captured('haproxy2.6.12-show-servers-state-initial.txt');
  t.match(judge(cfg(), 'node1', initial), { kind: 'mismatch', reason: /be_app\/node2, be_app\/node3 ready beside be_app\/node1/ });
  // a server re-enabled by hand beside the holder
  t.match(judge(cfg(), 'node2', set(after, 'node3', 'ready')), { kind: 'mismatch', reason: 'be_app/node3 ready beside be_app/node2 (re-enabled by hand?)' });
  // this node's server DOWN by its health check
  t.match(judge(cfg(), 'node2', set(after, 'node2', 'ready', 'stopped')), { kind: 'mismatch', reason: 'be_app/node2 is DOWN by health check (stopped)' });
  // nobody ready
  t.match(judge(cfg(), 'node2', set(set(after, 'node2', 'maint'), 'node1', 'maint')), { kind: 'none' });
  // missing backend / server: configuration errors naming them
  t.throws(() => judge(cfg({ backends: 'be_nope' }), 'node1', after), { name: 'ClaimConfigError', message: "backend 'be_nope' does not exist in HAProxy (or has no server)" });
  t.throws(() => judge(cfg(), 'node9', after), { message: "backend 'be_app' has no server 'node9' for node 'node9'" });
  t.throws(() => judge(cfg({ backends: 'be_nope' }), 'node1', after), ClaimConfigError, 'a ClaimConfigError instance');
});

t.test('judge: several backends, read backends', async (t) => {
  const after = captured('haproxy2.6.12-show-servers-state-after-retarget-maint-drain.txt');
  const app = after.filter((s) => s.backend === 'be_app');
  // the same servers again as a second write backend and as a read backend
  const copy = (backend: string, list: ServerState[]) => list.map((s) => ({ ...s, backend }));
  const two = [...app, ...copy('be_api', app)];
  t.match(judge(cfg({ backends: 'be_app be_api' }), 'node2', two), { kind: 'held' });
  t.match(judge(cfg({ backends: 'be_app be_api' }), 'node2', [...app, ...copy('be_api', set(app, 'node2', 'maint'))]), {
    kind: 'mismatch',
    reason: /^claim held only in part: be_api\/node2 is maint/,
  });
  t.throws(() => judge(cfg({ backends: 'be_app be_db' }), 'node2', after), { message: "backend 'be_db' has no server 'node2' for node 'node2'" });
  // read backend: node2 holds be_app; in be_ro its server must be ready, others may stay ready
  const ro = copy('be_ro', set(set(app, 'node1', 'ready'), 'node3', 'ready'));
  t.match(judge(cfg({ read_backends: 'be_ro' }), 'node2', [...app, ...ro]), { kind: 'held' });
  t.match(judge(cfg({ read_backends: 'be_ro' }), 'node2', [...app, ...copy('be_ro', set(app, 'node2', 'maint'))]), {
    kind: 'mismatch',
    reason: 'read backend: be_ro/node2 is maint',
  });
  const p = planClaim(cfg({ read_backends: 'be_ro' }), 'node3', [...app, ...copy('be_ro', app)]);
  t.same(p.first.map((s) => `${s.backend}/${s.server}`), ['be_app/node3', 'be_ro/node3'], 'ready in write and read backends');
  t.same(p.drain.map((s) => `${s.backend}/${s.name}`), ['be_app/node1', 'be_app/node2'], 'nobody taken out of the read backend');
});

t.test('planClaim: own server ready first, the others drained (down ones straight to maint)', async (t) => {
  const initial = captured('haproxy2.6.12-show-servers-state-initial.txt');
  // node2 is DOWN in this capture, node1 and node3 UP and ready
  const p = planClaim(cfg(), 'node3', initial);
  t.same(p.first, [], 'node3 already ready');
  t.same(p.drain.map((s) => s.name), ['node1']);
  t.same(p.maint.map((s) => s.name), ['node2'], 'waiting for a DOWN server to drain would never end');
  const q = planClaim(cfg({ drain_timeout: 0 } as Partial<RawRetargetParams>), 'node2', initial);
  t.same(q.first, [{ op: 'state', backend: 'be_app', server: 'node2', state: 'ready' }].slice(0, 0), 'node2 is admin-ready already');
  t.same(q.maint.map((s) => s.name), ['node1', 'node3'], 'drain_timeout 0: straight to maintenance');
  const after = captured('haproxy2.6.12-show-servers-state-after-retarget-maint-drain.txt');
  const r = planClaim(cfg(), 'node3', after);
  t.same(r.first, [{ op: 'state', backend: 'be_app', server: 'node3', state: 'ready' }]);
  t.same(r.drain.map((s) => s.name), ['node1', 'node2'], 'node1 (already draining) and node2');
  t.same(r.maint, []);
});

t.test('planRelease: only this node\'s own claim, never another node\'s', async (t) => {
  const after = captured('haproxy2.6.12-show-servers-state-after-retarget-maint-drain.txt');
  t.same(planRelease(cfg(), 'node2', after).drain.map((s) => s.name), ['node2']);
  const other = planRelease(cfg(), 'node3', after);
  t.same([...other.first, ...other.drain, ...other.maint], [], 'node3 is in maintenance already: node2\'s claim stays');
  const addr = cfg({ backends: 'be_db', mode: 'addr', addresses: 'a=127.0.0.1:18091 b=127.0.0.1:18092' });
  t.throws(() => judge(addr, 'a', after), { message: "backend 'be_db' has 2 servers; mode=addr needs exactly one" });
});

t.test('mode=addr: the single server re-addressed', async (t) => {
  const after = captured('haproxy2.6.12-show-servers-state-after-retarget-maint-drain.txt');
  const one = after.filter((s) => s.name === 'node2').map((s) => ({ ...s, backend: 'be_one' }));
  const c = cfg({ backends: 'be_one', mode: 'addr', addresses: 'n1=127.0.0.1:18081 n2=127.0.0.1:18083 n3=10.0.0.3' });
  t.match(judge(c, 'n2', one), { kind: 'held' });
  t.match(judge(c, 'n1', one), { kind: 'other', holder: 'n2' });
  t.same(planClaim(c, 'n1', one).first, [{ op: 'addr', backend: 'be_one', server: 'node2', ip: '127.0.0.1', port: 18081 }]);
  t.same(planClaim(c, 'n3', one).first, [{ op: 'addr', backend: 'be_one', server: 'node2', ip: '10.0.0.3', port: undefined }]);
  const noAddr = one.map((s) => ({ ...s, addr: null }));
  t.throws(() => planClaim(c, 'n1', noAddr), { message: /has no address .* only lets the configuration file set it/ });
  t.same(planRelease(c, 'n2', one).maint.map((s) => s.name), ['node2']);
  t.same(planRelease(c, 'n1', one).maint, [], 'pointing at n2: not n1\'s to release');
});
