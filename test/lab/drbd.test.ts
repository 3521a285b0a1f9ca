/**
 * ocf:ocfkit:drbd on the two-node namespace lab, with the DRBD simulator (test double,
 * test/drbd-sim) first on the nodes' PATH: the drills of issue 10 ("What must be shown").
 *
 *  (a) the clone comes up Promoted on one node, Unpromoted on the other, with the documented scores;
 *  (b) hard kill of the Promoted node: the survivor is promoted because its data was UpToDate;
 *  (c) the same with the survivor's disk Outdated first: it is NOT promoted, and has no score;
 *  (e) a real split brain (both Primary while the replication link is down, then reconnect):
 *      reported (monitor exit reason, node attribute ocfkit-drbd-r0-split-brain), never promoted
 *      on both; resolved by hand, the report goes away;
 *  (d) `lab net node2 down` with (Pacemaker) fencing: exactly one Primary afterwards.
 *
 * DRBD replicates over its own addresses (a second address on each node's link): blocking just
 * those (a blackhole route) cuts the replication link while Corosync stays connected, which is
 * how a Secondary gets Outdated on real DRBD (the Primary's fence-peer handler), and how an
 * operator's `drbdadm primary` on the wrong node makes a split brain. Needs root; lab ocfkit-drbd2.
 */
import t, { type Test } from 'tap';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labUp, defaultDistDir, readAlerts, type Lab } from '../../lib/lab/index.ts';
import { parseCrmMonXml, type ClusterStatus } from '../../lib/cluster/index.ts';
import { outcome, run } from '../../lib/exec/run.ts';
import { SIM_BIN, resourceFile } from '../drbd-sim/helpers.ts';
import { assertNothingLeft, cannotRun, testLog, withCleanLab } from './fixtures/harness.ts';
import { delayedFence, fenceRaceNote } from './fixtures/fence-race.ts';

const NAME = 'ocfkit-drbd2';
const DIR = `/var/tmp/${NAME}`;
const CONF = join(DIR, 'drbd.conf');
const AGENT = join(defaultDistDir(), 'resource.d', 'ocfkit', 'drbd');
const CLONE = 'd-clone';
const SCORE = 'd'; // master-d: the score attribute of instance d
const SB_ATTR = 'ocfkit-drbd-r0-split-brain';
const DUMMY = 'dummy';
const FENCE_DELAY_MS = 3000;

