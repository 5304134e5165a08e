#!/bin/bash
# sandbox.sh RELEASE_TGZ BUNDLE_TGZ: `make sandbox`. Boots an air-gapped node of the bundle's
# release (Debian 12 for d12, 13 for d13: its manifest's target) at 10.10.10.10 with
# systemd-nspawn (see sandbox-node.sh for what it makes and where), copies the
# release in as /root/pigsty and the bundle as /tmp/pkg.tgz the way a user would, then runs
# `./configure -n -m demo` and `make install` inside.
# Output: progress on stderr; `phase_<name>=<seconds>` lines on stdout. The node stays up
# (`make sandbox-clean` removes it). Exit 0 only when the install's health report passed.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 RELEASE_TGZ BUNDLE_TGZ" >&2; exit 2; }
RELEASE=$(readlink -f "$1") BUNDLE=$(readlink -f "$2")
HERE=$(dirname "$(readlink -f "$0")")
# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$HERE/sandbox-lib.sh"
# shellcheck source-path=SCRIPTDIR source=sandbox-node.sh
. "$HERE/sandbox-node.sh"
[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap, ip netns, systemd-nspawn)"
[ -f "$RELEASE" ] || die "release not found: $RELEASE"
[ -f "$BUNDLE" ] || die "bundle not found: $BUNDLE"
for t in mmdebstrap systemd-nspawn ip nsenter pgrep; do
    command -v "$t" >/dev/null || die "$t not found (apt-get install mmdebstrap systemd-container iproute2)"
done
[ -z "$(nspawn_pid)" ] || die "a sandbox node is already running: make sandbox-clean first"
[ ! -e "$NODE_DIR" ] || die "$NODE_DIR exists: make sandbox-clean first"

LOG=$SANDBOX_DIR/sandbox.log
mkdir -p "$SANDBOX_DIR"
: >"$LOG"

# phase NAME START: print and record the seconds since START.
phase() {
    local s
    s=$(elapsed "$2" "$(now)")
    printf 'phase_%s=%s\n' "$1" "$s"
    note "phase $1: $s s"
}

# --- image, network, boot -------------------------------------------------------------------
T=$(now)
node_target "$BUNDLE"
node_image
mkdir -p "$NODE_ROOT"
tar -xpf "$NODE_IMAGE" -C "$NODE_ROOT" --numeric-owner
printf 'meta\n' >"$NODE_ROOT/etc/hostname"
printf '127.0.0.1 localhost\n%s meta\n' "$NODE_IP" >"$NODE_ROOT/etc/hosts"
phase image "$T"

node_net_up

T=$(now)
node_boot 120
phase boot "$T"
in_node ip route | grep -q '^default' && die "the node has a default route: not air-gapped"

# --- copy in, as from a USB stick -----------------------------------------------------------
T=$(now)
in_node sh -c 'cat >/tmp/pkg.tgz' <"$BUNDLE"
in_node sh -c 'cat >/root/pigsty.tgz && tar -xzf /root/pigsty.tgz -C /root && rm /root/pigsty.tgz' <"$RELEASE"
phase copy "$T"

# stamp LINE...: copy stdin to stderr and $LOG, each line prefixed with seconds since $T0.
stamp() {
    local line
    while IFS= read -r line; do
        printf '%7.2f %s\n' "$(elapsed "$T0" "$(now)")" "$line" | tee -a "$LOG" >&2
    done
}

# --- configure ------------------------------------------------------------------------------
T0=$(now)
in_node test -x /root/pigsty/configure || die "the release has no configure"
note "running ./configure -n -m demo"
T=$(now)
in_node sh -c 'cd /root/pigsty && ./configure -n -m demo' 2>&1 | stamp
[ "${PIPESTATUS[0]}" = 0 ] || die "./configure -n -m demo failed in the node"
phase configure "$T"

# --- make install ---------------------------------------------------------------------------
T=$(now)
in_node sh -c 'cd /root/pigsty && make install' 2>&1 | stamp
rc=${PIPESTATUS[0]}
phase install "$T"
ready=$(awk '/postgres: accepting connections/ { print $1; exit }' "$LOG")
[ -n "$ready" ] && printf 'configure_to_pg_ready=%s\n' "$ready"
sed -n 's/.* seconds: apt \([0-9.]*\) services \([0-9.]*\) health \([0-9.]*\).*/install_apt=\1\ninstall_services=\2\ninstall_health=\3/p' "$LOG" | tail -n 3
[ "$rc" = 0 ] || die "make install failed in the node (make exit $rc): see above and $LOG"
note "node up: psql -h $NODE_IP -p 5432 / 6432, http://$NODE_IP/ (make sandbox-clean removes it)"
