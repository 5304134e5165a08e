# shellcheck shell=bash disable=SC2034 # expect, case_run and case_check are read by the runner
# fetch-packages-sha-mismatch (issue 12 item 9): the mirror serves a Packages.xz of the size the
# signed Release gives but another SHA256 (one byte flipped). The download is refused (exit 4,
# naming Packages.xz) before anything is decompressed, and nothing is cached or written.
. "$ROOT/tests/hostile/cases/fetch-good-mirror.sh"

expect=4

case_run() {
    fetch_mirror || return 90
    python3 - "$WORK/mirror/dists/$FETCH_SUITE/main/binary-amd64/Packages.xz" <<'PY' || return 90
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 1
open(p, "wb").write(b)
PY
    fetch_serve || return 91
    local rc=0
    fetch_build "$WORK/out" -Xmx300m || rc=$?
    fetch_stop
    grep -q 'Packages.xz.*SHA256 mismatch' "$WORK/build.log" || { cat "$WORK/build.log"; return 97; }
    return "$rc"
}

case_check() {
    fetch_nothing_left || return 1
    if [ -d "$WORK/cache/sha256" ] && [ -n "$(find "$WORK/cache/sha256" -type f -print -quit)" ]; then
        echo "the bad index was cached"; return 1
    fi
    return 0
}
