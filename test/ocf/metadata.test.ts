import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineAgent, OCF, renderMetadata } from '../../lib/ocf/index.ts';

const base = {
  version: '0.0.1',
  shortdesc: 'short & <sweet>',
  longdesc: 'long "quoted" text',
  actions: {
    start: { timeout: 30, run: () => OCF.SUCCESS },
    stop: { timeout: 30, run: () => OCF.SUCCESS },
    monitor: { timeout: 20, interval: 10, also: [{ timeout: 20, interval: 9, role: 'Promoted' as const }], run: () => OCF.SUCCESS },
    promote: { timeout: 90, run: () => OCF.SUCCESS },
  },
};

function xmllint(xml: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ocfkit-md-'));
  const file = join(dir, 'md.xml');
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--dtdvalid', '/usr/share/resource-agents/ra-api-1.dtd', file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

t.test('OCF 1.0 meta-data, escaped, valid against the DTD', async (t) => {
  const xml = renderMetadata(
    defineAgent({
      name: 'demo',
      ...base,
      parameters: { ip: { type: 'string', required: true, unique: true, shortdesc: 'IP', longdesc: 'the <ip>' } },
    }),
  );
  t.match(xml, '<shortdesc lang="en">short &amp; &lt;sweet&gt;</shortdesc>');
  t.match(xml, '<action name="monitor" timeout="20s" interval="9s" role="Master" />', 'OCF 1.0 role names');
  t.match(xml, '<parameter name="ip" unique="1" required="1">');
  t.match(xml, '<action name="validate-all" timeout="20s" />');
  t.matchSnapshot(xml);
  const lint = xmllint(xml);
  t.equal(lint.status, 0, lint.stderr);
});

t.test('a reloadable parameter makes it OCF 1.1', async (t) => {
  const xml = renderMetadata(
    defineAgent({
      name: 'demo11',
      ...base,
      actions: { ...base.actions, 'reload-agent': { timeout: 10, run: () => OCF.SUCCESS } },
      parameters: { level: { type: 'integer', default: '1', reloadable: true, shortdesc: 'L', longdesc: 'level' } },
    }),
  );
  t.match(xml, '<version>1.1</version>');
  t.notMatch(xml, 'DOCTYPE');
  t.match(xml, 'reloadable="1"');
  t.match(xml, '<action name="reload-agent" timeout="10s" />');
  t.match(xml, 'role="Promoted"');
});

t.test('without a reloadable parameter reload-agent is not advertised', async (t) => {
  const xml = renderMetadata(
    defineAgent({
      name: 'demo10',
      ...base,
      actions: { ...base.actions, 'reload-agent': { timeout: 10, run: () => OCF.SUCCESS } },
      parameters: {},
    }),
  );
  t.notMatch(xml, 'reload-agent');
  t.equal(xmllint(xml).status, 0);
});
