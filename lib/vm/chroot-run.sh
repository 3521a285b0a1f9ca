#!/bin/sh
# chroot-run.sh ROOT CMD [ARG...]: run CMD inside the image's root filesystem with /proc, /sys
# and /dev mounted. Run under `unshare --mount --propagation private --fork`, so the mounts live
# in a private mount namespace and vanish with it: the host's mount table never changes.
set -eu
root=$1; shift
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
exec chroot "$root" "$@"
