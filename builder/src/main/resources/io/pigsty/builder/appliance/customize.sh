#!/bin/sh
# customize.sh ROOT: the mmdebstrap --customize-hook of `pigsty image rootfs`. Runs on the build
# host (mmdebstrap --mode=root, inside `unshare --net`) after every package is installed, before
# mmdebstrap's own clean-up and the tarball; ROOT is the new root file system. Paths come in the
# environment (PIGSTY_ROOTFS_*), so nothing here is quoted into a command line.
# Prints `pigsty-rootfs: KEY=VALUE` lines that the Java side reads; exits non-zero on any failure.
set -eu
root=$1
say() { printf 'pigsty-rootfs: %s\n' "$*"; }

# 1. no daemon may have been started by a maintainer script (mmdebstrap's policy-rc.d answers
#    101 during the build, and systemctl does not start units in a chroot): look for any process
#    whose root directory is the new root
for p in /proc/[0-9]*; do
    if [ "$(readlink "$p/root" 2>/dev/null || true)" = "$root" ]; then
        echo "customize: process ${p#/proc/} ($(cat "$p/comm" 2>/dev/null)) runs inside the new root" >&2
        exit 1
    fi
done

# 2. the bundle repository was bind-mounted at its host path by the file-mirror-automount hook,
#    whose customize00.sh (run before this) unmounts it; remove the empty directories it made,
#    deepest first, up to the first one a package owns (e.g. /tmp)
if mountpoint -q "$root$PIGSTY_ROOTFS_REPO"; then
    echo "customize: $root$PIGSTY_ROOTFS_REPO is still mounted" >&2
    exit 1
fi
d=$PIGSTY_ROOTFS_REPO
while [ "$d" != / ] && [ -d "$root$d" ]; do
    if chroot "$root" dpkg-query -S "$d" >/dev/null 2>&1; then break; fi
    rmdir "$root$d" 2>/dev/null || break
    d=$(dirname "$d")
done

# 3. the release in /root/pigsty and the bundle beside its configure (ReleaseCheck has already
#    refused a release without pigsty/Makefile or with entries outside pigsty/)
mkdir -p "$root/root"
chmod 0700 "$root/root"
tar -xzf "$PIGSTY_ROOTFS_RELEASE" -C "$root/root" --no-same-owner
cp "$PIGSTY_ROOTFS_BUNDLE" "$root/root/pigsty/$PIGSTY_ROOTFS_BUNDLE_NAME"
chmod 0600 "$root/root/pigsty/$PIGSTY_ROOTFS_BUNDLE_NAME"
if [ -n "${PIGSTY_ROOTFS_AUTHORIZED_KEYS:-}" ]; then
    install -d -m 0700 "$root/root/.ssh"
    install -m 0600 "$PIGSTY_ROOTFS_AUTHORIZED_KEYS" "$root/root/.ssh/authorized_keys"
fi

# 4. apt: mmdebstrap left the build's file:// source (a host path); ./configure writes the real one
printf '%s\n' "# No source until ./configure in /root/pigsty writes sources.list.d/pigsty-local.sources" \
    >"$root/etc/apt/sources.list"

# 5. identity: hostname, hosts, no host resolver, a new machine-id and SSH host keys per machine
printf '%s\n' "$PIGSTY_ROOTFS_HOSTNAME" >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
    "$PIGSTY_ROOTFS_HOSTNAME" >"$root/etc/hosts"
rm -f "$root/etc/resolv.conf"
: >"$root/etc/resolv.conf"
: >"$root/etc/machine-id"          # empty: systemd makes one at first boot (machine-id(5))
rm -f "$root"/etc/ssh/ssh_host_*_key "$root"/etc/ssh/ssh_host_*_key.pub
cat >"$root/etc/systemd/system/pigsty-ssh-hostkeys.service" <<'UNIT'
# Written by `pigsty image rootfs`: every machine made from the image gets its own SSH host keys.
[Unit]
Description=Generate the SSH host keys of this machine
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=ssh.service
UNIT
mkdir -p "$root/etc/systemd/system/ssh.service.wants"
ln -sf /etc/systemd/system/pigsty-ssh-hostkeys.service \
    "$root/etc/systemd/system/ssh.service.wants/pigsty-ssh-hostkeys.service"

# 6. what is in it
say "installed=$(chroot "$root" dpkg-query -W -f='${db:Status-Abbrev}\n' | grep -c '^ii')"
