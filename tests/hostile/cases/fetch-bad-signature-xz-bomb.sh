# shellcheck shell=bash disable=SC2034 # expect, case_run and case_check are read by the runner
# fetch-bad-signature-xz-bomb (issue 12 item 9): an InRelease whose signature does not verify
# names a Packages.xz that is an xz bomb (1400 MiB of zeros in about 210 KB). The build stops at
# the signature (exit 5) under a 300 MB heap, without fetching, decompressing or caching the
# bomb. Before the fix the bomb was fetched and decompressed: OutOfMemoryError, exit 1.
. "$ROOT/tests/hostile/cases/fetch-good-mirror.sh"

expect=5

case_run() {
    fetch_mirror || return 90
    local bin=$WORK/mirror/dists/$FETCH_SUITE/main/binary-amd64
    fetch_bomb "$bin/Packages.xz" || return 90
    rm -f "$bin/Packages"
    fetch_release || return 90
    sed -i 's/^Origin: Hostile$/Origin: Hostilf/' "$WORK/mirror/dists/$FETCH_SUITE/InRelease" || return 90
    fetch_serve || return 91
    local rc=0
    fetch_build "$WORK/out" -Xmx300m || rc=$?
    fetch_stop
    grep -q 'InRelease' "$WORK/build.log" || { cat "$WORK/build.log"; return 97; }
    return "$rc"
}

case_check() {
    fetch_nothing_left || return 1
    if grep -q 'Packages' "$WORK/requests.log"; then
        echo "an index was fetched before the signature was checked"; return 1
    fi
    if [ -d "$WORK/cache/sha256" ] && [ -n "$(find "$WORK/cache/sha256" -type f -print -quit)" ]; then
        echo "something was cached"; return 1
    fi
    ! grep -q OutOfMemoryError "$WORK/build.log"
}
