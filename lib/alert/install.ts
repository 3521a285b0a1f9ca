/**
 * `ocfkit alert install` / `remove` on one node: the folders the agent writes (as hacluster),
 * the `<alert id="ocfkit-alert">` in the CIB (one cibadmin call: pcs 0.11 cannot express the
 * `<select>` filter, and one transaction never leaves the alert half configured), then a check
 * that the alert really fires (a transient node attribute, then its event in the event log).
 * Idempotent: what is already right is left alone and reported `unchanged`.
 */
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { run, outcome, type Runner } from '../exec/run.ts';
import { makeDirs } from '../fs/dirs.ts';
import { haclusterOwner } from './agent.ts';
import { ALERT_ID, findAlert, PROBE_ATTRIBUTE, renderAlert, sameAlert, type SelectKind } from './cib.ts';
import { DEFAULT_LOG, DEFAULT_SOCKET } from './options.ts';
import { readEvents } from './reader.ts';
import { subscriberDir } from './push.ts';

export class AlertInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertInstallError';
  }
}

export interface AlertInstallOptions {
  agentPath: string;
  select: readonly SelectKind[];
  log?: string;
  socket?: string;
  webhook?: { url: string; secretFile: string; caFile?: string };
  /** How long to wait for the probe's event (0: no check). */
  verifyMs: number;
  runner?: Runner;
  say: (line: string) => void;
  ids?: { uid: number; gid: number };
}

export interface AlertInstallResult {
  cib: 'created' | 'updated' | 'unchanged';
  /** true: seen in this node's log; false: not seen in time; null: not checked. */
  verified: boolean | null;
}

/** A folder with exactly this owner and mode: created (parents 0755) or corrected. */
export function ensureDir(path: string, uid: number, gid: number, mode: number, say: (l: string) => void): void {
  let st = existsSync(path) ? lstatSync(path) : null;
  if (st?.isSymbolicLink()) throw new AlertInstallError(`${path} is a symbolic link: refused (make it a real folder)`);
  if (st && !st.isDirectory()) throw new AlertInstallError(`${path} exists and is not a folder`);
  if (!st) {
    makeDirs(dirname(path));
    mkdirSync(path, mode);
    st = lstatSync(path);
    say(`created ${path}`);
  }
  if (st.uid !== uid || st.gid !== gid) chownSync(path, uid, gid);
  if ((st.mode & 0o7777) !== mode) chmodSync(path, mode);
  if (st.uid !== uid || st.gid !== gid || (st.mode & 0o7777) !== mode) say(`set ${path} to ${uid}:${gid} mode ${mode.toString(8)}`);
}

function checkSecretFile(path: string, uid: number, say: (l: string) => void): void {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    throw new AlertInstallError(`--secret-file ${path}: no such file`);
  }
  if (st.isSymbolicLink() || !st.isFile()) throw new AlertInstallError(`--secret-file ${path}: not a regular file (symbolic links are refused)`);
  if (st.mode & 0o077) throw new AlertInstallError(`--secret-file ${path}: readable or writable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it first`);
  if (st.size === 0) throw new AlertInstallError(`--secret-file ${path}: empty`);
  if (st.uid !== uid) {
    // the agent runs as hacluster and must read it; only its owner can
    chownSync(path, uid, st.gid);
    say(`gave ${path} to hacluster (the alert agent runs as hacluster; mode stays 600)`);
  }
}

async function cib(runner: Runner, args: string[]): Promise<{ ok: boolean; code: number | null; stdout: string; why: string }> {
  const r = await runner('cibadmin', args, { timeoutMs: 30_000 });
  return { ok: !r.failed, code: r.exitCode, stdout: r.stdout, why: outcome(r) };
}

