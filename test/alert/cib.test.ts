import t from 'tap';
import { ALERT_PATH, findAlert, parseSelect, renderAlert, sameAlert } from '../../lib/alert/cib.ts';

t.test('--select: the four kinds, canonical order, bad words named', async (t) => {
  t.strictSame(parseSelect('resources,nodes'), ['nodes', 'resources']);
  t.strictSame(parseSelect(' fencing , attributes '), ['fencing', 'attributes']);
  t.throws(() => parseSelect('nodes,resource'), /unknown kind 'resource'/);
  t.throws(() => parseSelect(','), /name at least one/);
});

t.test('the alert element: options sorted, select explicit, the probe attribute when attributes are not selected', async (t) => {
  const xml = renderAlert({ path: ALERT_PATH, select: ['nodes', 'resources'], options: { webhook_url: 'https://h/x?a=1&b="2"', log: '/var/lib/ocfkit/e.jsonl', socket: '' } });
  t.equal(
    xml,
    '<alert id="ocfkit-alert" path="/usr/lib/ocf/alerts/ocfkit-alert" description="ocfkit: event log, local subscribers, webhook">' +
      '<instance_attributes id="ocfkit-alert-options"><nvpair id="ocfkit-alert-option-log" name="log" value="/var/lib/ocfkit/e.jsonl"/>' +
      '<nvpair id="ocfkit-alert-option-webhook_url" name="webhook_url" value="https://h/x?a=1&amp;b=&quot;2&quot;"/></instance_attributes>' +
      '<select><select_nodes/><select_resources/><select_attributes><attribute id="ocfkit-alert-probe" name="ocfkit-alert-probe"/></select_attributes></select></alert>',
  );
  t.match(renderAlert({ path: ALERT_PATH, select: ['attributes'], options: {} }), /<select><select_attributes\/><\/select>/);
});

t.test('the same alert as the CIB prints it (indented, attributes in another order) is unchanged', async (t) => {
  const wanted = renderAlert({ path: ALERT_PATH, select: ['nodes', 'fencing', 'resources'], options: {} });
  // `cibadmin --query --scope alerts` of the lab after install (Pacemaker 2.1.5)
  const cib = `<alerts>
  <alert id="ocfkit-lab-timeline" path="/usr/sbin/ocfkit_lab_alert"/>
  <alert path="/usr/lib/ocf/alerts/ocfkit-alert" id="ocfkit-alert" description="ocfkit: event log, local subscribers, webhook">
    <select>
      <select_nodes/>
      <select_fencing/>
      <select_resources/>
      <select_attributes>
        <attribute id="ocfkit-alert-probe" name="ocfkit-alert-probe"/>
      </select_attributes>
    </select>
  </alert>
</alerts>`;
  const found = findAlert(cib);
  t.ok(found);
  t.ok(sameAlert(found!, wanted));
  t.notOk(sameAlert(found!, renderAlert({ path: ALERT_PATH, select: ['nodes'], options: {} })), 'another select differs');
  t.notOk(sameAlert(found!, renderAlert({ path: ALERT_PATH, select: ['nodes', 'fencing', 'resources'], options: { log: '/x/e.jsonl' } })), 'an option differs');
  t.equal(findAlert('<alerts><alert id="other" path="/x"/></alerts>'), null);
});
