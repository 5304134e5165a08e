#!/bin/bash
# bench-apt.sh REQUESTED_FILE CLOSURE_FILE: the apt side of `make bench`.
#
# REQUESTED_FILE: one package name a line (`pigsty resolve DEF --requested`).
# CLOSURE_FILE:   `pigsty resolve DEF` output (name<TAB>version<TAB>arch<TAB>suite) or plain
#                 names; only the first field of each line is used.
#
# In one fresh bookworm minbase root, after one untimed `apt-get update`:
#   apt_simulate_seconds   median of 3 timed `apt-get install --simulate -y <requested>`
#   apt_download_seconds   `apt-get download <closure names>` into an empty dir in the root,
#                          cold: `apt-get clean` first (archives and binary caches dropped)
#   apt_download_bytes     total size of the .deb files it fetched
#   apt_download_mb_per_s  bytes / 10^6 / seconds
# Printed as key=value lines on stdout; progress on stderr. Exit 1 when apt fails, 2 on usage.
# Needs root and the host's Debian archive; removes the root on exit.
set -eu

[ $# -eq 2 ] || { printf 'usage: %s REQUESTED_FILE CLOSURE_FILE\n' "${0##*/}" >&2; exit 2; }
for f in "$1" "$2"; do
    [ -s "$f" ] || { printf 'FAIL: empty or missing list: %s\n' "$f" >&2; exit 2; }
done

# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$(dirname "$(readlink -f "$0")")/sandbox-lib.sh"
sandbox_init
ensure_tools
mapfile -t REQUESTED < <(sed -e 's/[[:space:]]*$//' -e '/^$/d' "$1")

new_root bench
ROOT=$SANDBOX_ROOT
root_enable_dns "$ROOT"
awk '{ print $1 }' "$2" | sed '/^$/d' | sort -u >"$ROOT/tmp/closure.names"
CLOSURE_COUNT=$(wc -l <"$ROOT/tmp/closure.names")
in_root "$ROOT" apt-get update -q >/dev/null || die "apt-get update failed in $ROOT"

# --- simulate: median of 3 -----------------------------------------------------------------
times=()
for _ in 1 2 3; do
    t0=$(now)
    in_root "$ROOT" apt-get install --simulate -y "${REQUESTED[@]}" >"$ROOT/tmp/simulate.log" 2>&1 ||
        { tail -n 20 "$ROOT/tmp/simulate.log" >&2; die "apt-get install --simulate failed"; }
    times+=("$(elapsed "$t0" "$(now)")")
done
SIM=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
note "simulate runs: ${times[*]} s"
printf 'apt_simulate_seconds=%s\n' "$SIM"
printf 'apt_simulate_packages=%s\n' "$(grep -c '^Inst ' "$ROOT/tmp/simulate.log")"

# --- download of the closure, cold ---------------------------------------------------------
in_root "$ROOT" apt-get clean
mkdir "$ROOT/tmp/dl"
in_root "$ROOT" chown _apt /tmp/dl
t0=$(now)
in_root "$ROOT" sh -c 'cd /tmp/dl && xargs apt-get download -q </tmp/closure.names' \
    >"$ROOT/tmp/download.log" 2>&1 ||
    { tail -n 20 "$ROOT/tmp/download.log" >&2; die "apt-get download of the closure failed"; }
t1=$(now)
DL=$(elapsed "$t0" "$t1")
DEBS=$(find "$ROOT/tmp/dl" -maxdepth 1 -name '*.deb' | wc -l)
[ "$DEBS" -eq "$CLOSURE_COUNT" ] ||
    die "apt-get download fetched $DEBS .debs for $CLOSURE_COUNT closure names"
BYTES=$(find "$ROOT/tmp/dl" -maxdepth 1 -name '*.deb' -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }')
printf 'apt_download_packages=%s\n' "$DEBS"
printf 'apt_download_seconds=%s\n' "$DL"
printf 'apt_download_bytes=%s\n' "$BYTES"
awk -v b="$BYTES" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "apt_download_mb_per_s=%.2f\n", b / 1e6 / (t1 - t0) }'
