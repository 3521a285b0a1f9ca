/**
 * Parse benchmark: throughput per format (MB/s) and time per document (median of many runs).
 * Run: node --import tsx packages/drbd-status-parser/bench/parse.ts
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { factsFor, parse, type ParseOptions } from '../src/index.ts';

const FIX = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');
const fx = (p: string): string => readFileSync(join(FIX, p), 'latin1');

const N = 64;
const names = Array.from({ length: N }, (_, i) => `res${String(i).padStart(2, '0')}`);

function json64(): string {
  const res = names.map((name, i) => `{
  "name": "${name}",
  "node-id": 0,
  "role": "${i % 2 ? 'Secondary' : 'Primary'}",
  "suspended": false,
  "write-ordering": "flush",
  "devices": [
    {
      "volume": 0,
      "minor": ${i},
      "disk-state": "UpToDate",
      "client": false,
      "quorum": true,
      "size": 1048508,
      "read": 1049653,
      "written": 1107736,
      "al-writes": 13,
      "bm-writes": 0,
      "upper-pending": 0,
      "lower-pending": 0
    } ],
  "connections": [
    {
      "peer-node-id": 1,
      "name": "node2",
      "connection-state": "Connected", 
      "congested": false,
      "peer-role": "${i % 2 ? 'Primary' : 'Secondary'}",
      "ap-in-flight": 0,
      "rs-in-flight": 0,
      "peer_devices": [
        {
          "volume": 0,
          "replication-state": "Established",
          "peer-disk-state": "UpToDate",
          "peer-client": false,
          "resync-suspended": "no",
          "received": 0,
          "sent": 1069668,
          "out-of-sync": 0,
          "pending": 0,
          "unacked": 0,
          "has-sync-details": false,
          "has-online-verify-details": false,
          "percent-in-sync": 100.00
        } ]
    } ]
}`);
  return `[\n${res.join('\n,\n')}\n]\n`;
}

function events64(): string {
  const out: string[] = [];
  names.forEach((name, i) => {
    out.push(`exists resource name:${name} role:${i % 2 ? 'Secondary' : 'Primary'} suspended:no force-io-failures:no may_promote:no promotion_score:10102 write-ordering:flush`);
    out.push(`exists connection name:${name} peer-node-id:1 conn-name:node2 connection:Connected role:${i % 2 ? 'Primary' : 'Secondary'} congested:no ap-in-flight:0 rs-in-flight:0`);
    out.push(`exists device name:${name} volume:0 minor:${i} backing_dev:/dev/vg/${name} disk:UpToDate client:no open:no quorum:yes size:1048508 read:1049653 written:1107736 al-writes:13 bm-writes:0 upper-pending:0 lower-pending:0 al-suspended:no blocked:no`);
    out.push(`exists peer-device name:${name} peer-node-id:1 conn-name:node2 volume:0 replication:Established peer-disk:UpToDate peer-client:no resync-suspended:no received:0 sent:1069668 out-of-sync:0 pending:0 unacked:0`);
  });
  out.push('exists -');
  return out.join('\n') + '\n';
}

function text64(): string {
  return names.map((name, i) =>
    `${name} role:${i % 2 ? 'Secondary' : 'Primary'}\n  disk:UpToDate\n  node2 role:${i % 2 ? 'Primary' : 'Secondary'}\n    peer-disk:UpToDate\n\n`).join('');
}

function proc64(): string {
  let s = 'version: 8.4.11 (api:1/proto:86-101)\nsrcversion: B536C32A3EADA868561EFD9 \n';
  for (let i = 0; i < N; i++) {
    s += ` ${i}: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n`;
    s += '    ns:1069652 nr:0 dw:1094360 dr:1049653 al:13 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n';
  }
  return s;
}

/** Median nanoseconds per call over `runs` runs (after a warm-up). */
function median(fn: () => void, runs: number): number {
  for (let i = 0; i < Math.min(200, runs); i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

interface Case {
  label: string;
  text: string;
  opts?: ParseOptions;
}
const V = 'drbd-vm/04-connected-primary-secondary-uptodate/node1';
const cases: Case[] = [
  { label: 'proc-drbd     typical (1 minor, 8.4)', text: fx(`${V}/proc-drbd.txt`) },
  { label: 'status-text   typical (drbdadm status)', text: fx(`${V}/drbdadm-status.txt`) },
  { label: 'status-text   typical --verbose --statistics', text: fx(`${V}/drbdsetup-status-verbose-statistics.txt`) },
  { label: 'status-json   typical (1 resource, 9)', text: fx('drbd-public/status-json/drbd9.0.16-utils9.6.0-primary-one-peer-established.json') },
  { label: 'status-json   with nan (repair path)', text: fx('drbd-public/status-json/drbd9-primary-syncsource-0pct-with-sync-details-NaN-invalid-json.json') },
  { label: 'events2       typical --now --statistics', text: fx(`${V}/drbdsetup-events2-now-statistics.txt`) },
  { label: 'short-role    typical', text: fx(`${V}/drbdadm-role.txt`) },
  { label: 'proc-drbd     64 minors', text: proc64() },
  { label: 'status-text   64 resources', text: text64() },
  { label: 'status-json   64 resources', text: json64() },
  { label: 'events2       64 resources', text: events64() },
];

const rows: string[][] = [];
for (const c of cases) {
  const doc = parse(c.text, c.opts); // sanity: it parses
  const bytes = Buffer.byteLength(c.text, 'latin1');
  const runs = bytes > 20000 ? 2000 : 20000;
  const ns = median(() => parse(c.text, c.opts), runs);
  const nsFacts = median(() => {
    for (const r of parse(c.text, c.opts).resources) factsFor(r);
  }, runs);
  rows.push([
    c.label,
    String(doc.resources.length),
    String(bytes),
    (ns / 1000).toFixed(1),
    (nsFacts / 1000).toFixed(1),
    ((bytes / (ns / 1e9)) / 1e6).toFixed(1),
  ]);
}
const head = ['document', 'res', 'bytes', 'parse µs', '+facts µs', 'MB/s'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`node ${process.version}, median of 2000-20000 runs`);
console.log(fmt(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(fmt(r));
