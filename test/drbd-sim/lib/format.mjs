// DRBD simulator (test double): what drbdsetup-84 / drbdadm-84 (drbd-utils 9.22) print for a
// resource's state. Pure functions of a `view` (see README.md, "State file").
//
// view: { name, minor, volume, role, disk, conn, peerRole, pdsk, size, oos, syncTotal,
//         stats: { read, written, alWrites, bmWrites, received, sent, pending, unacked } }
// conn is the 8.4 connection state: StandAlone | WFConnection | Connected | SyncSource | SyncTarget

export const COLUMNS = 80;

/** Line-wrapping printer with drbdsetup's rules: a piece that would pass column 80 starts a new
 *  line at its indent, with its leading blanks dropped; "\n" pieces end the line. */
export class Wrap {
  constructor() {
    this.out = '';
    this.col = 0;
  }
  p(indent, text) {
    while (text.startsWith('\n')) {
      this.out += '\n';
      this.col = 0;
      text = text.slice(1);
    }
    if (text === '') return;
    if (this.col > 0 && this.col + text.length > COLUMNS) {
      this.out += '\n';
      this.col = 0;
    }
    if (this.col === 0) {
      text = text.replace(/^ +/, '');
      this.out += ' '.repeat(indent);
      this.col = indent;
    }
    this.out += text;
    this.col += text.length;
    if (text.endsWith('\n')) this.col = 0;
  }
}

const SYNCING = new Set(['SyncSource', 'SyncTarget', 'PausedSyncS', 'PausedSyncT']);
const connected = (v) => v.conn === 'Connected' || SYNCING.has(v.conn);

/** DRBD 9 names used by 8.4's status/events2: connection level and peer-device level. */
function conn9(v) {
  if (v.conn === 'WFConnection') return 'Connecting';
  if (connected(v)) return 'Connected';
  return v.conn;
}
function repl9(v) {
  if (v.conn === 'Connected') return 'Established';
  if (SYNCING.has(v.conn)) return v.conn;
  return 'Off';
}

function done(v) {
  return (100 * (1 - v.oos / v.size)).toFixed(2);
}

/** `drbdsetup status [res] [--verbose] [--statistics]` for one resource (8.4 flavour). */
export function statusText(v, { verbose = false, statistics = false } = {}) {
  const w = new Wrap();
  const s = v.stats;
  w.p(0, v.name);
  w.p(4, ` role:${v.role}`);
  if (verbose) w.p(4, ' suspended:no');
  if (statistics && verbose) {
    w.p(4, '\n');
    w.p(4, ' write-ordering:flush');
  }
  w.p(0, '\n');
  // device (a single volume 0)
  let indent = 2;
  if (verbose) {
    w.p(indent, 'volume:0');
    indent = 6;
    w.p(indent, ` minor:${v.minor}`);
  }
  w.p(indent, ` disk:${v.disk}`);
  indent = 6;
  if (statistics) {
    w.p(indent, '\n');
    w.p(indent, ` size:${v.size}`);
    w.p(indent, ` read:${s.read}`);
    w.p(indent, ` written:${s.written}`);
    w.p(indent, ` al-writes:${s.alWrites}`);
    w.p(indent, ` bm-writes:${s.bmWrites}`);
    w.p(indent, ` upper-pending:0`);
    w.p(indent, ` lower-pending:0`);
    w.p(indent, ` al-suspended:no`);
    w.p(indent, ` blocked:no`);
  }
  w.p(indent, '\n');
  // 8.4 drops the net configuration when StandAlone: no connection at all.
  if (v.conn !== 'StandAlone') {
    const c = conn9(v);
    w.p(2, 'peer');
    if (verbose || c !== 'Connected') w.p(6, ` connection:${c}`);
    if (verbose || c === 'Connected') w.p(6, ` role:${v.peerRole}`);
    if (verbose) w.p(6, ' congested:no');
    w.p(0, '\n');
    if (verbose || statistics || c === 'Connected') {
      let pi = 4;
      if (verbose) {
        w.p(pi, 'volume:0');
        pi = 8;
      }
      const r = repl9(v);
      if (verbose || r !== 'Off') {
        w.p(pi, ` replication:${r}`);
        pi = 8;
      }
      if (verbose || statistics || r !== 'Off' || v.pdsk !== 'DUnknown') {
        w.p(pi, ` peer-disk:${v.pdsk}`);
        pi = 8;
        if (SYNCING.has(v.conn)) w.p(pi, ` done:${done(v)}`);
        if (verbose) w.p(pi, ' resync-suspended:no');
        if (statistics) {
          w.p(pi, '\n');
          w.p(pi, ` received:${s.received}`);
          w.p(pi, ` sent:${s.sent}`);
          w.p(pi, ` out-of-sync:${v.oos}`);
          w.p(pi, ` pending:${s.pending}`);
          w.p(pi, ` unacked:${s.unacked}`);
        }
      }
      w.p(0, '\n');
    }
  }
  w.p(0, '\n');
  return w.out;
}

