# shellcheck shell=bash disable=SC2034 # expect, case_run and case_check are read by the runner
# fetch-xz-larger-than-signed (issue 12 item 9): the mirror serves a Packages.xz 1 MiB longer
# than the size the signed Release gives. The download is cut at that size and refused (exit 4,
# "expected N bytes"); nothing is decompressed, cached or written.
. "$ROOT/tests/hostile/cases/fetch-good-mirror.sh"

expect=4

case_run() {
    fetch_mirror || return 90
    head -c 1M /dev/urandom >>"$WORK/mirror/dists/$FETCH_SUITE/main/binary-amd64/Packages.xz" || return 90
    fetch_serve || return 91
    local rc=0
    fetch_build "$WORK/out" -Xmx300m || rc=$?
    fetch_stop
    grep -q 'Packages.xz: expected [0-9]* bytes' "$WORK/build.log" || { cat "$WORK/build.log"; return 97; }
    return "$rc"
}

case_check() {
    fetch_nothing_left || return 1
    if [ -d "$WORK/cache/sha256" ] && [ -n "$(find "$WORK/cache/sha256" -type f -print -quit)" ]; then
        echo "something was cached"; return 1
    fi
    return 0
}
