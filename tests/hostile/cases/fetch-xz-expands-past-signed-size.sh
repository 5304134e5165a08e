# shellcheck shell=bash disable=SC2034 # expect, case_run and case_check are read by the runner
# fetch-xz-expands-past-signed-size (issue 12 item 9): a validly signed Release lists the real
# Packages (a few hundred bytes) and, with its true SHA256 and size, a Packages.xz that is a bomb
# (1400 MiB of zeros). Decompression stops one byte past the signed Packages size: exit 6 under
# a 300 MB heap, quickly. Before the fix it decompressed everything: OutOfMemoryError, exit 1.
. "$ROOT/tests/hostile/cases/fetch-good-mirror.sh"

expect=6

case_run() {
    fetch_mirror || return 90
    fetch_bomb "$WORK/mirror/dists/$FETCH_SUITE/main/binary-amd64/Packages.xz" || return 90
    fetch_release || return 90
    fetch_serve || return 91
    local rc=0
    fetch_build "$WORK/out" -Xmx300m || rc=$?
    fetch_stop
    grep -q 'Packages.xz: decompresses to more than [0-9]* bytes, the size of main/binary-amd64/Packages' \
        "$WORK/build.log" || { cat "$WORK/build.log"; return 97; }
    return "$rc"
}

case_check() {
    fetch_nothing_left || return 1
    ! grep -q OutOfMemoryError "$WORK/build.log"
}
