/**
 * The DRBD simulator (test double) inside the namespace lab: its connection follows the lab's real
 * network. A hard kill of a node or a cut link makes the survivor lose the connection; a reboot
 * plus `drbdadm up`, or the link back, reconnects; both Primary while apart is a split brain.
 * Needs root (the lab); lab name ocfkit-drbdsim1.
 */
import t from 'tap';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labUp, labDown, type Lab } from '../../lib/lab/index.ts';
import { SIM_BIN, resourceFile, waitFor } from './helpers.ts';

const LAB = 'ocfkit-drbdsim1';
const dir = `/var/tmp/${LAB}`;
const conf = join(dir, 'drbd.conf');
// The simulator's dead-peer knobs (its defaults, lib/env.mjs), given to the nodes explicitly so
// that the waits below derive from what the daemons run with: it pings every tick (≤ 100 ms)
// and drops the link once nothing has arrived for TIMEOUT_MS (daemon.mjs tick()).
const PING_MS = 300;
const TIMEOUT_MS = 1200;
const TICK_MS = Math.min(100, PING_MS);
/** From a cut to the simulator's "-> WFConnection" line: the timeout, a tick, and a second for a loaded event loop. */
const DETECT_MS = TIMEOUT_MS + TICK_MS + 1000;
/** From a cut until both probes see it: detection plus slack for the probes (two nsenter + Node CLI runs each, up to a second apiece under load). */
const LOST_BUDGET_MS = TIMEOUT_MS + PING_MS + 8000;
// Fast resync, no modelled writes: the test is about connection states.
const env = {
  DRBD_SIM_CONF: conf,
  DRBD_SIM_RESYNC_KIBPS: '2000000',
  DRBD_SIM_WRITE_KIBPS: '0',
  DRBD_SIM_PING_MS: String(PING_MS),
  DRBD_SIM_TIMEOUT_MS: String(TIMEOUT_MS),
};

