# shellcheck shell=bash
# sandbox-lib.sh: throw-away Debian 12 minbase roots for the shell-level oracle tests.
#
# Source it from a bash script running as root with `set -eu`, then call sandbox_init once:
#
#   . "$(dirname "$0")/sandbox-lib.sh"
#   sandbox_init                 # installs the EXIT/INT/TERM trap that undoes everything below
#   ensure_tools
#   minbase_tar                  # sets MINBASE_TAR (cached, built once)
#   new_root check               # sets SANDBOX_ROOT to a fresh unpacked copy
#   in_root "$SANDBOX_ROOT" apt-get update            # network allowed
#   in_root_offline "$SANDBOX_ROOT" apt-get install   # `unshare --net`: no network at all
#
# Everything lives under ${PIGSTY_TEST_WORK:-/var/tmp/pigsty-test}; roots are named
# roots/<NAME>.<PID> so that two runs never share one. Commands run in a root through
# `unshare --mount --pid --fork --mount-proc=ROOT/proc chroot ROOT`: /proc is mounted in a
# private mount namespace and vanishes with it, so no mount outlives a command even on
# SIGKILL. The cleanup still unmounts anything found under a root before removing it, and
# removes with `rm --one-file-system`, so it can never descend into a host file system.
# Network use is limited to `apt-get update` / downloads from the host's own Debian archive;
# no route, address or NAT is ever added to any namespace (`unshare --net` is the air gap).

PIGSTY_TEST_WORK=${PIGSTY_TEST_WORK:-/var/tmp/pigsty-test}

# Paths this run created and must remove, newline-separated, in creation order.
_SANDBOX_MADE=""

# die MESSAGE...: print "FAIL: MESSAGE" on stderr and exit 1.
die() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# note MESSAGE...: progress line on stderr (stdout is kept for results).
note() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

# now: wall-clock seconds with microseconds (bash 5 EPOCHREALTIME).
now() {
    printf '%s\n' "$EPOCHREALTIME"
}

# elapsed START END: END - START in seconds, two decimals.
elapsed() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }'
}

# sandbox_track PATH: remember PATH (file or directory) for removal at exit.
sandbox_track() {
    _SANDBOX_MADE="${_SANDBOX_MADE}${1}
"
}

# _sandbox_untrack PATH: forget PATH (it was renamed into the cache and must stay).
_sandbox_untrack() {
    local keep="" line
    while IFS= read -r line; do
        [ -n "$line" ] && [ "$line" != "$1" ] && keep="${keep}${line}
"
    done <<EOF
$_SANDBOX_MADE
EOF
    _SANDBOX_MADE=$keep
}

