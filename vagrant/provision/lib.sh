# shellcheck shell=sh
# Shared by every provisioning script (sourced, never run). POSIX sh.
#
# Environment (the Vagrantfile and `ocfkit lab vm` set what differs from these defaults):
#   OCFKIT_SRC        the ocfkit tree with a built dist/ (Vagrant: the synced folder /ocfkit)
#   OCFKIT_VARS       the CIB template variables (default: $OCFKIT_SRC/vagrant/vm.vars.json)
#   OCFKIT_DRBD_DISK  the second disk, DRBD's backing device (default /dev/vdb)
#   OCFKIT_SBD_DISK   the small disk both nodes share, for SBD (default /dev/vdc)
#   OCFKIT_CHROOT=1   building an image in a chroot: write files only; start, enable-at-runtime
#                     and device steps are left to the first boot
#   OCFKIT_NODE_BIN   a Node >= 20.19 binary to install (default: one on PATH, else nodejs.org)
set -eu

: "${OCFKIT_SRC:=/ocfkit}"
: "${OCFKIT_VARS:=$OCFKIT_SRC/vagrant/vm.vars.json}"
: "${OCFKIT_DRBD_DISK:=/dev/vdb}"
: "${OCFKIT_SBD_DISK:=/dev/vdc}"
: "${OCFKIT_CHROOT:=0}"
OCFKIT_HOME=/usr/local/lib/ocfkit
OCFKIT_NODE=$OCFKIT_HOME/node
# shellcheck disable=SC2034 # used by the scripts that source this file
OCFKIT_ETC=/etc/ocfkit
export DEBIAN_FRONTEND=noninteractive

log() { printf '%s %s: %s\n' "$(date +%H:%M:%S)" "${0##*/}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"

in_chroot() { [ "$OCFKIT_CHROOT" = 1 ]; }

# write_file PATH MODE: stdin to PATH, atomically, only when the content differs.
# Prints "changed" on stdout when it wrote.
write_file() {
  _tmp=$(mktemp "${1}.XXXXXX")
  cat > "$_tmp"
  chmod "$2" "$_tmp"
  if [ -f "$1" ] && cmp -s "$_tmp" "$1"; then
    rm -f "$_tmp"
  else
    mv -f "$_tmp" "$1"
    echo changed
  fi
}

# var KEY: a CIB template variable from $OCFKIT_VARS (dotted path, array indexes as numbers).
var() {
  "$OCFKIT_NODE" -e '
    const v = require("node:fs").readFileSync(process.argv[1], "utf8");
    let o = JSON.parse(v);
    for (const k of process.argv[2].split(".")) o = o == null ? undefined : o[k];
    if (o === undefined || o === null) process.exit(3);
    process.stdout.write(typeof o === "object" ? JSON.stringify(o) : String(o));
  ' "$OCFKIT_VARS" "$1"
}

# wait_for SECONDS DESCRIPTION CMD...: run CMD every second until it succeeds.
wait_for() {
  _limit=$1; _what=$2; shift 2
  _t=0
  until "$@" >/dev/null 2>&1; do
    _t=$((_t + 1))
    [ "$_t" -lt "$_limit" ] || die "timed out after ${_limit}s waiting for $_what"
    sleep 1
  done
  log "$_what after ${_t}s"
}