if (process.getuid?.() !== 0) t.plan(0, 'needs root for the namespace lab');
else {
  let lab: Lab;
  const metaDirs: string[] = [];
  t.before(async () => {
    lab = await labUp({ name: LAB, nodes: 2, stonith: false, extraBin: SIM_BIN });
    for (const n of lab.nodes) {
      const r = await lab.exec(n, ['drbd-sim', 'paths'], { env, timeoutMs: 10_000 });
      metaDirs.push(JSON.parse(r.stdout).stateDir as string); // per node (hostname + netns inode)
    }
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'drbd.d'), { recursive: true });
    writeFileSync(conf, 'include "drbd.d/*.res";\n');
    const [a, b] = lab.nodes.map((n) => ({ host: n, ip: lab.node(n).address }));
    writeFileSync(join(dir, 'drbd.d', 'r0.res'), resourceFile('r0', a!, b!));
  });
  t.teardown(async () => {
    for (const n of lab?.nodes ?? []) await lab.exec(n, ['drbdadm', 'down', 'r0'], { env, timeoutMs: 10_000 });
    await labDown(LAB);
    rmSync(dir, { recursive: true, force: true });
    for (const d of metaDirs) rmSync(d, { recursive: true, force: true });
  });

  const sh = async (node: string, ...argv: string[]): Promise<string> => {
    const r = await lab.exec(node, argv, { env, timeoutMs: 15_000 });
    if (r.failed) throw new Error(`${node}: ${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const cstate = async (node: string): Promise<string> => (await lab.exec(node, ['drbdadm', 'cstate', 'r0'], { env, timeoutMs: 10_000 })).stdout.trim();
  const dstate = async (node: string): Promise<string> => (await lab.exec(node, ['drbdadm', 'dstate', 'r0'], { env, timeoutMs: 10_000 })).stdout.trim();
  /** The simulator's own clock (its log) for the first "lost the connection, now WFConnection" at or after `since`. */
  const lostAt = async (node: string, since: number): Promise<number | null> => {
    for (const line of (await sh(node, 'cat', '/run/ocfkit-drbd-sim/r0.log')).split('\n')) {
      const m = /^(\S+) drbd r0: conn\( \S+ -> NetworkFailure -> WFConnection \)/.exec(line);
      const at = m ? Date.parse(m[1]!) : NaN;
      if (at >= since) return at;
    }
    return null;
  };

  t.test('the simulator follows the lab network', async (t) => {
    t.match(await sh('node1', 'which', 'drbdadm', 'drbdsetup'), /^\/usr\/local\/bin\/drbdadm\n\/usr\/local\/bin\/drbdsetup\n$/, 'the simulator is first on PATH in the node');
    for (const n of lab.nodes) {
      await sh(n, 'drbdadm', 'create-md', '--force', 'r0');
      await sh(n, 'drbdadm', 'up', 'r0');
    }
    await waitFor('connected', async () => (await cstate('node1')) === 'Connected' && (await cstate('node2')) === 'Connected');
    await sh('node1', 'drbdadm', 'new-current-uuid', '--clear-bitmap', 'r0');
    await waitFor('UpToDate/UpToDate', async () => (await dstate('node2')) === 'UpToDate/UpToDate');
    await sh('node1', 'drbdadm', 'primary', 'r0');
    t.equal(await sh('node2', 'drbdadm', 'role', 'r0'), 'Secondary/Primary\n');

    // Power cut of node1: node2 waits for it again.
    const killing = Date.now();
    const { at } = await lab.kill('node1'); // at: node1's NIC is down
    await waitFor('node2 WFConnection after the kill', async () => (await cstate('node2')) === 'WFConnection', LOST_BUDGET_MS, 50);
    const killSeen = await lostAt('node2', killing);
    t.ok(killSeen !== null && killSeen - at <= DETECT_MS, `node2's simulator dropped the link ${killSeen === null ? '(no log line)' : `${killSeen - at} ms`} after node1's NIC went down (≤ ${DETECT_MS}); probes saw it after ${Date.now() - at} ms`);
    t.equal(await sh('node2', 'drbdadm', 'status', 'r0'), 'r0 role:Secondary\n  disk:UpToDate\n  peer connection:Connecting\n\n');

    // Reboot: fresh /run (module unloaded), metadata kept; up reconnects.
    await lab.start('node1');
    const st = await lab.exec('node1', ['drbdadm', 'status', 'r0'], { env, timeoutMs: 10_000 });
    t.equal(st.exitCode, 10, 'after the reboot the resource is down');
    t.equal(st.stderr, "r0: No such resource\nCommand 'drbdsetup-84 status r0' terminated with exit code 10\n");
    t.equal(await sh('node1', 'drbdadm', 'dstate', 'r0'), 'Consistent\n', 'dstate of a down resource reads the metadata');
    await sh('node1', 'drbdadm', 'up', 'r0');
    await waitFor('reconnected', async () => (await dstate('node1')) === 'UpToDate/UpToDate' && (await cstate('node2')) === 'Connected');
    t.pass('reconnected after lab start + drbdadm up');

    // Cut the link: both sides lose the connection.
    await sh('node1', 'drbdadm', 'primary', 'r0');
    const cutting = Date.now();
    await lab.net('node2', 'down');
    const cut = Date.now(); // the link is down by now (it went down between cutting and cut)
    await waitFor('both WFConnection', async () => (await cstate('node1')) === 'WFConnection' && (await cstate('node2')) === 'WFConnection', LOST_BUDGET_MS, 50);
    t.comment(`probes saw both WFConnection ${Date.now() - cut} ms after lab net node2 down returned (${cut - cutting} ms for the cut)`);
    for (const n of lab.nodes) {
      const seen = await lostAt(n, cutting);
      t.ok(seen !== null && seen - cut <= DETECT_MS, `${n}'s simulator dropped the link ${seen === null ? '(no log line)' : `${seen - cut} ms`} after the cut (≤ ${DETECT_MS})`);
    }

    // Both Primary while apart, then the link back: split brain, StandAlone on both.
    await sh('node2', 'drbdadm', 'primary', 'r0');
    await lab.net('node2', 'up');
    await waitFor('split brain', async () => (await cstate('node1')) === 'StandAlone' && (await cstate('node2')) === 'StandAlone', 10_000);
    for (const n of lab.nodes) {
      t.equal(await sh(n, 'drbdadm', 'status', 'r0'), 'r0 role:Primary\n  disk:UpToDate\n\n', `${n}: StandAlone Primary as in capture 09`);
      t.match(await sh(n, 'cat', '/run/ocfkit-drbd-sim/r0.log'), /Split-Brain detected but unresolved, dropping connection!/);
    }
  });
}
