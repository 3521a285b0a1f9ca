/**
 * `npm run bench:vm [-- --providers ocfkit,linbit] [--cache DIR] [--json]` (issue 14, Performance):
 * the VM lab's failover on real DRBD 8.4.11, for ocf:ocfkit:drbd and ocf:linbit:drbd in the same
 * run, on the same two guests. For each provider in turn: the CIB is rendered from
 * vagrant/vm.vars.json with `drbd.provider` set (one variable) and loaded; once the stack runs and
 * DRBD is UpToDate on both, the active guest's qemu is SIGKILLed; the breakdown comes from the
 * survivor's `ocfkit status --json` (Pacemaker's and the alert log's timestamps: fencing, promote,
 * mount, VIP, HAProxy, services), put on the host's clock with the guest's measured offset, and
 * from the host's own polls (DRBD Primary, mounted, stack running; each poll is one ssh call, a few
 * seconds under TCG); then the killed guest boots, rejoins and resyncs before the next provider.
 * Also `ocfkit lab vm up` phases (image reused or built: `--cache` an empty directory measures the
 * build from nothing). Needs root, qemu, `npm run build`; 25-35 min; both cores busy. Down at the end.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { VmLab } from '../lib/vm/lab.ts';
import type { VmNode } from '../lib/vm/paths.ts';
import { DRBD_PROVIDERS, type DrbdProvider } from '../lib/cib/vars.ts';
import { clockOffset, crmMon, drbdAgent, drbdView, loadCib, other, stackOn, statusJson, timeline, vmVars, waitFor } from '../lib/vm/drill.ts';

const { values } = parseArgs({
  options: {
    providers: { type: 'string', default: 'ocfkit,linbit' },
    cache: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const providers = values.providers.split(',') as DrbdProvider[];
if (providers.length === 0 || providers.some((p) => !(DRBD_PROVIDERS as readonly string[]).includes(p))) {
  process.stderr.write(`usage: bench/vm-failover.ts [--providers ${DRBD_PROVIDERS.join(',')}] [--cache DIR] [--json]\n`);
  process.exit(2);
}
const t0 = Date.now();
const say = (line: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} +${((Date.now() - t0) / 1000).toFixed(0)}s ${line}\n`);
const s = (ms: number | null | undefined): string => (ms === null || ms === undefined || Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(1)} s`);

interface Run {
  provider: DrbdProvider;
  agent: string | null;
  victim: VmNode;
  survivor: VmNode;
  /** Host polls, ms after the kill. */
  polled: { connectionLost: number; primary: number; mounted: number; stack: number };
  /** Guest-clock offset of the survivor (ms) when the timeline was read. */
  offset: { offsetMs: number; plusMinusMs: number } | null;
  /** `ocfkit status` steps, seconds after the kill on the host's clock. */
  steps: ReturnType<typeof timeline>;
  verdict: string | null;
  rejoinMs: number;
  load: number[];
}

