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

node_stop
node_remove "$NODE_DIR"
rm -f -- "$SANDBOX_DIR/sandbox.log" "$SANDBOX_DIR/floor.log"
if [ "${1:-}" = --all ] && [ -d "$SANDBOX_DIR" ]; then
    note "removing $SANDBOX_DIR (cached image included)"
    rm -rf --one-file-system -- "$SANDBOX_DIR"
fi
note "sandbox clean"
