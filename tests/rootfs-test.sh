#!/bin/bash
# rootfs-test.sh JAR BUNDLE_TGZ RELEASE_TGZ: `make rootfs-check`, the proof of the offline
# appliance image (docs/appliance.md). As root:
#   1. build the image with no network at all: `unshare --net pigsty image rootfs BUNDLE`
#      (the command runs mmdebstrap in its own `unshare --net` too), bundle as the only source;
#   2. check the tarball: release in /root/pigsty with the bundle beside it, packages
#      pre-installed, no build leftovers (apt source, policy-rc.d, temp dirs, SSH host keys);
#   3. boot it with systemd-nspawn in an air-gapped network namespace (10.10.10.10, host side
#      10.10.10.1, no default route), run `./configure -n -m demo -p <bundle>`, `make install`
#      (which must find every package installed already) and `make status` (the health report).
# Its own names, so it never touches `make sandbox`'s node: directory
# ${PIGSTY_APPLIANCE_DIR:-/var/lib/pigsty-appliance}, netns `pigsty-appliance`, host veth
# `pigsty-appl`, machine `appliance`. Everything is removed on exit, also on failure or ^C
# (PIGSTY_KEEP=1 keeps the node running for a look; remove it by running this script's clean-up:
# `bash rootfs-test.sh --clean`).
# Output: progress on stderr; figures as name=value lines on stdout.
set -eu
HERE=$(dirname "$(readlink -f "$0")")
# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$HERE/sandbox-lib.sh"
# shellcheck source-path=SCRIPTDIR source=sandbox-node.sh
. "$HERE/sandbox-node.sh"

# the node of sandbox-node.sh's helpers (nspawn_pid, node_leader, in_node), under our own names
SANDBOX_DIR=${PIGSTY_APPLIANCE_DIR:-/var/lib/pigsty-appliance}
NODE_NAME=appliance
NODE_DIR=$SANDBOX_DIR/$NODE_NAME
NODE_ROOT=$NODE_DIR/rootfs
NODE_PIDFILE=$NODE_DIR/nspawn.pid
NODE_NETNS=pigsty-appliance
NODE_VETH=pigsty-appl
IMAGE=$SANDBOX_DIR/appliance.tar

# appliance_clean: stop the node by its recorded PID, delete our netns and veth, remove our
# directory. Never fails; safe to run when nothing exists.
appliance_clean() {
    node_stop
    node_remove "$SANDBOX_DIR"
}

if [ "${1:-}" = --clean ]; then
    [ "$(id -u)" = 0 ] || die "must run as root"
    appliance_clean
    note "appliance clean"
    exit 0