const skip = cannotRun() ?? (existsSync(AGENT) ? false : `ocf:ocfkit:drbd is not built (${AGENT} missing): run 'npm run build'`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

t.test('ocf:ocfkit:drbd drills on the namespace lab with the DRBD simulator', { skip }, async (t) => {
  const t0 = Date.now();
  const timings: string[] = [];
  const lap = (what: string, since: number): void => {
    timings.push(`${what} ${((Date.now() - since) / 1000).toFixed(1)} s`);
  };
  await withCleanLab(t, NAME);
  const metaDirs: string[] = [];
  t.teardown(() => {
    rmSync(DIR, { recursive: true, force: true });
    for (const d of metaDirs) rmSync(d, { recursive: true, force: true });
  });
  const lab = await labUp({ name: NAME, nodes: 2, token: 1000, stonith: true, fenceDelayMs: FENCE_DELAY_MS, fenceDelayTarget: 'node2', extraBin: SIM_BIN, log: testLog });
  lap('lab up', t0);

  // --- helpers --------------------------------------------------------------------------
  const sh = async (node: string, ...argv: string[]) => {
    const r = await lab.exec(node, argv, { timeoutMs: 20_000 });
    if (r.failed) throw new Error(`${node}: ${argv.join(' ')}: ${outcome(r)} ${r.stderr}`);
    return r.stdout;
  };
  const drbd = async (node: string, ...argv: string[]) => (await lab.exec(node, ['drbdadm', '-c', CONF, ...argv, 'r0'], { timeoutMs: 15_000 })).stdout.trim();
  const pcs = async (args: string[]) => {
    const r = await lab.exec('node1', ['pcs', ...args], { timeoutMs: 60_000 });
    t.equal(r.exitCode, 0, `pcs ${args.join(' ').slice(0, 90)}`, { result: outcome(r), stderr: r.stderr });
    return r;
  };
  const mon = async (node: string): Promise<ClusterStatus | null> => {
    const xml = await lab.crmMonXml(node, 8000);
    return xml ? parseCrmMonXml(xml) : null;
  };
  const roles = (s: ClusterStatus, role: string): string[] =>
    s.instances.filter((i) => i.cloneId === CLONE && i.role === role && i.active).flatMap((i) => i.nodes).sort();
  const started = (s: ClusterStatus, id: string): string[] => s.instances.filter((i) => i.id === id && i.active).flatMap((i) => i.nodes);
  const score = (s: ClusterStatus, node: string): number | undefined => s.promotionScores[node]?.[SCORE];
  const alive = (node: string): boolean => lab.processes(node).length > 0;
  const other = (node: string): string => lab.nodes.find((n) => n !== node)!;
  /** crm_mon (from `from`) until `pred` holds. */
  const drbdStates = async (): Promise<string> => {
    const out: string[] = [];
    for (const n of lab.nodes) out.push(`${n}: ${alive(n) ? JSON.stringify((await lab.exec(n, ['drbdadm', '-c', CONF, 'status', 'r0'], { timeoutMs: 10_000 })).stdout) : 'off'}`);
    return out.join('; ');
  };
  const until = async (from: string, what: string, pred: (s: ClusterStatus) => boolean, timeoutMs = 60_000): Promise<ClusterStatus> => {
    let last: ClusterStatus | null = null;
    try {
      return await lab.waitFor(
        async () => {
          last = await mon(from);
          return last && pred(last) ? last : null;
        },
        { timeoutMs, intervalMs: 500, what },
      );
    } catch (error) {
      const l = last as ClusterStatus | null;
      const seen = l ? `Promoted ${roles(l, 'Promoted')} Unpromoted ${roles(l, 'Unpromoted')} scores ${JSON.stringify(l.promotionScores)} failures ${JSON.stringify(l.failures.map((f) => [f.node, f.task, f.exitCode, f.exitReason]))}` : 'no crm_mon';
      throw new Error(`${(error as Error).message}; crm_mon: ${seen}; DRBD: ${await drbdStates()}`);
    }
  };

  // DRBD's own addresses: a second address on each node's link
  const drbdIp = new Map<string, string>();
  for (const [i, n] of lab.nodes.entries()) {
    const ip = lab.node(n).address.replace(/\.\d+$/, `.${201 + i}`);
    drbdIp.set(n, ip);
    await sh(n, 'ip', 'addr', 'add', `${ip}/24`, 'dev', 'lab0');
  }
  /** Cut (or restore) the replication link only: each node drops what it sends to the other's DRBD address. */
  const replication = async (state: 'down' | 'up'): Promise<void> => {
    // from the host (`ip -n`): the route lives in the node's network namespace, powered on or not
    for (const n of lab.nodes) {
      const r = await run('ip', ['-n', `${NAME}-${n}`, 'route', state === 'down' ? 'add' : 'del', 'blackhole', `${drbdIp.get(other(n))}/32`], { timeoutMs: 10_000 });
      if (r.failed) throw new Error(`replication ${state} on ${n}: ${outcome(r)} ${r.stderr}`);
    }
  };

  for (const n of lab.nodes) metaDirs.push(JSON.parse(await sh(n, 'drbd-sim', 'paths')).stateDir as string);
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(join(DIR, 'drbd.d'), { recursive: true });
  writeFileSync(CONF, 'include "drbd.d/*.res";\n');
  const [a, b] = lab.nodes.map((n) => ({ host: n, ip: drbdIp.get(n)! }));
  writeFileSync(join(DIR, 'drbd.d', 'r0.res'), resourceFile('r0', a!, b!));

  // --- DRBD by hand, as an operator sets it up -------------------------------------------
  let mark = Date.now();
  for (const n of lab.nodes) {
    await drbd(n, 'create-md', '--force');
    await drbd(n, 'up');
  }
  await lab.waitFor(async () => (await drbd('node1', 'cstate')) === 'Connected' && (await drbd('node2', 'cstate')) === 'Connected', { timeoutMs: 15_000, intervalMs: 200, what: 'DRBD Connected' });
  await drbd('node1', 'new-current-uuid', '--clear-bitmap');
  await lab.waitFor(async () => (await drbd('node2', 'dstate')) === 'UpToDate/UpToDate' && (await drbd('node1', 'dstate')) === 'UpToDate/UpToDate', { timeoutMs: 15_000, intervalMs: 200, what: 'UpToDate/UpToDate' });
  lap('DRBD up, UpToDate/UpToDate', mark);

  // --- the cluster resources --------------------------------------------------------------
  mark = Date.now();
  const created = await pcs(['resource', 'create', 'd', 'ocf:ocfkit:drbd', 'drbd_resource=r0', `drbdconf=${CONF}`, 'promotable', 'notify=true',
    'op', 'monitor', 'interval=5s', 'role=Unpromoted', 'timeout=20s', 'op', 'monitor', 'interval=4s', 'role=Promoted', 'timeout=20s']);
  t.notMatch(created.stderr, /warning|--force/i, 'pcs resource create … promotable notify=true: no warning, no --force needed');
  await pcs(['resource', 'create', DUMMY, 'ocf:heartbeat:Dummy']);
  await pcs(['constraint', 'colocation', 'add', DUMMY, 'with', 'Promoted', CLONE, 'INFINITY']);
  await pcs(['constraint', 'order', 'promote', CLONE, 'then', 'start', DUMMY]);

  let promoted = '';
  await t.test('(a) Promoted on one node, Unpromoted on the other, scores as documented', async (t) => {
    const s = await until('node1', 'Promoted + Unpromoted + Dummy, both scored', (s) => roles(s, 'Promoted').length === 1 && roles(s, 'Unpromoted').length === 1 && started(s, DUMMY).length === 1 && lab.nodes.every((n) => score(s, n) !== undefined));
    lap('(a) create → Promoted/Unpromoted', mark);
    promoted = roles(s, 'Promoted')[0]!;
    t.same(roles(s, 'Unpromoted'), [other(promoted)], 'the other node Unpromoted');
    t.same(started(s, DUMMY), [promoted], 'Dummy with Promoted');
    // ladder: Primary UpToDate → tier 4; UpToDate with the peer UpToDate → tier 4 (default 10000)
    t.equal(score(s, promoted), 10000, `${promoted} (Primary, UpToDate): 10000`);
    t.equal(score(s, other(promoted)), 10000, `${other(promoted)} (Secondary, UpToDate, peer UpToDate): 10000`);
    t.equal(await drbd(promoted, 'role'), 'Primary/Secondary', 'DRBD Primary where Promoted');
    t.notOk(lab.nodes.some((n) => s.nodeAttributes[n]?.[SB_ATTR] !== undefined), 'no split-brain attribute');
  });

  await t.test('(b) hard kill of the Promoted node: the UpToDate survivor is promoted', async (t) => {
    const victim = promoted;
    const survivor = other(victim);
    const { at } = await lab.kill(victim);
    const s = await until(survivor, 'survivor Promoted, Dummy started', (s) => roles(s, 'Promoted').join() === survivor && started(s, DUMMY).join() === survivor);
    lap('(b) kill → survivor Promoted + Dummy', at);
    t.equal(await drbd(survivor, 'role'), 'Primary/Unknown', 'survivor DRBD Primary');
    t.equal(await drbd(survivor, 'dstate'), 'UpToDate/DUnknown', 'survivor UpToDate, peer unknown');
    t.notOk(s.nodes.find((n) => n.name === victim)?.online, 'victim offline (fenced)');
    const log = readFileSync(join(lab.node(survivor).log, 'pacemaker', 'pacemaker.log'), 'utf8');
    t.match(log, /promotion score set to 1000: UpToDate, peer disk unknown/, 'before promote, the survivor scored 1000 (tier 3: UpToDate, peer unknown)');
    t.equal(score(s, survivor), 10000, 'Primary UpToDate: 10000');
    const fenced = readAlerts(lab, survivor).find((e) => e.kind === 'fencing' && e.node === victim && e.at >= at);
    const promote = readAlerts(lab, survivor).find((e) => e.kind === 'resource' && e.task === 'promote' && e.at >= at && e.rc === 0);
    t.ok(fenced && promote && fenced.at <= promote.at, 'fenced before promoted');
    timings.push(`(b) kill → fenced ${fenced ? Math.round(fenced.at - at) : '?'} ms, → promoted ${promote ? Math.round(promote.at - at) : '?'} ms`);

    mark = Date.now();
    await lab.start(victim);
    await until(survivor, 'victim back, Unpromoted, DRBD UpToDate on both', (s) => roles(s, 'Unpromoted').join() === victim && roles(s, 'Promoted').join() === survivor && score(s, victim) === 10000);
    lap('(b) rejoin → Unpromoted, resynced', mark);
    t.equal(await drbd(victim, 'dstate'), 'UpToDate/UpToDate', 'the victim resynced from the survivor');
    promoted = survivor;
  });

  await t.test('(c) the survivor Outdated first: NOT promoted, no score', async (t) => {
    const victim = promoted;
    const survivor = other(victim);
    mark = Date.now();
    await replication('down');
    await lab.waitFor(async () => (await drbd(survivor, 'cstate')) === 'WFConnection' && (await drbd(victim, 'cstate')) === 'WFConnection', { timeoutMs: 10_000, intervalMs: 200, what: 'replication link lost' });
    const refused = await lab.exec(victim, ['drbdadm', '-c', CONF, 'outdate', 'r0'], { timeoutMs: 10_000 });
    t.not(refused.exitCode, 0, 'outdate of a Primary is refused');
    await drbd(survivor, 'outdate');
    t.equal(await drbd(survivor, 'dstate'), 'Outdated/DUnknown', 'survivor Outdated');
    const before = await until(victim, 'survivor score removed', (s) => score(s, survivor) === undefined && score(s, victim) !== undefined, 30_000);
    t.equal(score(before, victim), 10000, 'the Primary keeps its score');
    lap('(c) replication cut + outdate → score removed', mark);

    const { at } = await lab.kill(victim);
    await until(survivor, 'victim fenced', (s) => s.nodes.some((n) => n.name === victim && !n.online && !n.unclean), 30_000);
    // a promotion, if any, would come right after the fencing: give it two monitor intervals
    await sleep(10_000);
    const after = (await mon(survivor))!;
    t.same(roles(after, 'Promoted'), [], 'no Promoted instance');
    t.same(roles(after, 'Unpromoted'), [survivor], 'the survivor stays Unpromoted');
    t.same(started(after, DUMMY), [], 'Dummy stopped');
    t.equal(score(after, survivor), undefined, 'crm_mon shows no score for the Outdated node');
    t.equal(await drbd(survivor, 'role'), 'Secondary/Unknown', 'survivor DRBD Secondary');
    t.notOk(readAlerts(lab, survivor).some((e) => e.task === 'promote' && e.at >= at), 'no promote was even tried');

    // back: the victim's newer data resyncs the Outdated node, then a node is promoted again
    mark = Date.now();
    await replication('up');
    await lab.start(victim);
    const back = await until(survivor, 'one Promoted, both scored', (s) => roles(s, 'Promoted').length === 1 && roles(s, 'Unpromoted').length === 1 && lab.nodes.every((n) => score(s, n) === 10000), 90_000);
    lap('(c) rejoin → Promoted again', mark);
    promoted = roles(back, 'Promoted')[0]!;
    t.equal(await drbd(survivor, 'dstate'), 'UpToDate/UpToDate', 'the Outdated node was resynced');
  });

  await t.test('(e) a real split brain: reported, never promoted on both', async (t) => {
    const primary = promoted;
    const rogue = other(primary);
    mark = Date.now();
    await replication('down');
    await lab.waitFor(async () => (await drbd(rogue, 'cstate')) === 'WFConnection', { timeoutMs: 10_000, intervalMs: 200, what: 'replication link lost' });
    // an operator makes the disconnected Secondary Primary and writes: both Primary while apart
    await drbd(rogue, 'primary');
    await sh(rogue, 'drbd-sim', 'write', 'r0', '4096');
    await drbd(rogue, 'secondary');
    await replication('up');
    await lab.waitFor(async () => (await drbd(rogue, 'cstate')) === 'StandAlone' && (await drbd(primary, 'cstate')) === 'StandAlone', { timeoutMs: 15_000, intervalMs: 200, what: 'split brain: StandAlone on both' });
    t.match(await sh(rogue, 'cat', '/run/ocfkit-drbd-sim/r0.log'), /Split-Brain detected but unresolved, dropping connection!/, 'DRBD saw a split brain');
    // the agent sets the attribute during the monitor, the exit reason is recorded when it returns
    const reported = (s: ClusterStatus, n: string): boolean => s.nodeAttributes[n]?.[SB_ATTR] !== undefined && s.failures.some((f) => f.node === n && /^split brain suspected on r0/.test(f.exitReason ?? ''));
    const s = await until(primary, 'split brain reported on both nodes', (s) => lab.nodes.every((n) => reported(s, n)), 30_000);
    lap('(e) split brain → reported', mark);
    t.match(s.nodeAttributes[primary]![SB_ATTR], /^Primary /, `${SB_ATTR} on ${primary}: ${s.nodeAttributes[primary]![SB_ATTR]}`);
    t.match(s.nodeAttributes[rogue]![SB_ATTR], /^Secondary /, `${SB_ATTR} on ${rogue}: ${s.nodeAttributes[rogue]![SB_ATTR]}`);
    t.equal(score(s, rogue), undefined, 'the split-brain Secondary has no score');
    const reasons = s.failures.filter((f) => f.resource.startsWith('d')).map((f) => `${f.node}: ${f.exitCode} ${f.exitReason}`);
    t.comment(`crm_mon failures: ${JSON.stringify(reasons)}`);
    t.same(s.failures.filter((f) => /^split brain suspected on r0/.test(f.exitReason ?? '')).map((f) => [f.node, f.task, f.exitCode]).sort(), [[primary, 'monitor', 191], [rogue, 'monitor', 190]].sort(), 'crm_mon shows the monitor exit reason on both: 191 on the Primary, 190 on the Secondary');
    // hold: never Promoted on both, the Secondary never promoted
    for (let i = 0; i < 8; i++) {
      const x = (await mon(primary))!;
      t.ok(roles(x, 'Promoted').length <= 1, `at most one Promoted (${roles(x, 'Promoted').join(',')})`);
      await sleep(1000);
    }
    const last = (await mon(primary))!;
    t.same(roles(last, 'Promoted'), [primary], 'Promoted stays on the Primary');
    t.notOk(readAlerts(lab, primary).concat(readAlerts(lab, rogue)).some((e) => e.task === 'promote' && e.node === rogue && e.at >= mark), 'no promote on the split-brain Secondary');

    // resolved by hand (capture 10): the report goes away
    mark = Date.now();
    await drbd(rogue, 'connect', '--discard-my-data');
    await drbd(primary, 'connect');
    await until(primary, 'split-brain attribute removed, both scored', (s) => lab.nodes.every((n) => s.nodeAttributes[n]?.[SB_ATTR] === undefined && score(s, n) === 10000), 30_000);
    lap('(e) resolved → attribute removed', mark);
    t.pass('resolved: attribute removed, the discarded node scored again');
    await lab.exec('node1', ['crm_resource', '--cleanup', '--resource', CLONE], { timeoutMs: 30_000 });
  });

  await t.test('(d) lab net node2 down, with fencing: exactly one Primary', async (t) => {
    const cutAt = Date.now();
    await lab.net('node2', 'down');
    const dead = await lab.waitFor(async () => lab.nodes.find((n) => !alive(n)), { timeoutMs: 30_000, intervalMs: 100, what: 'one node fenced' });
    const survivor = other(dead);
    t.equal(survivor, 'node2', 'node2 wins (its fencing is delayed)');
    await until(survivor, 'survivor Promoted', (s) => roles(s, 'Promoted').join() === survivor && started(s, DUMMY).join() === survivor, 30_000);
    lap('(d) cut → survivor Promoted', cutAt);
    const race = await delayedFence(lab, cutAt, dead, survivor);
    t.not(race.fencedAt, null, `the survivor confirmed the fencing of ${dead}`);
    t.comment(fenceRaceNote(race, cutAt));
    await sleep(Math.max(0, race.deadline - Date.now()));
    t.ok(alive(survivor), `the survivor is alive ${Date.now() - cutAt} ms after the cut, past any delayed fence by the loser`);
    t.equal(await drbd(survivor, 'role'), 'Primary/Unknown', `${survivor} Primary`);
    t.same(lab.processes(dead), [], `${dead} is off: no second Primary`);
  });

  await lab.down();
  assertNothingLeft(t, NAME);
  lap('whole drill', t0);
  t.comment(timings.join('; '));
});
