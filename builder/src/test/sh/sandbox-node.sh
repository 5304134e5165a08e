# shellcheck shell=bash
# sandbox-node.sh: the booted air-gapped node of `make sandbox` (sourced by sandbox*.sh).
#
# Everything lives under one prefix, ${PIGSTY_SANDBOX_DIR:-/var/lib/pigsty-sandbox}:
#   image/node-bookworm.tar   cached node image (minbase + systemd, dbus, sshd, sudo, iproute2)
#   meta/rootfs               the node's root file system
#   meta/nspawn.pid           PID of its systemd-nspawn process; meta/nspawn.log its output
# and two kernel objects named after it: network namespace `pigsty-meta` (node 10.10.10.10/24)
# and the host end of its veth pair, `pigsty-meta` (10.10.10.1/24). No route, address or NAT
# is added anywhere else; the namespace has no default route, so the node has no internet.

SANDBOX_DIR=${PIGSTY_SANDBOX_DIR:-/var/lib/pigsty-sandbox}
NODE_NAME=meta
NODE_DIR=$SANDBOX_DIR/$NODE_NAME
NODE_ROOT=$NODE_DIR/rootfs
NODE_PIDFILE=$NODE_DIR/nspawn.pid
NODE_NETNS=pigsty-meta
NODE_VETH=pigsty-meta
NODE_IP=10.10.10.10
HOST_IP=10.10.10.1
NODE_IMAGE=$SANDBOX_DIR/image/node-bookworm.tar
NODE_PACKAGES=systemd,systemd-sysv,dbus,openssh-server,sudo,iproute2,ca-certificates

# nspawn_pid: print the PID of the node's systemd-nspawn when it runs, else nothing.
nspawn_pid() {
    local pid
    [ -f "$NODE_PIDFILE" ] || return 0
    pid=$(cat "$NODE_PIDFILE")
    [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd-nspawn ] &&
        printf '%s\n' "$pid"
    return 0
}

# node_leader: print the PID of systemd (PID 1) inside the node: the grandchild of nspawn.
node_leader() {
    local pid child
    pid=$(nspawn_pid)
    [ -n "$pid" ] || return 1
    child=$(pgrep -P "$pid" | head -1)
    [ -n "$child" ] || return 1
    if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ]; then
        printf '%s\n' "$child"
        return 0
    fi
    pgrep -P "$child" | head -1
}

# in_node CMD...: run CMD as root inside the booted node (all its namespaces, its root).
in_node() {
    local leader
    leader=$(node_leader) || die "the sandbox node is not running (make sandbox)"
    nsenter -t "$leader" -a -r -w env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        TERM=dumb "$@"
}

# node_image: build the cached node image tarball with mmdebstrap when it is missing.
node_image() {
    local main upd sec tmp t0
    [ -s "$NODE_IMAGE" ] && return 0
    mkdir -p "$SANDBOX_DIR/image"
    main=$(archive_uri bookworm) || exit 1
    upd=$(archive_uri bookworm-updates) || exit 1
    sec=$(archive_uri bookworm-security) || exit 1
    tmp=$NODE_IMAGE.tmp.$$
    note "building the node image $NODE_IMAGE (one time)"
    t0=$(now)
    mmdebstrap -q --variant=minbase --include="$NODE_PACKAGES" --format=tar bookworm "$tmp" \
        "deb $main bookworm main" "deb $upd bookworm-updates main" "deb $sec bookworm-security main" ||
        { rm -f "$tmp"; die "mmdebstrap of the node image failed"; }
    mv -f "$tmp" "$NODE_IMAGE"
    note "node image built in $(elapsed "$t0" "$(now)") s ($(du -h "$NODE_IMAGE" | cut -f1))"
}
