# shellcheck shell=bash disable=SC2034 # expect, case_run and case_check are read by the runner
# fetch-corrupted-cache-entry (issue 12 item 12): after a good build, the content-cache entry of
# the .deb is edited in place (same size, one byte flipped). A fresh build into another directory
# notices (the SHA256 is computed again), fetches the .deb again and exits 0 with a bundle that
# passes `pigsty verify`; the cache entry is whole again. Before the fix the entry was trusted by
# its size and the bundle failed verify.
. "$ROOT/tests/hostile/cases/fetch-good-mirror.sh"

expect=0

case_run() {
    fetch_mirror || return 90
    fetch_serve || return 91
    local rc=0 deb sha
    deb=$WORK/mirror/pool/main/h/hostile-hello/$FETCH_DEB
    sha=$(sha256sum "$deb" | cut -d' ' -f1)
    fetch_build "$WORK/out1" || rc=$?
    if [ "$rc" = 0 ]; then
        python3 - "$WORK/cache/sha256/${sha:0:2}/$sha" <<'PY' || rc=90
import sys
p = sys.argv[1]
with open(p, "r+b") as f:  # in place: same inode, same size
    f.seek(100)
    b = f.read(1)
    f.seek(100)
    f.write(bytes([b[0] ^ 1]))
PY
    fi
    [ "$rc" = 0 ] && { fetch_build "$WORK/out2" || rc=$?; }
    fetch_stop
    [ "$rc" = 0 ] || { cat "$WORK/build.log"; return "$rc"; }
    java -jar "$JAR" verify "$WORK/out2/pigsty-pkg-1.0.d12.amd64.tgz" >"$WORK/verify.log" 2>&1
}

case_check() {
    local deb sha
    deb=$WORK/mirror/pool/main/h/hostile-hello/$FETCH_DEB
    sha=$(sha256sum "$deb" | cut -d' ' -f1)
    [ "$(sha256sum "$WORK/cache/sha256/${sha:0:2}/$sha" | cut -d' ' -f1)" = "$sha" ] ||
        { echo "the cache entry is still damaged"; return 1; }
    [ "$(grep -c "GET /pool/.*$FETCH_DEB" "$WORK/requests.log")" = 2 ] ||
        { echo "the .deb was not fetched again"; return 1; }
    [ -z "$(find "$WORK/cache" \( -name '*.part' -o -name '.*.tmp' \) -print -quit)" ]
}
