#!/bin/sh
# shellcheck source-path=SCRIPTDIR
# ocfkit on a node, from a built tree ($OCFKIT_SRC/dist, made by `npm run build` on the host):
#   /usr/local/lib/ocfkit/{node,dist/,cib-templates/,provision/,vm.vars.json}
#   /usr/local/bin/ocfkit                    the CLI (DRBD's fence-peer handler calls it)
#   /usr/lib/ocf/resource.d/ocfkit/*          the agents (`ocfkit install`)
#   /usr/lib/ocf/alerts/ocfkit-alert          the alert agent
#   /usr/local/bin/ocfkit-lab-service         the stand-in services the vars file runs
# Idempotent: unchanged files are left alone.
. "$(dirname "$0")/lib.sh"

[ -f "$OCFKIT_SRC/dist/cli/ocfkit.mjs" ] || die "$OCFKIT_SRC/dist/cli/ocfkit.mjs missing: run 'npm ci && npm run build' in the ocfkit tree first"
mkdir -p "$OCFKIT_HOME" "$OCFKIT_ETC" /var/lib/ocfkit
# The alert agent runs as hacluster and appends its event log here (alert.log in the vars)
if getent passwd hacluster >/dev/null; then chown hacluster:haclient /var/lib/ocfkit; fi

# Node >= 20.19 for the CLI (the agents are a single executable and need none).
node_ok() { [ -x "$1" ] && "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null; }
if ! node_ok "$OCFKIT_NODE"; then
  candidate=${OCFKIT_NODE_BIN:-$(command -v node 2>/dev/null || true)}
  if [ -n "$candidate" ] && node_ok "$candidate"; then
    install -m 0755 "$candidate" "$OCFKIT_NODE"
  else
    # nodejs.org's Linux build, checked against the release's SHASUMS256.txt
    v=v20.19.5
    tmp=$(mktemp -d)
    log "downloading Node $v from nodejs.org"
    curl -fsSL -o "$tmp/SHASUMS256.txt" "https://nodejs.org/dist/$v/SHASUMS256.txt"
    curl -fsSL -o "$tmp/node-$v-linux-x64.tar.xz" "https://nodejs.org/dist/$v/node-$v-linux-x64.tar.xz"
    (cd "$tmp" && grep " node-$v-linux-x64.tar.xz\$" SHASUMS256.txt | sha256sum -c -) >&2
    tar -xJf "$tmp/node-$v-linux-x64.tar.xz" -C "$tmp" "node-$v-linux-x64/bin/node"
    install -m 0755 "$tmp/node-$v-linux-x64/bin/node" "$OCFKIT_NODE"
    rm -rf "$tmp"
  fi
  node_ok "$OCFKIT_NODE" || die "no working Node >= 20.19 at $OCFKIT_NODE"
  log "node $("$OCFKIT_NODE" -v) at $OCFKIT_NODE"
fi

# The tree: dist (CLI, agents, alert, lab services), templates, provisioning, vars.
copy_tree() { # SRC DST: a mirror of SRC, copying only what differs (cp -a per changed file)
  mkdir -p "$2"
  (cd "$1" && find . -type d) | while read -r d; do mkdir -p "$2/$d"; done
  (cd "$1" && find . ! -type d) | while read -r f; do
    if [ -L "$1/$f" ]; then
      [ "$(readlink "$1/$f")" = "$(readlink "$2/$f" 2>/dev/null || true)" ] || { rm -f "$2/$f"; cp -a "$1/$f" "$2/$f"; }
    elif ! cmp -s "$1/$f" "$2/$f"; then
      cp -a "$1/$f" "$2/$f.new" && mv -f "$2/$f.new" "$2/$f"
    fi
  done
}
for d in cli resource.d alerts lab; do copy_tree "$OCFKIT_SRC/dist/$d" "$OCFKIT_HOME/dist/$d"; done
copy_tree "$OCFKIT_SRC/cib-templates" "$OCFKIT_HOME/cib-templates"
if [ "$(cd "$(dirname "$0")" && pwd)" != "$OCFKIT_HOME/provision" ]; then copy_tree "$(dirname "$0")" "$OCFKIT_HOME/provision"; fi
cp "$OCFKIT_SRC/dist/package.json" "$OCFKIT_HOME/dist/package.json" 2>/dev/null || true
# The vars file, with fence_sbd's devices pointed at this provider's shared disk ($OCFKIT_SBD_DISK).
"$OCFKIT_NODE" -e '
  const fs = require("node:fs");
  const v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  if (v.fence && v.fence.agent === "fence_sbd") for (const p of Object.values(v.fence.params)) p.devices = process.argv[2];
  process.stdout.write(JSON.stringify(v, null, 2) + "\n");
' "$OCFKIT_VARS" "$OCFKIT_SBD_DISK" | write_file "$OCFKIT_HOME/vm.vars.json" 0644 >/dev/null

write_file /usr/local/bin/ocfkit 0755 >/dev/null <<WRAP
#!/bin/sh
exec $OCFKIT_NODE $OCFKIT_HOME/dist/cli/ocfkit.mjs "\$@"
WRAP
write_file /usr/local/bin/ocfkit-lab-service 0755 >/dev/null <<WRAP
#!/bin/sh
exec $OCFKIT_NODE $OCFKIT_HOME/dist/lab/stack-services/service.mjs "\$@"
WRAP

/usr/local/bin/ocfkit install >&2
mkdir -p /usr/lib/ocf/alerts
if ! cmp -s "$OCFKIT_HOME/dist/alerts/ocfkit-alert" /usr/lib/ocf/alerts/ocfkit-alert; then
  install -m 0755 "$OCFKIT_HOME/dist/alerts/ocfkit-alert" /usr/lib/ocf/alerts/ocfkit-alert
fi
log "ocfkit $(/usr/local/bin/ocfkit --version) installed"
