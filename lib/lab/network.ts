/**
 * The lab's switched network (two-node labs): a bridge in a network namespace of its own
 * (`<name>-sw`, so the host's network never changes), one veth per member — node1, node2 and
 * the `client` namespace — whose inner end is `lab0` in the member and whose outer end is a
 * bridge port named after the member. A VIP that moves between the nodes is found by the client
 * through gratuitous ARP across the bridge, as on a real switch.
 *
 * Cutting a node off (`lab net NODE down`) takes its bridge port down: the node's `lab0` loses
 * carrier, exactly like an unplugged cable.
 *
 * One-node labs have no switch: the node's address lives on its `lo`.
 */
import { run, outcome, type ExecResult } from '../exec/run.ts';
import type { Deadline } from '../exec/deadline.ts';
import type { Logger } from '../log/logger.ts';
import { BRIDGE_NAME, LINK_NAME, type LabPaths, type NodePaths } from './names.ts';

export interface NetCtx {
  deadline: Deadline;
  log: Logger;
}

/** A member of the switch: the namespace, the address on its `lab0`, the bridge port's name. */
export interface Member {
  netns: string;
  address: string;
  port: string;
}

/** The members of a two-node lab's switch, in the order they are plugged in (pure). */
export function switchMembers(paths: LabPaths, nodes: readonly NodePaths[]): Member[] {
  return [...nodes.map((n) => ({ netns: n.netns, address: n.address, port: n.node })), { netns: paths.clientNetns, address: paths.clientAddress, port: 'client' }];
}

/** The `ip` argument vectors that build the switch (pure: the tests read them). */
export function switchCommands(paths: LabPaths, members: readonly Member[]): string[][] {
  const sw = paths.swNetns;
  const cmds: string[][] = [
    ['netns', 'add', sw],
    ['-n', sw, 'link', 'set', 'lo', 'up'],
    // STP off (the default) and no forwarding delay: a port forwards as soon as it is up.
    ['-n', sw, 'link', 'add', BRIDGE_NAME, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'],
    ['-n', sw, 'link', 'set', BRIDGE_NAME, 'up'],
  ];
  for (const m of members) {
    cmds.push(['link', 'add', LINK_NAME, 'netns', m.netns, 'type', 'veth', 'peer', 'name', m.port, 'netns', sw]);
    cmds.push(['-n', sw, 'link', 'set', m.port, 'master', BRIDGE_NAME]);
    cmds.push(['-n', sw, 'link', 'set', m.port, 'up']);
    cmds.push(['-n', m.netns, 'addr', 'add', `${m.address}/24`, 'dev', LINK_NAME]);
    cmds.push(['-n', m.netns, 'link', 'set', LINK_NAME, 'up']);
  }
  return cmds;
}

async function ip(args: readonly string[], ctx: NetCtx): Promise<ExecResult> {
  const r = await run('ip', args, { deadline: ctx.deadline, log: ctx.log, timeoutMs: 10_000 });
  if (r.failed) throw new Error(`ip ${args.join(' ')}: ${outcome(r)} ${r.stderr.trim()}`);
  return r;
}

/** Creates the client namespace, the switch and every member's link. */
export async function createSwitch(paths: LabPaths, nodes: readonly NodePaths[], ctx: NetCtx): Promise<void> {
  await ip(['netns', 'add', paths.clientNetns], ctx);
  await ip(['-n', paths.clientNetns, 'link', 'set', 'lo', 'up'], ctx);
  for (const args of switchCommands(paths, switchMembers(paths, nodes))) await ip(args, ctx);
}

/** One node alone: its address on `lo`, so corosync binds the same kind of address. */
export async function createLoopbackAddress(n: NodePaths, ctx: NetCtx): Promise<void> {
  await ip(['-n', n.netns, 'addr', 'add', `${n.address}/32`, 'dev', 'lo'], ctx);
}

/** Plugs (up) or unplugs (down) a member's cable: its port on the bridge. */
export async function setPort(paths: LabPaths, port: string, state: 'up' | 'down', ctx: { log?: Logger }): Promise<void> {
  const r = await run('ip', ['-n', paths.swNetns, 'link', 'set', port, state], { timeoutMs: 10_000, log: ctx.log });
  if (r.failed) throw new Error(`port ${port} ${state}: ${outcome(r)} ${r.stderr.trim()}`);
}

/**
 * A member's NIC (`lab0` inside it) up or down, from the host (`ip -n`): a powered-off node's
 * kernel must not answer ARP for an address it held (the VIP), as a live namespace would.
 */
export async function setNic(n: Pick<NodePaths, 'netns' | 'node'>, state: 'up' | 'down', ctx: { log?: Logger }): Promise<void> {
  const r = await run('ip', ['-n', n.netns, 'link', 'set', LINK_NAME, state], { timeoutMs: 10_000, log: ctx.log });
  if (r.failed) throw new Error(`${n.node}: ${LINK_NAME} ${state}: ${outcome(r)} ${r.stderr.trim()}`);
}

/** Removes `address` from the member's `lab0` if it is there (a boot forgets a VIP). */
export async function dropAddress(n: Pick<NodePaths, 'netns' | 'node'>, address: string, ctx: { log?: Logger }): Promise<boolean> {
  const shown = await run('ip', ['-n', n.netns, '-o', 'addr', 'show', 'dev', LINK_NAME], { timeoutMs: 10_000 });
  const m = shown.stdout.split('\n').map((l) => new RegExp(`inet (${address.replace(/\./g, '\\.')}/\\d+)`).exec(l)).find(Boolean);
  if (!m) return false;
  const r = await run('ip', ['-n', n.netns, 'addr', 'del', m[1]!, 'dev', LINK_NAME], { timeoutMs: 10_000, log: ctx.log });
  if (r.failed) throw new Error(`${n.node}: removing ${m[1]} from ${LINK_NAME}: ${outcome(r)} ${r.stderr.trim()}`);
  return true;
}

/** Adds `address`/24 to the member's `lab0` (DRBD's replication address). */
export async function addAddress(n: Pick<NodePaths, 'netns' | 'node'>, address: string, ctx: NetCtx): Promise<void> {
  await ip(['-n', n.netns, 'addr', 'add', `${address}/24`, 'dev', LINK_NAME], ctx);
}
