/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/ocf/metadata.test.ts > TAP > OCF 1.0 meta-data, escaped, valid against the DTD > must match snapshot 1`] = `
<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="demo" version="0.0.1">
  <version>1.0</version>
  <longdesc lang="en">long &quot;quoted&quot; text</longdesc>
  <shortdesc lang="en">short &amp; &lt;sweet&gt;</shortdesc>
  <parameters>
    <parameter name="ip" unique="1" required="1">
      <longdesc lang="en">the &lt;ip&gt;</longdesc>
      <shortdesc lang="en">IP</shortdesc>
      <content type="string" />
    </parameter>
  </parameters>
  <actions>
    <action name="start" timeout="30s" />
    <action name="stop" timeout="30s" />
    <action name="monitor" timeout="20s" interval="10s" />
    <action name="monitor" timeout="20s" interval="9s" role="Master" />
    <action name="promote" timeout="90s" />
    <action name="meta-data" timeout="5s" />
    <action name="validate-all" timeout="20s" />
  </actions>
</resource-agent>

`
