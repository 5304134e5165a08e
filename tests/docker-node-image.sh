#!/bin/bash
# docker-node-image.sh: the node image of the multi-node sandbox, `pigsty-node:bookworm`, built
# locally (no registry is reachable) and rebuilt only when this script changes.
#
# mmdebstrap builds a bookworm minbase root with the packages below from the host's own apt
# sources (archive_uri in sandbox-lib.sh), plus:
#   - pigsty-sandbox-node.service, a boot-time oneshot that deletes the default route the engine
#     gives every container (`ip route del default`; needs NET_ADMIN), sets
#     net.ipv4.ip_forward=0 when /proc/sys/net is writable (the driver also sets it as a
#     container sysctl), and makes the SSH host keys on a node's first boot (`ssh-keygen -A`),
#     so every node has its own and keeps them across restarts;
#   - sshd enabled, root login by key only, no passwords;
#   - an empty /root/.ssh (0700).
# The tarball is cached as ${PIGSTY_SANDBOX_DIR:-/var/lib/pigsty-sandbox}/docker/node-bookworm-HASH.tar
# and `docker import`ed with the label io.pigsty.sandbox.hash=HASH, HASH being the SHA-256 of
# the package list and the setup function `customize` (as bash prints it). Nothing is done when the image carries
# the current hash; tarballs of other hashes are removed.
# Output: progress on stderr; figures as key=value on stdout.
set -eu
HERE=$(dirname "$(readlink -f "$0")")
SELF=$(readlink -f "$0")
# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$HERE/sandbox-lib.sh"

IMAGE=${PIGSTY_NODE_IMAGE:-pigsty-node:bookworm}
PACKAGES=systemd,systemd-sysv,dbus,openssh-server,sudo,iproute2,ca-certificates,python3,procps,iputils-arping
LABEL=io.pigsty.sandbox.hash

# customize ROOT: the setup inside the root, run by mmdebstrap's customize hook.
customize() {
    local root=$1
    cat >"$root/etc/systemd/system/pigsty-sandbox-node.service" <<'UNIT'
[Unit]
Description=Pigsty sandbox node: no route out, no forwarding, own SSH host keys
DefaultDependencies=no
After=local-fs.target
Before=network.target ssh.service
Wants=network.target

[Service]
Type=oneshot
RemainAfterExit=yes
# the engine gives every node `default via 10.10.10.1` even on an internal network
ExecStart=/bin/sh -c 'while ip route show default | grep -q .; do ip route del default || exit 1; done'
# nodes inherit forwarding from the host; /proc/sys is read-only in most engines: then the
# container's own sysctl (set at creation) is what holds
ExecStart=/bin/sh -c 'if [ -w /proc/sys/net/ipv4/ip_forward ]; then echo 0 >/proc/sys/net/ipv4/ip_forward; fi; test "$(cat /proc/sys/net/ipv4/ip_forward)" = 0'
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=sysinit.target
UNIT
    mkdir -p "$root/etc/systemd/system/sysinit.target.wants"
    ln -sf ../pigsty-sandbox-node.service "$root/etc/systemd/system/sysinit.target.wants/pigsty-sandbox-node.service"
    rm -f "$root"/etc/ssh/ssh_host_*
    mkdir -p "$root/etc/ssh/sshd_config.d"
    cat >"$root/etc/ssh/sshd_config.d/pigsty-sandbox.conf" <<'SSHD'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
SSHD
    chroot "$root" systemctl enable ssh.service >/dev/null 2>&1 || die "cannot enable ssh.service"
    install -d -m 0700 "$root/root/.ssh"
    # a container has no consoles, udev or NVMe fabrics: these would only wait or fail (nvme-cli
    # comes with prometheus-node-exporter-collectors' recommends; its unit fails on a reboot)
    chroot "$root" systemctl mask getty@tty1.service console-getty.service systemd-udevd.service \
        systemd-udev-trigger.service systemd-modules-load.service nvmf-autoconnect.service \
        >/dev/null 2>&1 || true
    : >"$root/etc/machine-id"
}

if [ "${1:-}" = --customize ]; then
    customize "$2"
    exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap, docker)"
docker info >/dev/null 2>&1 || die "docker is not running (tests/docker-up.sh)"
HASH=$({ printf '%s\n' "$PACKAGES"; declare -f customize; } | sha256sum | cut -c1-16)
DIR=${PIGSTY_SANDBOX_DIR:-/var/lib/pigsty-sandbox}/docker
TAR=$DIR/node-bookworm-$HASH.tar

have=$(docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$IMAGE" 2>/dev/null || true)
if [ "$have" = "$HASH" ]; then
    note "$IMAGE is current ($LABEL=$HASH)"
    printf 'node_image_build_seconds=0\n'
    exit 0
fi

ensure_tools
mkdir -p "$DIR"
T0=$(now)
if [ ! -s "$TAR" ]; then
    main=$(archive_uri bookworm) || exit 1
    upd=$(archive_uri bookworm-updates) || exit 1
    sec=$(archive_uri bookworm-security) || exit 1
    tmp=$TAR.tmp.$$
    trap 'rm -f -- "$tmp"' EXIT
    note "building $TAR with mmdebstrap ($PACKAGES)"
    mmdebstrap -q --variant=minbase --include="$PACKAGES" --format=tar \
        --customize-hook="bash '$SELF' --customize \"\$1\"" bookworm "$tmp" \
        "deb $main bookworm main" "deb $upd bookworm-updates main" "deb $sec bookworm-security main" ||
        die "mmdebstrap of the node image failed"
    mv -f -- "$tmp" "$TAR"
    trap - EXIT
    printf 'node_image_mmdebstrap_seconds=%s\n' "$(elapsed "$T0" "$(now)")"
fi
for old in "$DIR"/node-bookworm-*.tar; do
    [ "$old" = "$TAR" ] || rm -f -- "$old"
done
T1=$(now)
docker import \
    --change "LABEL $LABEL=$HASH" \
    --change 'ENV container=docker' \
    --change 'CMD ["/lib/systemd/systemd"]' \
    "$TAR" "$IMAGE" >/dev/null || die "docker import of $TAR failed"
printf 'node_image_import_seconds=%s\n' "$(elapsed "$T1" "$(now)")"
printf 'node_image_build_seconds=%s\n' "$(elapsed "$T0" "$(now)")"
note "$IMAGE imported ($LABEL=$HASH, $(du -h "$TAR" | cut -f1) tarball)"