export async function installAlert(o: AlertInstallOptions): Promise<AlertInstallResult> {
  const runner = o.runner ?? run;
  const say = o.say;
  const log = o.log ?? DEFAULT_LOG;
  const socket = o.socket ?? DEFAULT_SOCKET;
  if (!existsSync(o.agentPath)) throw new AlertInstallError(`${o.agentPath}: no alert agent there; run 'ocfkit install' first`);
  const owner = o.ids ?? haclusterOwner();
  if (!owner) throw new AlertInstallError('no hacluster user or haclient group on this node: is Pacemaker installed?');
  const { uid, gid } = owner;

  // The folders: the log's owned by hacluster (it writes), the sockets' by root.
  ensureDir(dirname(log), uid, gid, 0o750, say);
  for (const f of [log, ...[1, 2, 3, 4, 5].map((n) => `${log}.${n}`)]) {
    if (!existsSync(f)) continue;
    const st = lstatSync(f);
    if (!st.isFile()) throw new AlertInstallError(`${f} is not a regular file: refused`);
    if (st.uid !== uid || st.mode & 0o077) {
      chownSync(f, uid, gid);
      chmodSync(f, 0o600);
      say(`set ${f} to hacluster, mode 600`);
    }
  }
  ensureDir(dirname(socket), 0, 0, 0o755, say);
  ensureDir(subscriberDir(socket), 0, gid, 0o1770, say);

  const options: Record<string, string> = {};
  if (log !== DEFAULT_LOG) options.log = log;
  if (socket !== DEFAULT_SOCKET) options.socket = socket;
  if (o.webhook) {
    let url: URL;
    try {
      url = new URL(o.webhook.url);
    } catch {
      throw new AlertInstallError(`--webhook ${o.webhook.url}: not a URL`);
    }
    if (url.protocol !== 'https:') throw new AlertInstallError(`--webhook: only https:// is allowed`);
    checkSecretFile(o.webhook.secretFile, uid, say);
    options.webhook_url = o.webhook.url;
    options.secret_file = o.webhook.secretFile;
    if (o.webhook.caFile) {
      if (!existsSync(o.webhook.caFile)) throw new AlertInstallError(`--webhook-ca ${o.webhook.caFile}: no such file`);
      if (!(statSync(o.webhook.caFile).mode & 0o004)) say(`warning: ${o.webhook.caFile} is not world-readable: hacluster may not read it`);
      options.webhook_ca = o.webhook.caFile;
    }
  }
  const wanted = renderAlert({ path: o.agentPath, select: o.select, options });

  const query = await cib(runner, ['--query', '--scope', 'alerts']);
  let state: AlertInstallResult['cib'];
  const hadSection = query.ok;
  if (!query.ok && query.code !== 105) throw new AlertInstallError(`cibadmin --query --scope alerts: ${query.why}`);
  const existing = query.ok ? findAlert(query.stdout) : null;
  if (existing && sameAlert(existing, wanted)) {
    state = 'unchanged';
  } else if (existing) {
    const r = await cib(runner, ['--replace', '--scope', 'alerts', '--xml-text', wanted]);
    if (!r.ok) throw new AlertInstallError(`cibadmin --replace: ${r.why}`);
    state = 'updated';
  } else if (hadSection) {
    const r = await cib(runner, ['--create', '--scope', 'alerts', '--xml-text', wanted]);
    if (!r.ok) throw new AlertInstallError(`cibadmin --create: ${r.why}`);
    state = 'created';
  } else {
    const r = await cib(runner, ['--create', '--scope', 'configuration', '--xml-text', `<alerts>${wanted}</alerts>`]);
    if (!r.ok) throw new AlertInstallError(`cibadmin --create: ${r.why}`);
    state = 'created';
  }
  say(`alert ${ALERT_ID} ${state} in the CIB (${o.agentPath}; select ${o.select.join(',')})`);

  if (o.verifyMs <= 0) return { cib: state, verified: null };
  let verified = await probe(runner, log, o.verifyMs);
  if (!verified && !hadSection) {
    // Pacemaker before 3.0 may miss the first alert of a CIB that had no <alerts>: apply it
    // once more (now into an existing section) and look again.
    say('the alert did not fire yet; the CIB had no <alerts> section before: applying it once more');
    await cib(runner, ['--replace', '--scope', 'alerts', '--xml-text', wanted.replace('description="ocfkit:', 'description="ocfkit (re-applied):')]);
    await cib(runner, ['--replace', '--scope', 'alerts', '--xml-text', wanted]);
    verified = await probe(runner, log, o.verifyMs);
  }
  if (verified) say(`verified: the alert fired (the ${PROBE_ATTRIBUTE} attribute event is in ${log})`);
  else
    say(
      `not verified on this node: no ${PROBE_ATTRIBUTE} event in ${log} within ${o.verifyMs} ms. Attribute alerts run on the node ` +
        `that writes the attributes (one per cluster): 'ocfkit events' there should show it; if not, check the alert in 'pcs alert' and the Pacemaker log`,
    );
  return { cib: state, verified };
}

/**
 * How much of the log's end each verification poll reads: the probe's event was just appended,
 * so it is in the last few hundred events, even across a rotation (readLogTail reads `.1` too).
 */
const VERIFY_TAIL_BYTES = 256 * 1024;

/** A transient attribute of this node, changed and deleted; true when its event reached the log. */
async function probe(runner: Runner, log: string, waitMs: number): Promise<boolean> {
  const token = `${Date.now()}-${process.pid}`;
  const set = await runner('attrd_updater', ['--name', PROBE_ATTRIBUTE, '--update', token], { timeoutMs: 10_000 });
  if (set.failed) throw new AlertInstallError(`attrd_updater --update: ${outcome(set)}`);
  const until = Date.now() + waitMs;
  let seen = false;
  try {
    while (Date.now() < until && !seen) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        seen = readEvents({ path: log, maxBytes: VERIFY_TAIL_BYTES }).some((e) => e.kind === 'attribute' && e.attribute === PROBE_ATTRIBUTE && e.value === token);
      } catch {
        // not readable yet
      }
    }
  } finally {
    await runner('attrd_updater', ['--name', PROBE_ATTRIBUTE, '--delete'], { timeoutMs: 10_000 });
  }
  return seen;
}

export async function removeAlert(runner: Runner = run, say: (l: string) => void): Promise<'removed' | 'absent'> {
  const query = await cib(runner, ['--query', '--scope', 'alerts']);
  if (!query.ok && query.code !== 105) throw new AlertInstallError(`cibadmin --query --scope alerts: ${query.why}`);
  if (!query.ok || !findAlert(query.stdout)) {
    say(`alert ${ALERT_ID} is not in the CIB: nothing to remove`);
    return 'absent';
  }
  const r = await cib(runner, ['--delete', '--xml-text', `<alert id="${ALERT_ID}"/>`]);
  if (!r.ok) throw new AlertInstallError(`cibadmin --delete: ${r.why}`);
  say(`alert ${ALERT_ID} removed from the CIB (the event log is kept)`);
  return 'removed';
}
