/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/ocf/run.test.ts > TAP > meta-data goes to stdout, and only meta-data > rendered meta-data 1`] = `
<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="probe-me" version="1.2.3">
  <version>1.0</version>
  <longdesc lang="en">An agent whose behaviour the test selects with the parameter &quot;mode&quot;.</longdesc>
  <shortdesc lang="en">test agent</shortdesc>
  <parameters>
    <parameter name="mode" unique="0" required="1">
      <longdesc lang="en">what to do</longdesc>
      <shortdesc lang="en">what to do</shortdesc>
      <content type="string" />
    </parameter>
    <parameter name="count" unique="0" required="0">
      <longdesc lang="en">a number</longdesc>
      <shortdesc lang="en">a number</shortdesc>
      <content type="integer" default="3" />
    </parameter>
    <parameter name="flag" unique="0" required="0">
      <longdesc lang="en">a flag</longdesc>
      <shortdesc lang="en">a flag</shortdesc>
      <content type="boolean" default="false" />
    </parameter>
    <parameter name="wait" unique="0" required="0">
      <longdesc lang="en">a duration</longdesc>
      <shortdesc lang="en">a duration</shortdesc>
      <content type="time" default="2s" />
    </parameter>
    <parameter name="installed" unique="0" required="0">
      <longdesc lang="en">x</longdesc>
      <shortdesc lang="en">x</shortdesc>
      <content type="boolean" default="true" />
    </parameter>
  </parameters>
  <actions>
    <action name="start" timeout="40s" />
    <action name="stop" timeout="20s" />
    <action name="monitor" timeout="20s" interval="10s" />
    <action name="monitor" timeout="20s" interval="9s" role="Master" />
    <action name="notify" timeout="5s" />
    <action name="meta-data" timeout="5s" />
    <action name="validate-all" timeout="20s" />
  </actions>
</resource-agent>

`