fi
[ $# -eq 3 ] || { echo "usage: $0 JAR BUNDLE_TGZ RELEASE_TGZ | --clean" >&2; exit 2; }
JAR=$(readlink -f "$1") BUNDLE=$(readlink -f "$2") RELEASE=$(readlink -f "$3")
[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap, ip netns, systemd-nspawn)"
for f in "$JAR" "$BUNDLE" "$RELEASE"; do [ -f "$f" ] || die "not found: $f"; done
for t in java mmdebstrap systemd-nspawn ip nsenter pgrep unshare tar; do
    command -v "$t" >/dev/null || die "$t not found (make tools)"
done
[ -z "$(nspawn_pid)" ] || die "an appliance node is already running: bash $0 --clean"
[ ! -e "$SANDBOX_DIR" ] || die "$SANDBOX_DIR exists (an earlier run?): bash $0 --clean"
[ -z "$(ip route show "10.10.10.0/24")" ] ||
    die "10.10.10.0/24 is already routed on this host (make sandbox running?): make sandbox-clean first"

on_exit() {
    local rc=$?
    trap - EXIT
    if [ "${PIGSTY_KEEP:-0}" = 1 ] && [ -n "$(nspawn_pid)" ]; then
        note "PIGSTY_KEEP=1: the appliance stays up at $NODE_IP (bash $0 --clean removes it)"
    else
        appliance_clean
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$SANDBOX_DIR/tmp" "$NODE_DIR"
NAME=$(basename "$BUNDLE")

# --- 1. build, with no network ----------------------------------------------------------------
note "building the image offline from $NAME"
T=$(now)
unshare --net -- java -jar "$JAR" image rootfs "$BUNDLE" --release "$RELEASE" -o "$IMAGE" \
    --tmp-dir "$SANDBOX_DIR/tmp" >"$SANDBOX_DIR/build.out" 2>"$SANDBOX_DIR/build.log" ||
    { tail -n 30 "$SANDBOX_DIR/build.log" >&2; die "pigsty image rootfs failed (offline)"; }
printf 'rootfs_build_seconds=%s\n' "$(elapsed "$T" "$(now)")"
grep -E '^rootfs_' "$SANDBOX_DIR/build.out"
[ -s "$IMAGE" ] || die "no image at $IMAGE"
printf 'rootfs_tar_mb=%s\n' "$(awk -v b="$(stat -c %s "$IMAGE")" 'BEGIN { printf "%.1f", b / 1e6 }')"
[ -z "$(find "$SANDBOX_DIR" -maxdepth 1 -name '.tmp-*')" ] || die "a temporary tarball was left beside the image"
[ -z "$(ls -A "$SANDBOX_DIR/tmp")" ] || die "the build left files in its --tmp-dir: $(ls -A "$SANDBOX_DIR/tmp")"
for p in /proc/[0-9]*; do   # no daemon from a maintainer script outlived the build
    case $(readlink "$p/root" 2>/dev/null || true) in
        /tmp/mmdebstrap.*) die "process ${p#/proc/} ($(cat "$p/comm")) still runs in the build's chroot" ;;
    esac
done

# --- 2. what is in the tarball ------------------------------------------------------------------
tar -tvf "$IMAGE" >"$SANDBOX_DIR/list"
has() { awk -v p="$1" '$6 == p { f = 1 } END { exit !f }' "$SANDBOX_DIR/list"; }
for p in ./root/pigsty/configure ./root/pigsty/Makefile ./root/pigsty/pigsty.jar "./root/pigsty/$NAME" \
    ./etc/systemd/system/pigsty-ssh-hostkeys.service ./usr/sbin/sshd ./lib/systemd/systemd \
    ./usr/lib/postgresql/15/bin/postgres ./usr/sbin/nginx; do
    has "$p" || { [ "$p" = ./lib/systemd/systemd ] && has ./usr/lib/systemd/systemd; } || die "the image has no $p"
done
! has ./usr/sbin/policy-rc.d || die "the build's policy-rc.d was left in the image"
! grep -q 'etc/ssh/ssh_host_.*_key' "$SANDBOX_DIR/list" || die "the image carries SSH host keys"
! grep -q "${SANDBOX_DIR#/}" "$SANDBOX_DIR/list" || die "the image holds build paths (${SANDBOX_DIR})"
awk '$6 == "./tmp/" { exit ($1 != "drwxrwxrwt") } ' "$SANDBOX_DIR/list" || die "/tmp in the image is not 1777"
[ "$(tar -xOf "$IMAGE" ./etc/apt/sources.list | grep -vc '^#')" = 0 ] || die "the image still has an apt source"
cmp -s "$BUNDLE" <(tar -xOf "$IMAGE" "./root/pigsty/$NAME") || die "the bundle in the image differs from $BUNDLE"

# --- 3. boot it air-gapped, configure, install, health report -----------------------------------
T=$(now)
mkdir -p "$NODE_ROOT"
tar -xpf "$IMAGE" -C "$NODE_ROOT" --numeric-owner --xattrs --xattrs-include='*'
rm -f "$IMAGE"   # 1.5 GB: the unpacked copy is what boots
printf 'rootfs_unpack_seconds=%s\n' "$(elapsed "$T" "$(now)")"

node_net_up

T=$(now)
node_boot 180
printf 'boot_seconds=%s\nboot_state=%s\n' "$(elapsed "$T" "$(now)")" "$BOOT_STATE"
in_node ip route | grep -q '^default' && die "the appliance has a default route: not air-gapped"
[ "$(in_node hostname)" = pigsty ] || die "hostname is '$(in_node hostname)', expected pigsty"
[ -n "$(in_node cat /etc/machine-id)" ] || die "systemd did not make a machine-id at first boot"
for _ in $(seq 1 20); do in_node systemctl is-active -q ssh && break; sleep 0.5; done
in_node systemctl is-active -q ssh || die "sshd is not running (host keys made at first boot?)"
in_node test -s /etc/ssh/ssh_host_ed25519_key || die "no SSH host key made at first boot"
[ "$(in_node dpkg-query -W -f='${db:Status-Abbrev}' postgresql-15)" = "ii " ] ||
    die "postgresql-15 is not pre-installed in the image"

LOG=$NODE_DIR/install.log
T=$(now)
in_node sh -c "cd /root/pigsty && ./configure -n -m demo -p /root/pigsty/$NAME" >"$LOG" 2>&1 ||
    { tail -n 30 "$LOG" >&2; die "./configure -n -m demo failed in the appliance"; }
printf 'configure_seconds=%s\n' "$(elapsed "$T" "$(now)")"
T=$(now)
in_node sh -c 'cd /root/pigsty && make install' >>"$LOG" 2>&1 ||
    { tail -n 40 "$LOG" >&2; die "make install failed in the appliance"; }
printf 'install_seconds=%s\n' "$(elapsed "$T" "$(now)")"
grep -q 'packages: all [0-9]* installed' "$LOG" ||
    { grep -E 'packages:|install [0-9]+ package' "$LOG" >&2 || tail -n 40 "$LOG" >&2
      die "make install had to install packages: the image should hold them all"; }
T=$(now)
in_node sh -c 'cd /root/pigsty && make status' >"$NODE_DIR/status.log" 2>&1 ||
    { cat "$NODE_DIR/status.log" >&2; die "make status (the health report) failed in the appliance"; }
printf 'status_seconds=%s\n' "$(elapsed "$T" "$(now)")"
cat "$NODE_DIR/status.log" >&2
PGPASSWORD=DBUser.Meta psql "host=$NODE_IP port=5432 user=dbuser_meta dbname=meta connect_timeout=5" \
    -XtAc 'SELECT 1' | grep -qx 1 || die "PostgreSQL on $NODE_IP:5432 does not answer from the host"
printf 'appliance=ok\n'
note "appliance: built offline, booted air-gapped, configured, installed, healthy"