# _mounts_under DIR: mount points at or below DIR, deepest first (from /proc/self/mountinfo).
_mounts_under() {
    awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# sandbox_cleanup: unmount and remove everything registered, newest first. Never fails the
# caller's exit status; leaves a path in place (with a warning) if it is still mounted.
sandbox_cleanup() {
    local paths path mnt
    paths=$(printf '%s' "$_SANDBOX_MADE" | sed '/^$/d' | tac)
    _SANDBOX_MADE=""
    [ -n "$paths" ] || return 0
    while IFS= read -r path; do
        [ -n "$path" ] || continue
        [ -e "$path" ] || [ -L "$path" ] || continue
        if [ -d "$path" ] && [ ! -L "$path" ]; then
            for mnt in $(_mounts_under "$path"); do
                umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null ||
                    printf 'WARN: could not unmount %s\n' "$mnt" >&2
            done
            if [ -n "$(_mounts_under "$path")" ]; then
                printf 'WARN: %s still has mounts; left in place\n' "$path" >&2
                continue
            fi
            rm -rf --one-file-system -- "$path"
        else
            rm -f -- "$path"
        fi
    done <<EOF
$paths
EOF
}

# _sandbox_on_exit: EXIT trap; cleans up and keeps the script's exit status.
_sandbox_on_exit() {
    local rc=$?
    trap - EXIT
    sandbox_cleanup
    exit "$rc"
}

# sandbox_init: create the work dir and install the cleanup trap. Call once, at top level.
sandbox_init() {
    [ "$(id -u)" = 0 ] || die "must run as root (chroot, unshare, mmdebstrap)"
    mkdir -p "$PIGSTY_TEST_WORK/roots"
    trap _sandbox_on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# ensure_tools: install mmdebstrap with apt-get when it is missing (apt-get update first
# when the package is not known yet). Also checks the util-linux tools used here.
ensure_tools() {
    local t
    if ! command -v mmdebstrap >/dev/null 2>&1; then
        note "installing mmdebstrap"
        if ! apt-cache show mmdebstrap >/dev/null 2>&1; then
            apt-get update -q >/dev/null || die "apt-get update failed on the host"
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap >/dev/null ||
            die "apt-get install mmdebstrap failed"
    fi
    for t in unshare chroot flock tar awk; do
        command -v "$t" >/dev/null 2>&1 || die "required tool '$t' not found"
    done
}

# archive_uri SUITE: print the first URI the host's apt sources use for SUITE with type deb.
# Reads /etc/apt/sources.list.d/*.sources (deb822), then /etc/apt/sources.list and
# /etc/apt/sources.list.d/*.list (one-line format); SANDBOX_APT_ETC overrides /etc/apt.
# Exits non-zero when none is found.
archive_uri() {
    local suite=$1 etc=${SANDBOX_APT_ETC:-/etc/apt} f uri
    for f in "$etc"/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk -v want="$suite" '
            function flush(   n, i, s, u) {
                if (enabled != "no" && (" " types " ") ~ / deb /) {
                    n = split(suites, s, /[ \t]+/)
                    for (i = 1; i <= n; i++)
                        if (s[i] == want) { split(uris, u, /[ \t]+/); print u[1]; found = 1; exit }
                }
                types = ""; uris = ""; suites = ""; enabled = ""; last = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]/ {            # continuation line of a multi-line field
                v = $0; sub(/^[ \t]+/, "", v)
                if (last == "types") types = types " " v
                else if (last == "uris") uris = uris " " v
                else if (last == "suites") suites = suites " " v
                next
            }
            {
                k = tolower($0); sub(/:.*/, "", k)
                v = $0; sub(/^[^:]*:[ \t]*/, "", v); sub(/[ \t]+$/, "", v)
                last = k
                if (k == "types") types = v
                else if (k == "uris") uris = v
                else if (k == "suites") suites = v
                else if (k == "enabled") enabled = tolower(v)
            }
            END { if (!found) flush() }
        ' "$f")
        if [ -n "$uri" ]; then printf '%s\n' "$uri"; return 0; fi
    done
    for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri=$(awk -v want="$suite" '
            $1 == "deb" {
                i = 2
                if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if ($(i + 1) == want) { print $i; exit }
            }
        ' "$f")
        if [ -n "$uri" ]; then printf '%s\n' "$uri"; return 0; fi
    done
    printf 'FAIL: no deb source for suite %s in %s/sources.list{,.d/*}\n' "$suite" "$etc" >&2
    return 1
}

# minbase_tar: set MINBASE_TAR to ${PIGSTY_TEST_WORK}/minbase-bookworm.tar, building it with
# mmdebstrap (variant minbase; bookworm, bookworm-updates, bookworm-security from the host's
# own archive URIs) when it is not cached yet. Concurrent runs serialise on a lock file.
minbase_tar() {
    local tar="$PIGSTY_TEST_WORK/minbase-bookworm.tar" tmp main upd sec t0
    MINBASE_TAR=$tar
    [ -f "$tar" ] && [ -s "$tar" ] && return 0
    main=$(archive_uri bookworm) || exit 1
    upd=$(archive_uri bookworm-updates) || exit 1
    sec=$(archive_uri bookworm-security) || exit 1
    exec 9>"$PIGSTY_TEST_WORK/minbase.lock"
    flock 9
    if [ ! -f "$tar" ] || [ ! -s "$tar" ]; then
        tmp="$PIGSTY_TEST_WORK/minbase-bookworm.tmp.$$.tar"
        sandbox_track "$tmp"
        note "building $tar (one time, ~30 s)"
        t0=$(now)
        mmdebstrap -q --variant=minbase --format=tar bookworm "$tmp" \
            "deb $main bookworm main" \
            "deb $upd bookworm-updates main" \
            "deb $sec bookworm-security main" || die "mmdebstrap of bookworm minbase failed"
        mv -f "$tmp" "$tar"
        _sandbox_untrack "$tmp"
        note "minbase built in $(elapsed "$t0" "$(now)") s"
    fi
    flock -u 9
    exec 9>&-
}

# new_root NAME: unpack a fresh copy of the minbase tarball to roots/NAME.PID under the work
# dir and set SANDBOX_ROOT to it. Call directly (not in $(...)) so the cleanup sees it.
new_root() {
    [ -n "${MINBASE_TAR:-}" ] || minbase_tar
    SANDBOX_ROOT="$PIGSTY_TEST_WORK/roots/$1.$$"
    [ ! -e "$SANDBOX_ROOT" ] || die "$SANDBOX_ROOT already exists"
    mkdir -p "$SANDBOX_ROOT"
    sandbox_track "$SANDBOX_ROOT"
    tar -xpf "$MINBASE_TAR" -C "$SANDBOX_ROOT" --numeric-owner ||
        die "cannot unpack $MINBASE_TAR into $SANDBOX_ROOT"
    # dpkg's terminal log wants a pty; the private /proc has no /dev/pts behind it
    printf 'Dpkg::Use-Pty "0";\n' >"$SANDBOX_ROOT/etc/apt/apt.conf.d/90pigsty-test-nopty"
}

# root_enable_dns ROOT: give ROOT the host's resolver configuration (for network use).
root_enable_dns() {
    rm -f "$1/etc/resolv.conf"
    cp /etc/resolv.conf "$1/etc/resolv.conf"
}

# root_forbid_services ROOT: install a policy-rc.d that forbids every service start
# (exit 101, "action forbidden by policy", per /usr/share/doc/init-system-helpers/README.policy-rc.d).
root_forbid_services() {
    printf '#!/bin/sh\nexit 101\n' >"$1/usr/sbin/policy-rc.d"
    chmod 0755 "$1/usr/sbin/policy-rc.d"
}

# in_root ROOT CMD...: run CMD chrooted into ROOT, with a private /proc and the host network.
in_root() {
    local root=$1
    shift
    unshare --mount --pid --fork --mount-proc="$root/proc" \
        chroot "$root" /usr/bin/env -i \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# in_root_offline ROOT CMD...: as in_root, in a new network namespace (loopback only, down).
in_root_offline() {
    local root=$1
    shift
    unshare --net --mount --pid --fork --mount-proc="$root/proc" \
        chroot "$root" /usr/bin/env -i \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
        DEBIAN_FRONTEND=noninteractive "$@"
}
