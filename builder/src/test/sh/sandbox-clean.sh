#!/bin/bash
# sandbox-clean.sh [--all]: remove what `make sandbox` made, and nothing else: stop the node's
# systemd-nspawn by the PID it recorded, delete network namespace pigsty-meta and the host veth
# pigsty-meta, remove ${PIGSTY_SANDBOX_DIR:-/var/lib/pigsty-sandbox}/meta and the run logs. --all also removes
# the cached node image (and with it the whole prefix directory).
set -eu
# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$(dirname "$(readlink -f "$0")")/sandbox-lib.sh"
# shellcheck source-path=SCRIPTDIR source=sandbox-node.sh
. "$(dirname "$(readlink -f "$0")")/sandbox-node.sh"
[ "$(id -u)" = 0 ] || die "must run as root"

pid=$(nspawn_pid)
if [ -n "$pid" ]; then
    note "stopping the node (systemd-nspawn PID $pid)"
    kill -TERM "$pid" 2>/dev/null || true   # nspawn asks the node's systemd to power off
    for _ in $(seq 1 60); do
        [ -d "/proc/$pid" ] || break
        sleep 0.5
    done
    if [ -d "/proc/$pid" ]; then
        note "node still up after 30 s: SIGKILL $pid"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 1
    fi
fi
if ip netns list | awk '{print $1}' | grep -qx "$NODE_NETNS"; then
    note "deleting network namespace $NODE_NETNS"
    ip netns del "$NODE_NETNS"
fi
if ip link show "$NODE_VETH" >/dev/null 2>&1; then
    note "deleting veth $NODE_VETH"
    ip link del "$NODE_VETH"
fi
if [ -d "$NODE_DIR" ]; then
    for mnt in $(_mounts_under "$NODE_DIR"); do
        umount "$mnt" 2>/dev/null || umount -l "$mnt" || true
    done
    note "removing $NODE_DIR"
    rm -rf --one-file-system -- "$NODE_DIR"
fi
rm -f -- "$SANDBOX_DIR/sandbox.log" "$SANDBOX_DIR/floor.log"
if [ "${1:-}" = --all ] && [ -d "$SANDBOX_DIR" ]; then
    note "removing $SANDBOX_DIR (cached image included)"
    rm -rf --one-file-system -- "$SANDBOX_DIR"
fi
note "sandbox clean"
