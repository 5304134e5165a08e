# shellcheck shell=bash disable=SC2034
# loopback mirror: every URL is 404 Not Found: the build fails naming the URL (exit 4) and leaves no output
expect=4
case_run() {
    tiny_def
    serve 404 "$WORK" || return 99
    build_from "$SERVER_URL/debian"
}
case_check() {
    grep -q "127.0.0.1" "$CASE_ERR" && grep -q "404" "$CASE_ERR" && [ ! -e "$WORK/out" ] &&
        ! grep -q "OutOfMemory" "$CASE_ERR" &&
        [ -z "$(find "$WORK/cache" -name '*.part' -o -name '*.tmp' 2>/dev/null)" ]
}
