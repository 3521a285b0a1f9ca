import t from 'tap';
import { defineAgent, generic, misconfigured, notInstalled, OCF, OcfError, runAgent } from '../../lib/ocf/index.ts';
import type { OcfContext } from '../../lib/ocf/context.ts';
import { exitReasonLine } from '../../lib/ocf/run.ts';

let seen: OcfContext<unknown> | undefined;

const agent = defineAgent({
  name: 'probe-me',
  version: '1.2.3',
  shortdesc: 'test agent',
  longdesc: 'An agent whose behaviour the test selects with the parameter "mode".',
  parameters: {
    mode: { type: 'string', required: true, shortdesc: 'what to do', longdesc: 'what to do' },
    count: { type: 'integer', default: '3', shortdesc: 'a number', longdesc: 'a number' },
    flag: { type: 'boolean', default: 'false', shortdesc: 'a flag', longdesc: 'a flag' },
    wait: { type: 'time', default: '2s', shortdesc: 'a duration', longdesc: 'a duration' },
    installed: { type: 'boolean', default: 'true', shortdesc: 'x', longdesc: 'x' },
  },
  actions: {
    start: {
      timeout: 40,
      run: (ctx) => {
        seen = ctx as OcfContext<unknown>;
        switch (ctx.params.mode) {
          case 'ok':
            return OCF.SUCCESS;
          case 'reason':
            return { code: OCF.ERR_GENERIC, reason: 'it broke\nbadly' };
          case 'ocf-error':
            throw generic('typed failure');
          case 'throw':
            throw new TypeError('boom');
          default:
            return OCF.ERR_ARGS;
        }
      },
    },
    stop: { timeout: 20, run: () => OCF.SUCCESS },
    monitor: {
      timeout: 20,
      interval: 10,
      also: [{ timeout: 20, interval: 9, role: 'Promoted' }],
      run: (ctx) => {
        seen = ctx as OcfContext<unknown>;
        return OCF.NOT_RUNNING;
      },
    },
    notify: { timeout: 5, run: (ctx) => ((seen = ctx as OcfContext<unknown>), OCF.ERR_GENERIC) },
  },
  validate: (ctx) => {
    if (ctx.params.mode === 'invalid') throw misconfigured("parameter 'mode' must not be 'invalid'");
    if (!ctx.params.installed) throw notInstalled('the tool is missing');
  },
});

async function invoke(argv: string[], env: Record<string, string> = {}) {
  const err: string[] = [];
  let out = '';
  const code = await runAgent(agent, {
    argv,
    env: { OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: 'r1', OCF_RESKEY_mode: 'ok', ...env },
    stdout: (s) => (out += s),
    stderr: (l) => err.push(l),
    clock: () => 1_000_000,
    startedAt: 1_000_000,
  });
  const reasons = err.filter((l) => l.startsWith('ocf-exit-reason:')).map((l) => l.slice('ocf-exit-reason:'.length));
  return { code, out, err, reasons };
}

