# shellcheck shell=bash disable=SC2034
# loopback mirror: an HTML page instead of InRelease (no signature): the build fails naming the URL (exit 5) and leaves no output
expect=5
case_run() {
    tiny_def
    serve html "$WORK" || return 99
    build_from "$SERVER_URL/debian"
}
case_check() {
    grep -q "127.0.0.1" "$CASE_ERR" && grep -q "InRelease" "$CASE_ERR" && [ ! -e "$WORK/out" ] &&
        ! grep -q "OutOfMemory" "$CASE_ERR" &&
        [ -z "$(find "$WORK/cache" -name '*.part' -o -name '*.tmp' 2>/dev/null)" ]
}
