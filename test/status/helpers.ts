/** Facts for buildStatus from real fixture files (crm_mon XML, DRBD captures, event log, status file). */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseDrbd } from 'drbd-status-parser';
import { parseCrmMonXml } from '../../lib/cluster/index.ts';
import { eventsFromChunks } from '../../lib/status/events.ts';
import type { StatusFacts } from '../../lib/status/facts.ts';
import { parseServicesStatus } from '../../lib/status/services-source.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIX = join(ROOT, 'test/fixtures/status');
export const CLUSTER_FIX = join(ROOT, 'test/fixtures/cluster');
export const DRBD_VM = resolve(ROOT, '../shared/fixtures/drbd-vm');

/** The stack scenarios of test/fixtures/status/make-fixtures.sh. */
export const stack = (name: string): string => join(FIX, `pcmk2.1.5-crm_mon-xml-stack-${name}.xml`);
/** A drbd-vm capture: `drbdsetup events2 --now --statistics` of one node in one state. */
export const vm = (state: string, node: string): string => join(DRBD_VM, state, node, 'drbdsetup-events2-now-statistics.txt');
export const OUTDATED = join(FIX, 'drbd-sim-8.4-node2-outdated-secondary-peer-lost.events2-now-statistics.txt');
export const EVENTS = join(FIX, 'events-takeover-node2.jsonl');
export const svcFile = (name: string): string => join(FIX, `services-app-services-node2-${name}.json`);

/** 2026-11-27 11:24:00 UTC: a minute and a half after the takeover of the fixtures. */
export const NOW = Date.parse('2026-11-27T11:24:00Z');

export interface FactFiles {
  crmMon?: string | null;
  drbd?: string | null;
  events?: string | null;
  services?: string | null;
  localNode?: string;
  now?: number;
  ids?: StatusFacts['ids'];
}

export function facts(f: FactFiles): StatusFacts {
  const events = f.events ? eventsFromChunks([{ text: readFileSync(f.events, 'utf8'), partialStart: false, name: f.events, offset: 0 }]) : null;
  const svc = f.services ? parseServicesStatus(f.services, readFileSync(f.services, 'utf8')) : null;
  return {
    now: f.now ?? NOW,
    tzOffsetMin: 0,
    localNode: f.localNode ?? 'node2',
    ids: f.ids ?? {},
    cluster: f.crmMon ? { ok: true, value: parseCrmMonXml(readFileSync(f.crmMon, 'utf8')) } : { ok: false, reason: 'the cluster is not running here (crm_mon exit 102: Not connected)', notRunning: true },
    drbd: f.drbd ? { ok: true, value: parseDrbd(readFileSync(f.drbd)) } : { ok: false, reason: 'drbdsetup could not start (spawn drbdsetup ENOENT): no DRBD tools on this node' },
    events: events ? { ok: true, value: { ...events, path: f.events!, truncated: false } } : { ok: false, reason: '/var/lib/ocfkit/events.jsonl: not found' },
    services: svc === null ? null : svc.kind === 'ok' ? { ok: true, value: svc.value, path: svc.path } : { ok: false, reason: `${svc.path}: not an ocfkit status file`, path: svc.path },
  };
}
