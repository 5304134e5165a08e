# shellcheck shell=bash disable=SC2034 # expect, case_run and case_check are read by the runner
# fetch-output-edited-rebuild (issue 12 item 12): after a good build, the output's .deb is edited
# in place. The content cache is untouched (outputs are copies, not hard links), and a rebuild
# into the same directory is not "up to date": it puts the right .deb back, and the bundle
# verifies.
. "$ROOT/tests/hostile/cases/fetch-good-mirror.sh"

expect=0

case_run() {
    fetch_mirror || return 90
    fetch_serve || return 91
    local rc=0
    fetch_build "$WORK/out" || rc=$?
    if [ "$rc" = 0 ]; then
        python3 - "$WORK/out/d12/pigsty/$FETCH_DEB" <<'PY' || rc=90
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(100)
    b = f.read(1)
    f.seek(100)
    f.write(bytes([b[0] ^ 1]))
PY
    fi
    [ "$rc" = 0 ] && { fetch_build "$WORK/out" || rc=$?; }
    fetch_stop
    [ "$rc" = 0 ] || { cat "$WORK/build.log"; return "$rc"; }
    if grep -q 'up to date' "$WORK/build.log"; then
        echo "the rebuild said up to date"; return 98
    fi
    java -jar "$JAR" verify "$WORK/out/pigsty-pkg-1.0.d12.amd64.tgz" >"$WORK/verify.log" 2>&1
}

case_check() {
    local deb sha
    deb=$WORK/mirror/pool/main/h/hostile-hello/$FETCH_DEB
    sha=$(sha256sum "$deb" | cut -d' ' -f1)
    cmp -s "$deb" "$WORK/out/d12/pigsty/$FETCH_DEB" || { echo "the output .deb is still edited"; return 1; }
    [ "$(sha256sum "$WORK/cache/sha256/${sha:0:2}/$sha" | cut -d' ' -f1)" = "$sha" ] ||
        { echo "the cache entry was changed by the edit"; return 1; }
    [ "$(grep -c "GET /pool/.*$FETCH_DEB" "$WORK/requests.log")" = 1 ] ||
        { echo "the .deb was fetched again: the edit reached the cache"; return 1; }
    return 0
}