/** `drbdsetup events2 --now [--statistics]` lines for one resource (without the final `exists -`). */
export function events2Lines(v, { statistics = false } = {}) {
  const s = v.stats;
  const standalone = v.conn === 'StandAlone';
  const connName = standalone ? '' : ' conn-name:peer';
  const res = `exists resource name:${v.name} role:${v.role} suspended:no` + (statistics ? ' write-ordering:flush' : '');
  const con = `exists connection name:${v.name} peer-node-id:0${connName} connection:${conn9(v)} role:${v.peerRole}` + (statistics ? ' congested:no' : '');
  const dev =
    `exists device name:${v.name} volume:0 minor:${v.minor} disk:${v.disk}` +
    (statistics
      ? ` size:${v.size} read:${s.read} written:${s.written} al-writes:${s.alWrites} bm-writes:${s.bmWrites} upper-pending:0 lower-pending:0 al-suspended:no blocked:no`
      : '');
  const pd =
    `exists peer-device name:${v.name} peer-node-id:0${connName} volume:0 replication:${repl9(v)} peer-disk:${v.pdsk} resync-suspended:no` +
    (statistics ? ` received:${s.received} sent:${s.sent} out-of-sync:${v.oos} pending:${s.pending} unacked:${s.unacked}` : '');
  return [res, con, dev, pd];
}

/** `drbdadm role|cstate|dstate res` (8.4: local/peer). */
export function shortRole(v) {
  return `${v.role}/${connected(v) ? v.peerRole : 'Unknown'}\n`;
}
export function shortCstate(v) {
  return `${v.conn}\n`;
}
export function shortDstate(v) {
  return `${v.disk}/${v.pdsk}\n`;
}

/** `drbdsetup sh-status res` (8.4), as LINBIT's agent evals it. */
export function shStatus(v) {
  let pct = '';
  if (SYNCING.has(v.conn) && v.syncTotal > 0) {
    const left = Math.floor(v.oos / 4) >> 10;
    const total = 1 + (Math.floor(v.syncTotal / 4) >> 10);
    const synced = 1000 - Math.floor((left * 1000) / total);
    pct = `${Math.floor(synced / 10)}.${synced % 10}`;
  }
  return (
    `_minor=${v.minor}\n_res_name=${v.name}\n_volume=0\n_known=Configured\n\n` +
    `_cstate=${v.conn}\n_role=${v.role}\n_peer=${connected(v) ? v.peerRole : 'Unknown'}\n_disk=${v.disk}\n_pdsk=${v.pdsk}\n\n` +
    `_flags_susp=\n_flags_aftr_isp=\n_flags_peer_isp=\n_flags_user_isp=\n\n` +
    `_resynced_percent=${pct}\n\n_sh_status_process\n\n\n`
  );
}

/** drbdsetup's usage (stdout) as printed for an unknown option such as `status --json` on 8.4. */
export const DRBDSETUP_USAGE = [
  '',
  'USAGE: drbdsetup command device arguments options',
  '',
  'Device is usually /dev/drbdX or /dev/drbd/X.',
  '',
  'Commands are:',
  '    primary             secondary           attach              ',
  '    disk-options        detach              connect             ',
  '    net-options         disconnect          resize              ',
  '    resource-options    new-current-uuid    invalidate          ',
  '    invalidate-remote   pause-sync          resume-sync         ',
  '    suspend-io          resume-io           outdate             ',
  '    verify              down                state               ',
  '    role                sh-status           cstate              ',
  '    dstate              show-gi             get-gi              ',
  '    show                status              check-resize        ',
  '    events              events2             wait-connect        ',
  '    wait-sync           new-resource        new-minor           ',
  '    del-minor           del-resource        ',
  '',
  "To get more details about a command issue 'drbdsetup help cmd'.",
  '',
  '',
].join('\n');

export const DRBDADM_VERSION =
  'DRBDADM_BUILDTAG=GIT-hash:\\ 409097fe02187f83790b88ac3e0d94f3c167adab\\ reproducible\\ build\\,\\ 2023-01-09\\ 14:51:18\n' +
  'DRBDADM_API_VERSION=1\n' +
  'DRBD_KERNEL_VERSION_CODE=0x08040b\n' +
  'DRBDADM_VERSION_CODE=0x091600\n' +
  'DRBDADM_VERSION=9.22.0\n';
