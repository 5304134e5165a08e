# shellcheck shell=bash
# sandbox-node.sh: the booted air-gapped node of `make sandbox` (sourced by sandbox*.sh).
#
# Everything lives under one prefix, ${PIGSTY_SANDBOX_DIR:-/var/lib/pigsty-sandbox}:
#   image/node-CODENAME.tar   cached node image of the bundle's release (minbase + systemd, dbus,
#                             sshd, sudo, iproute2): node-bookworm.tar, node-trixie.tar
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
NODE_PACKAGES=systemd,systemd-sysv,dbus,openssh-server,sudo,iproute2,ca-certificates

# node_target BUNDLE_TGZ: what the node must be for this bundle, from its signed manifest.json
# (written by `pigsty build` from the definition): NODE_CODENAME (target.codename), NODE_PG_MAJOR
# (definition.pg_major), NODE_SOURCES (one "deb URL SUITE COMPONENT..." line per upstream: the
# archive the bundle was built from, so the node is the same release at the same point) and
# NODE_IMAGE, its cached image. A fresh OS of the bundle's release, as a user's would be.
node_target() {
    local vars
    vars=$(tar -xzOf "$1" pigsty/manifest.json | python3 -c '
import json, shlex, sys
m = json.load(sys.stdin)
code = m["target"]["codename"]
if not code.isalpha() or not code.islower():
    sys.exit("target.codename %r is not a codename" % code)
lines = []
for u in m["upstreams"]:
    comps = sorted({i["path"].split("/")[0] for i in u["indexes"]})
    lines.append(" ".join(["deb", u["url"], u["suite"]] + comps))
print("NODE_CODENAME=" + shlex.quote(code))
print("NODE_PG_MAJOR=" + shlex.quote(str(int(m["definition"]["pg_major"]))))
print("NODE_SOURCES=" + shlex.quote("\n".join(lines)))
') || die "cannot read the target of $1 (pigsty/manifest.json)"
    eval "$vars"
    NODE_IMAGE=$SANDBOX_DIR/image/node-$NODE_CODENAME.tar
}

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

# node_stop: stop the node's systemd-nspawn by its recorded PID (TERM asks the node's systemd
# to power off; KILL after 30 s), delete its netns and host veth. Never fails; safe when
# nothing exists. Leaves the node's directory to the caller.
node_stop() {
    local pid
    pid=$(nspawn_pid)
    if [ -n "$pid" ]; then
        note "stopping the $NODE_NAME node (systemd-nspawn PID $pid)"
        kill -TERM "$pid" 2>/dev/null || true
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
        ip netns del "$NODE_NETNS" || true
    fi
    if ip link show "$NODE_VETH" >/dev/null 2>&1; then
        note "deleting veth $NODE_VETH"
        ip link del "$NODE_VETH" || true
    fi
}

# node_remove DIR: unmount anything below DIR and remove it (never crossing file systems).
node_remove() {
    local mnt
    [ -d "$1" ] || return 0
    for mnt in $(_mounts_under "$1"); do
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
    done
    note "removing $1"
    rm -rf --one-file-system -- "$1"
}

# node_net_up: the netns with the node end of a veth (eth0, $NODE_IP/24, lo up) and the host
# end ($NODE_VETH, $HOST_IP/24). No route is added: the node reaches the host and nothing else.
node_net_up() {
    ip netns add "$NODE_NETNS"
    ip link add "$NODE_VETH" type veth peer name eth0 netns "$NODE_NETNS"
    ip addr add "$HOST_IP/24" dev "$NODE_VETH"
    ip link set "$NODE_VETH" up
    ip -n "$NODE_NETNS" addr add "$NODE_IP/24" dev eth0
    ip -n "$NODE_NETNS" link set eth0 up
    ip -n "$NODE_NETNS" link set lo up
}

# node_boot TRIES: boot $NODE_ROOT with systemd-nspawn in the netns and wait, TRIES times half a
# second, until systemd reports running or degraded; set BOOT_STATE to that, else print the
# end of the nspawn log and die.
node_boot() {
    BOOT_STATE=""
    # CAP_NET_ADMIN as root has it on a real node (nspawn keeps it only with a network it makes
    # itself): vip-manager adds the VIP to eth0; it acts on the node's own netns only
    setsid systemd-nspawn -q -b -D "$NODE_ROOT" --register=no --keep-unit --console=passive \
        --network-namespace-path="/run/netns/$NODE_NETNS" --capability=CAP_NET_ADMIN -M "$NODE_NAME" \
        >"$NODE_DIR/nspawn.log" 2>&1 </dev/null &
    echo $! >"$NODE_PIDFILE"
    for _ in $(seq 1 "$1"); do
        if node_leader >/dev/null 2>&1; then
            BOOT_STATE=$(in_node systemctl is-system-running 2>/dev/null || true)
            case $BOOT_STATE in running|degraded) return 0 ;; esac
        fi
        sleep 0.5
    done
    tail -n 20 "$NODE_DIR/nspawn.log" >&2
    die "the $NODE_NAME node did not boot (state '$BOOT_STATE')"
}

# node_image: build the cached node image tarball of node_target's release with mmdebstrap (its
# suites from NODE_SOURCES, checked by apt against the host's archive keys) when it is missing.
node_image() {
    local tmp t0 sources=()
    [ -n "${NODE_IMAGE:-}" ] || die "node_image: call node_target BUNDLE first"
    [ -s "$NODE_IMAGE" ] && return 0
    mkdir -p "$SANDBOX_DIR/image"
    mapfile -t sources <<<"$NODE_SOURCES"
    tmp=$NODE_IMAGE.tmp.$$
    note "building the node image $NODE_IMAGE (one time): ${sources[*]}"
    t0=$(now)
    mmdebstrap -q --variant=minbase --include="$NODE_PACKAGES" --format=tar "$NODE_CODENAME" "$tmp" \
        "${sources[@]}" ||
        { rm -f "$tmp"; die "mmdebstrap of the $NODE_CODENAME node image failed"; }
    mv -f "$tmp" "$NODE_IMAGE"
    note "node image built in $(elapsed "$t0" "$(now)") s ($(du -h "$NODE_IMAGE" | cut -f1))"
}