t.test('meta-data goes to stdout, and only meta-data', async (t) => {
  const r = await invoke(['meta-data'], { OCF_RESKEY_mode: '' });
  t.equal(r.code, OCF.SUCCESS);
  t.match(r.out, /^<\?xml version="1.0"\?>\n<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">/);
  t.same(r.err, []);
  t.matchSnapshot(r.out, 'rendered meta-data');
});

t.test('every action prints nothing on stdout', async (t) => {
  for (const action of ['start', 'stop', 'monitor', 'validate-all', 'notify', 'bogus']) {
    const r = await invoke([action]);
    t.equal(r.out, '', action);
  }
});

t.test('success and the codes a handler returns', async (t) => {
  t.equal((await invoke(['start'])).code, OCF.SUCCESS);
  const reason = await invoke(['start'], { OCF_RESKEY_mode: 'reason' });
  t.equal(reason.code, OCF.ERR_GENERIC);
  t.same(reason.reasons, ['it broke badly'], 'one exit reason, on one line');
  const typed = await invoke(['start'], { OCF_RESKEY_mode: 'ocf-error' });
  t.equal(typed.code, OCF.ERR_GENERIC);
  t.same(typed.reasons, ['typed failure']);
  const thrown = await invoke(['start'], { OCF_RESKEY_mode: 'throw' });
  t.equal(thrown.code, OCF.ERR_GENERIC);
  t.same(thrown.reasons, ['internal error: boom']);
  t.notMatch(thrown.err.join('\n'), /at .*\(.*:\d+:\d+\)/, 'no stack trace');
  t.equal((await invoke(['start'], { OCF_RESKEY_mode: 'other' })).code, OCF.ERR_ARGS);
});

t.test('unknown and missing actions', async (t) => {
  const unknown = await invoke(['frobnicate']);
  t.equal(unknown.code, OCF.ERR_UNIMPLEMENTED);
  t.same(unknown.reasons, ["action 'frobnicate' is not implemented by probe-me"]);
  t.ok(unknown.err.some((l) => l.startsWith('usage: probe-me {start|stop|monitor|notify|meta-data|validate-all}')));
  t.equal((await invoke([])).code, OCF.ERR_ARGS);
  t.equal((await invoke(['usage'])).code, OCF.SUCCESS);
  t.equal((await invoke(['promote'])).code, OCF.ERR_UNIMPLEMENTED, 'an action the agent lacks');
});

t.test('parameters are typed and checked before every action but meta-data', async (t) => {
  const missing = await invoke(['start'], { OCF_RESKEY_mode: '' });
  t.equal(missing.code, OCF.ERR_CONFIGURED);
  t.same(missing.reasons, ["required parameter 'mode' is not set"]);
  const badInt = await invoke(['monitor'], { OCF_RESKEY_count: 'three' });
  t.equal(badInt.code, OCF.ERR_CONFIGURED);
  t.same(badInt.reasons, ["parameter 'count' must be an integer, got 'three'"]);
  const badBool = await invoke(['stop'], { OCF_RESKEY_flag: 'maybe' });
  t.equal(badBool.code, OCF.ERR_CONFIGURED);
  t.match(badBool.reasons[0], /parameter 'flag' must be a boolean/);
  const badTime = await invoke(['validate-all'], { OCF_RESKEY_wait: '5 parsecs' });
  t.equal(badTime.code, OCF.ERR_CONFIGURED);
  t.match(badTime.reasons[0], /parameter 'wait' must be a time/);
  t.equal((await invoke(['meta-data'], { OCF_RESKEY_count: 'three' })).code, OCF.SUCCESS);

  await invoke(['start'], { OCF_RESKEY_count: '7', OCF_RESKEY_flag: 'yes', OCF_RESKEY_wait: '1500ms' });
  t.same(seen!.params, { mode: 'ok', count: 7, flag: true, wait: 1500, installed: true });
  await invoke(['start']);
  t.same(seen!.params, { mode: 'ok', count: 3, flag: false, wait: 2000, installed: true }, 'defaults applied');
});

t.test('validation failures depend on the action', async (t) => {
  const invalid = await invoke(['start'], { OCF_RESKEY_mode: 'invalid' });
  t.equal(invalid.code, OCF.ERR_CONFIGURED);
  t.same(invalid.reasons, ["parameter 'mode' must not be 'invalid'"]);
  t.equal((await invoke(['validate-all'], { OCF_RESKEY_mode: 'invalid' })).code, OCF.ERR_CONFIGURED);
  t.equal((await invoke(['validate-all'])).code, OCF.SUCCESS);

  const gone = { OCF_RESKEY_installed: 'false' };
  t.equal((await invoke(['start'], gone)).code, OCF.ERR_INSTALLED, 'start: not installed');
  const probe = await invoke(['monitor'], { ...gone, OCF_RESKEY_CRM_meta_interval: '0' });
  t.equal(probe.code, OCF.NOT_RUNNING, 'a probe: not running here');
  t.same(probe.reasons, []);
  t.equal((await invoke(['monitor'], { ...gone, OCF_RESKEY_CRM_meta_interval: '10000' })).code, OCF.ERR_INSTALLED, 'a recurring monitor: not installed');
  t.equal((await invoke(['stop'], gone)).code, OCF.SUCCESS, 'stop: nothing of ours can run here');
  t.equal((await invoke(['notify'], { ...gone, OCF_RESKEY_CRM_meta_notify_type: 'pre' })).code, OCF.SUCCESS, 'notify never fails');
});

t.test('notify never fails even when the handler does', async (t) => {
  const r = await invoke(['notify'], { OCF_RESKEY_CRM_meta_notify_type: 'post', OCF_RESKEY_CRM_meta_notify_operation: 'start' });
  t.equal(r.code, OCF.SUCCESS);
  t.equal(seen!.notify?.type, 'post');
});

t.test('probe detection and meta attributes', async (t) => {
  await invoke(['monitor'], { OCF_RESKEY_CRM_meta_interval: '0', OCF_RESKEY_CRM_meta_timeout: '20000' });
  t.equal(seen!.isProbe, true);
  await invoke(['monitor'], { OCF_RESKEY_CRM_meta_interval: '10000' });
  t.equal(seen!.isProbe, false);
  t.equal(seen!.meta.intervalMs, 10000);
  await invoke(['monitor']);
  t.equal(seen!.isProbe, false, 'no interval at all (a manual run) is not a probe');
  await invoke(['monitor'], {
    OCF_RESKEY_CRM_meta_interval: '0',
    OCF_RESKEY_CRM_meta_clone: '1',
    OCF_RESKEY_CRM_meta_clone_max: '2',
    OCF_RESKEY_CRM_meta_master_max: '1',
    OCF_RESKEY_CRM_meta_promotable: 'true',
    OCF_RESKEY_CRM_meta_on_node: 'node2',
  });
  t.match(seen!.meta, { clone: 1, cloneMax: 2, promotedMax: 1, promotable: true, onNode: 'node2' });
  t.equal(seen!.instance, 'r1');
  t.notOk('CRM_meta_clone' in seen!.rawParams, 'meta attributes are not parameters');
  await invoke(['monitor'], { OCF_RESKEY_CRM_meta_promoted_max: '2', OCF_RESKEY_CRM_meta_master_max: '1' });
  t.equal(seen!.meta.promotedMax, 2, 'the new name wins over the legacy one');
});

t.test('the deadline comes from CRM_meta_timeout less a margin, else the advertised timeout', async (t) => {
  await invoke(['start'], { OCF_RESKEY_CRM_meta_timeout: '60000' });
  t.equal(seen!.deadline.at, 1_000_000 + 60_000 - 3_000);
  t.equal(seen!.deadline.remaining(), 57_000);
  await invoke(['start']);
  t.equal(seen!.deadline.at, 1_000_000 + 40_000 - 2_000, 'advertised start timeout 40 s');
  await invoke(['start'], { OCF_RESKEY_CRM_meta_timeout: '1000' });
  t.equal(seen!.deadline.at, 1_000_000 + 1_000 - 250, 'short timeouts keep three quarters');
});

t.test('log lines name the agent, the resource and the action', async (t) => {
  const r = await invoke(['start'], { OCF_RESKEY_mode: 'reason' });
  const lines = r.err.filter((l) => !l.startsWith('ocf-exit-reason:'));
  t.ok(lines.length > 0);
  for (const line of lines) t.match(line, /^ocfkit:probe-me rsc=r1 op=start /);
});

t.test('OcfError carries its code', async (t) => {
  const e = new OcfError(OCF.ERR_PERM, 'no');
  t.equal(e.code, 4);
  t.equal(e.message, 'no');
});

t.test('exit reasons are cut to 128 bytes at a character boundary', async (t) => {
  t.equal(exitReasonLine('short  reason\n second line'), 'short reason second line');
  const cut = exitReasonLine('service db failed to start: ' + 'é'.repeat(200));
  t.ok(Buffer.byteLength(cut) <= 128, `${Buffer.byteLength(cut)} bytes`);
  t.match(cut, /^service db failed to start: é+…$/);
});
