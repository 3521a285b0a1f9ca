/**
 * Large generated DRBD documents of every format and hostile shape, for the linear-time and
 * memory tests: `make(bytes)` gives a document of about that size.
 */
import type { Format } from '../src/index.ts';

export const MB = 1024 * 1024;

/** head + unit(0) + unit(1) + ... + tail, about `bytes` long. */
function fill(bytes: number, unit: (i: number) => string, head = '', tail = ''): string {
  const parts: string[] = [head];
  let size = head.length + tail.length;
  for (let i = 0; size < bytes; i++) {
    const u = unit(i);
    parts.push(u);
    size += u.length;
  }
  parts.push(tail);
  return parts.join('');
}
const json = (bytes: number, unit: (i: number) => string, head: string, tail: string): string => {
  const sep = (i: number): string => (i === 0 ? '' : ',') + unit(i);
  return fill(bytes, sep, head, tail);
};

export interface Case {
  name: string;
  format: Format;
  make: (bytes: number) => string;
}

const RES_TEXT = (i: number): string =>
  `r${i} role:Primary suspended:no\n  volume:0 disk:UpToDate\n  peer${i} role:Secondary\n    volume:0 replication:Established peer-disk:UpToDate done:100.00\n`;
export const CASES: Case[] = [
  { name: 'status-text: many resources', format: 'status-text', make: (b) => fill(b, RES_TEXT) },
  {
    name: 'status-text: many connections in one resource',
    format: 'status-text',
    make: (b) => fill(b, (i) => `  p${i} role:Secondary\n    peer-disk:UpToDate\n`, 'r0 role:Primary\n  disk:UpToDate\n'),
  },
  {
    name: 'status-text: many volumes in one resource',
    format: 'status-text',
    make: (b) => fill(b, (i) => `  volume:${i} disk:UpToDate\n`, 'r0 role:Primary\n'),
  },
  { name: 'status-text: many unknown keys', format: 'status-text', make: (b) => fill(b, (i) => `  key${i}:value${i}\n`, 'r0 role:Primary\n  disk:UpToDate\n') },
  { name: 'status-text: one huge line', format: 'status-text', make: (b) => fill(b, (i) => ` w${i % 1000} k${i}:v`, 'r0 role:Primary', '\n') },
  {
    name: 'events2: many resources',
    format: 'events2',
    make: (b) =>
      fill(b, (i) =>
        `exists resource name:r${i} role:Primary suspended:no\nexists device name:r${i} volume:0 minor:${i} disk:UpToDate\n` +
        `exists connection name:r${i} peer-node-id:1 conn-name:p connection:Connected role:Secondary\n` +
        `exists peer-device name:r${i} peer-node-id:1 conn-name:p volume:0 replication:Established peer-disk:UpToDate\n`),
  },
  {
    name: 'events2: many connections',
    format: 'events2',
    make: (b) => fill(b, (i) => `exists connection name:r0 peer-node-id:${i} conn-name:p${i} connection:Connected role:Secondary\n`),
  },
  {
    name: 'events2: many volumes and peer volumes',
    format: 'events2',
    make: (b) =>
      fill(b, (i) => `exists device name:r0 volume:${i} minor:${i} disk:UpToDate\nexists peer-device name:r0 conn-name:p volume:${i} replication:Established\n`),
  },
  {
    name: 'events2: create and destroy',
    format: 'events2',
    make: (b) => fill(b, (i) => `create resource name:r${i} role:Secondary\ncreate device name:r0 volume:${i} disk:UpToDate\n`, '', '') +
      fill(b / 4, (i) => `destroy resource name:r${i}\ndestroy device name:r0 volume:${i}\n`),
  },
  { name: 'events2: one huge line', format: 'events2', make: (b) => fill(b, (i) => ` k${i}:v${i} w`, 'exists resource name:r0 role:Primary', '\n') },
  {
    name: 'status-json: many resources',
    format: 'status-json',
    make: (b) => json(b, (i) =>
      `{"name":"r${i}","role":"Primary","suspended":false,"devices":[{"volume":0,"disk-state":"UpToDate","size":1024}],` +
      `"connections":[{"name":"p","connection-state":"Connected","peer-role":"Secondary","peer_devices":[{"volume":0,"replication-state":"Established","peer-disk-state":"UpToDate","out-of-sync":0}]}]}`,
    '[', ']'),
  },
  {
    name: 'status-json: many volumes and peer volumes',
    format: 'status-json',
    make: (b) => {
      const half = json(b / 2, (i) => `{"volume":${i},"disk-state":"UpToDate","size":1024}`, '[{"name":"r0","role":"Primary","devices":[', ']');
      const peers = json(b / 2, (i) => `{"volume":${i},"replication-state":"Established","out-of-sync":1}`, ',"connections":[{"name":"p","peer_devices":[', ']}]}]');
      return half + peers;
    },
  },
  { name: 'status-json: many unknown keys', format: 'status-json', make: (b) => json(b, (i) => `"key${i}":${i}`, '[{"name":"r0","role":"Primary",', '}]') },
  { name: 'status-json: bare nan everywhere (tolerant reader)', format: 'status-json', make: (b) => json(b, () => 'nan', '[{"name":"r0","role":"Primary","x":[', ']}]') },
  {
    name: 'proc-drbd: many minors',
    format: 'proc-drbd',
    make: (b) => fill(b, (i) =>
      ` ${i}: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----\n    ns:1 nr:0 dw:0 dr:1 al:8 bm:0 lo:0 pe:7 ua:0 ap:0 ep:1 wo:f oos:906748\n` +
      `\t[=>..................] sync'ed: 13.7% (906748/1048508)K\n\tfinish: 0:01:54 speed: 7,872 (7,872) K/sec\n`, 'version: 8.4.11 (api:1/proto:86-101)\n'),
  },
  { name: 'proc-drbd: one huge line', format: 'proc-drbd', make: (b) => fill(b, (i) => ` k${i}:${i}`, 'version: 8.4.11\n 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n    ns:0', '\n') },
  { name: 'short-dstate: many volumes', format: 'short-dstate', make: (b) => fill(b, () => 'UpToDate/UpToDate\n') },
  { name: 'short-role: one huge line', format: 'short-role', make: (b) => fill(b, () => 'Primary/', '', 'Secondary\n') },
  { name: 'a number of a million digits', format: 'status-text', make: (b) => `r0 role:Primary\n  disk:UpToDate size:${'1'.repeat(b - 40)}x\n` },
];