const lab = new VmLab({ cache: values.cache, progress: (line) => say(`vm: ${line}`) });
const runs: Run[] = [];
let upPhases: Record<string, number> = {};
let imageReused: boolean | null = null;
try {
  await lab.down();
  const up = await lab.up();
  upPhases = up.phases;
  imageReused = up.image?.reused ?? null;
  let active = up.promotedOn!;
  for (const provider of providers) {
    const agent = await drbdAgent(lab, active);
    if (agent !== `ocf:${provider}:drbd`) {
      say(`loading the CIB with drbd.provider=${provider} (was ${agent})`);
      await loadCib(lab, active, vmVars(lab.repo, (v) => (v.drbd.provider = provider)));
    }
    active = await waitFor(`the stack running with ocf:${provider}:drbd, DRBD UpToDate on both`, 900_000, async () => {
      for (const n of ['node1', 'node2'] as VmNode[]) {
        const st = await crmMon(lab, n);
        if (!st || !stackOn(st, n)) continue;
        const inst = st.instances.find((i) => i.cloneId === 'drbd-data-clone' && i.agent);
        if (inst && inst.agent !== `ocf:${provider}:drbd`) continue;
        const v = await drbdView(lab, n);
        if (v?.connection === 'Connected' && v.disk === 'UpToDate' && v.peerDisk === 'UpToDate') return n;
      }
      return null;
    }, 3000);
    const survivor = other(active);
    say(`${provider}: stack on ${active}, agent ${await drbdAgent(lab, active)}; killing ${active}`);
    const load: number[] = [loadavg()[0]!];
    const killAt = Date.now();
    await lab.kill(active);
    const at = (): number => Date.now() - killAt;
    const polled = { connectionLost: 0, primary: 0, mounted: 0, stack: 0 };
    await waitFor('connection lost', 300_000, async () => (await drbdView(lab, survivor))?.connection !== 'Connected', 1000);
    polled.connectionLost = at();
    await waitFor(`${survivor} Primary`, 900_000, async () => (await drbdView(lab, survivor))?.role === 'Primary', 1000);
    polled.primary = at();
    await lab.waitMounted(600_000, survivor);
    polled.mounted = at();
    await waitFor(`stack on ${survivor}`, 600_000, async () => {
      const st = await crmMon(lab, survivor);
      return st && stackOn(st, survivor);
    }, 1000);
    polled.stack = at();
    load.push(loadavg()[0]!);
    say(`${provider}: ${survivor} Primary ${s(polled.primary)}, mounted ${s(polled.mounted)}, stack ${s(polled.stack)} after the kill (host polls)`);
    const offset = await clockOffset(lab, survivor);
    const st = await statusJson(lab, survivor);
    const steps = timeline(st.report?.failover ?? null, killAt + (offset?.offsetMs ?? 0));
    for (const x of steps) say(`  ${x.step.padEnd(28)} ${x.state.padEnd(8)} ${x.startS ?? '?'} → ${x.endS ?? '?'} s`);
    const bootAt = Date.now();
    await lab.start(active);
    await waitFor(`${active} rejoined, Secondary UpToDate`, 1_200_000, async () => {
      const v = await drbdView(lab, active);
      return v?.role === 'Secondary' && v.connection === 'Connected' && v.disk === 'UpToDate' && v.peerDisk === 'UpToDate';
    }, 3000);
    const rejoinMs = Date.now() - bootAt;
    load.push(loadavg()[0]!);
    say(`${provider}: ${active} rejoined and UpToDate ${s(rejoinMs)} after its boot`);
    runs.push({ provider, agent, victim: active, survivor, polled, offset, steps, verdict: st.report?.verdict?.state ?? null, rejoinMs, load: load.map((x) => Math.round(x * 10) / 10) });
    active = survivor;
  }
} finally {
  const d = await lab.down();
  say(`down: ${d.killed} qemu killed`);
}

if (values.json) {
  process.stdout.write(`${JSON.stringify({ upPhases, imageReused, runs }, null, 2)}\n`);
} else {
  const L: string[] = [];
  L.push(`## VM lab failover, ${new Date().toISOString().slice(0, 10)} (bench/vm-failover.ts; qemu TCG, 2 host cores, real DRBD 8.4.11, SBD)`, '');
  L.push(`\`ocfkit lab vm up\`: image ${imageReused ? 'reused' : 'built'} ${s(upPhases.image)}, boot ${s(upPhases.boot)}, provision ${s(upPhases.provision)}, CIB → Promoted + mounted ${s(upPhases.promoted)}.`, '');
  const kinds = ['fencing', 'promote', 'mount', 'vip', 'haproxy', 'services'];
  L.push(`| seconds after the kill (host clock) | ${runs.map((r) => `ocf:${r.provider}:drbd (${r.victim} killed)`).join(' | ')} |`);
  L.push(`| --- | ${runs.map(() => '---').join(' | ')} |`);
  for (const k of kinds) {
    L.push(`| ${k} | ${runs.map((r) => {
      const x = r.steps.filter((y) => y.step.startsWith(`${k} `));
      return x.length ? x.map((y) => `${y.startS ?? '?'} → ${y.endS ?? '?'}`).join(', ') : '–';
    }).join(' | ')} |`);
  }
  L.push(`| host poll: DRBD connection lost | ${runs.map((r) => s(r.polled.connectionLost)).join(' | ')} |`);
  L.push(`| host poll: survivor Primary | ${runs.map((r) => s(r.polled.primary)).join(' | ')} |`);
  L.push(`| host poll: mounted | ${runs.map((r) => s(r.polled.mounted)).join(' | ')} |`);
  L.push(`| host poll: whole stack running | ${runs.map((r) => s(r.polled.stack)).join(' | ')} |`);
  L.push(`| rejoin: boot → Secondary UpToDate | ${runs.map((r) => s(r.rejoinMs)).join(' | ')} |`);
  L.push(`| guest clock offset | ${runs.map((r) => (r.offset ? `${(r.offset.offsetMs / 1000).toFixed(1)} ± ${(r.offset.plusMinusMs / 1000).toFixed(1)} s` : '–')).join(' | ')} |`);
  L.push(`| load (kill, stack, rejoined) | ${runs.map((r) => r.load.join(', ')).join(' | ')} |`);
  process.stdout.write(`${L.join('\n')}\n`);
}
