#!/bin/sh
# The two-node active/standby stack as pcs commands (ocfkit cib render --format pcs).
# Build into a CIB file, look at it, then push it:
#   pcs cluster cib stack.xml
#   sh THIS_SCRIPT stack.xml
#   crm_verify --xml-file stack.xml -V
#   pcs cluster cib-push stack.xml --config
# Corosync's token timeout is not in the CIB: see the totem snippet (ocfkit cib render --format corosync).
set -eu
cib=${1:?usage: sh stack.pcs.sh CIB_FILE}
pcs -f "$cib" property set stonith-enabled=true cluster-recheck-interval={{policy.recheck_interval}}
{{@resources}}
{{@constraints}}
pcs -f "$cib" resource defaults update resource-stickiness={{policy.resource_stickiness}} migration-threshold={{policy.migration_threshold}} failure-timeout={{policy.failure_timeout}}
pcs -f "$cib" alert create id=ocfkit-alert path={{alert.path}} options \
  log={{alert.log}} \
  socket={{alert.socket?}}
