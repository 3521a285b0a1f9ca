#!/bin/sh
# shellcheck source-path=SCRIPTDIR
# Debian 12 packages of a node: the cluster stack, DRBD, HAProxy, SBD fencing. Idempotent: no
# apt-get at all when every package is installed. In a chroot a policy-rc.d keeps services down.
. "$(dirname "$0")/lib.sh"

PACKAGES="pacemaker pacemaker-cli-utils corosync pcs resource-agents fence-agents sbd drbd-utils haproxy kmod procps psmisc iproute2 e2fsprogs ca-certificates curl xz-utils"

missing=""
for p in $PACKAGES; do
  case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" in
    "install ok installed") ;;
    *) missing="$missing $p" ;;
  esac
done
if [ -z "$missing" ]; then
  log "all packages installed"
  exit 0
fi
log "installing:$missing"
if in_chroot; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 0755 /usr/sbin/policy-rc.d
fi
apt-get update -q
# shellcheck disable=SC2086 # a word list on purpose
apt-get install -y -q --no-install-recommends $missing
if in_chroot; then rm -f /usr/sbin/policy-rc.d; fi
apt-get clean
# pcsd costs ~2 min of boot under qemu TCG and nothing here uses it (the CIB goes in with cibadmin)
systemctl disable pcsd.service pcsd-ruby.service >/dev/null 2>&1 || true
# DRBD is started by Pacemaker (ocf:ocfkit:drbd), never at boot
systemctl disable drbd.service >/dev/null 2>&1 || true
log "packages installed"
