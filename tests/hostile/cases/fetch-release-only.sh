# shellcheck shell=bash disable=SC2034 # expect, case_run and case_check are read by the runner
# fetch-release-only (issue 12 item 17): a mirror with Release and Release.gpg but no InRelease
# (404). The build says "no signed InRelease at URL for suite 'hostile'", not a bare HTTP 404,
# and exits 4 (a download problem), leaving nothing.
. "$ROOT/tests/hostile/cases/fetch-good-mirror.sh"

expect=4

case_run() {
    fetch_mirror || return 90
    local d=$WORK/mirror/dists/$FETCH_SUITE
    gpg --batch --quiet --yes --armor --detach-sign -o "$d/Release.gpg" "$d/Release" 2>/dev/null || return 90
    rm -f "$d/InRelease"
    fetch_serve || return 91
    local rc=0
    fetch_build "$WORK/out" || rc=$?
    fetch_stop
    grep -qF "no signed InRelease at http://127.0.0.1:$FETCH_PORT/dists/$FETCH_SUITE/InRelease for suite '$FETCH_SUITE' (HTTP 404)" \
        "$WORK/build.log" || { cat "$WORK/build.log"; return 97; }
    return "$rc"
}

case_check() {
    fetch_nothing_left
}
