#!/bin/sh
# shellcheck source-path=SCRIPTDIR
# Once, on the last node to be provisioned (both nodes' DRBD up, both in the cluster):
#   1. a new DRBD resource (both disks Inconsistent, connected) gets a new current UUID with a
#      cleared bitmap (the disks are empty: nothing to sync) and an ext4 filesystem;
#   2. the CIB rendered from the vars file (`ocfkit cib render --format configuration`) is
#      loaded with cibadmin (pcs is slow under emulation; same result).
# Idempotent: an UpToDate resource keeps its data; the configuration replace is the same each time.
. "$(dirname "$0")/lib.sh"

res=$(var drbd.resource)
dev=$(var drbd.device)
fstype=$(var filesystem.fstype)
n1=$(var nodes.0.name); n2=$(var nodes.1.name)

both_online() { crm_mon -1 --output-as=text 2>/dev/null | grep -Eq "Online: \[ ($n1 $n2|$n2 $n1) \]"; }
wait_for 600 "both nodes online" both_online

connected() { [ "$(drbdadm cstate "$res" 2>/dev/null)" = Connected ]; }
if ! crm_resource --list 2>/dev/null | grep -q drbd-data; then
  wait_for 300 "drbd $res connected" connected
  if [ "$(drbdadm dstate "$res")" = "Inconsistent/Inconsistent" ]; then
    log "drbd $res: new resource, both disks empty: new current UUID with a cleared bitmap"
    drbdadm new-current-uuid --clear-bitmap "$res"
  fi
  # A Secondary device cannot be read: look for a filesystem as Primary, then step down.
  drbdadm primary "$res"
  if [ -z "$(blkid -p -o value -s TYPE "$dev" 2>/dev/null || true)" ]; then
    log "drbd $res: mkfs.$fstype $dev"
    "mkfs.$fstype" -q "$dev"
  fi
  drbdadm secondary "$res"
fi

cfg="$OCFKIT_ETC/cib-configuration.xml"
/usr/local/bin/ocfkit cib render --vars "$OCFKIT_HOME/vm.vars.json" --format configuration --out "$cfg"
cibadmin --replace --scope configuration --xml-file "$cfg"
log "CIB configuration loaded from $cfg"
