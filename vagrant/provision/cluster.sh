#!/bin/sh
# shellcheck source-path=SCRIPTDIR
# Corosync and Pacemaker: corosync.conf rendered by `ocfkit cib render --format corosync` from
# the vars file; outside a chroot enables and starts corosync (with sbd) and pacemaker.
. "$(dirname "$0")/lib.sh"

conf=$(mktemp)
/usr/local/bin/ocfkit cib render --vars "$OCFKIT_HOME/vm.vars.json" --format corosync --out "$conf"
changed=$(
  {
    cat "$conf"
    printf '\nlogging {\n    to_syslog: yes\n    to_logfile: yes\n    logfile: /var/log/corosync/corosync.log\n    timestamp: on\n}\n'
  } | write_file /etc/corosync/corosync.conf 0644
)
rm -f "$conf"
mkdir -p /var/log/corosync
if in_chroot; then
  # Debian's packages enable both: a node must not join before sbd.sh and this script ran on it
  systemctl disable corosync.service pacemaker.service >/dev/null 2>&1
  log "corosync.conf written (the cluster starts when this script runs on the booted node)"
  exit 0
fi
systemctl enable corosync.service pacemaker.service >/dev/null 2>&1
if systemctl is-active --quiet corosync.service; then
  if [ -n "$changed" ]; then
    log "corosync.conf changed: restarting the cluster stack on this node"
    systemctl stop pacemaker.service corosync.service
  elif systemctl is-enabled --quiet sbd.service && ! systemctl is-active --quiet sbd.service; then
    log "sbd enabled but not running (corosync started before it): restarting the cluster stack on this node"
    systemctl stop pacemaker.service corosync.service
  fi
fi
systemctl start corosync.service pacemaker.service
log "corosync and pacemaker running ($(corosync-cfgtool -s 2>/dev/null | grep -c 'nodeid' || true) link entries)"
