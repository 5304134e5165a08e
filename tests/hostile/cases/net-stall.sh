# shellcheck shell=bash disable=SC2034
# item 10: a mirror that sends headers and 10 bytes of InRelease, then nothing, the connection
# held open: each attempt gives up after the idle read timeout (60 s; 2 s here, the hidden
# --read-timeout) and the build fails naming the URL and the timeout (exit 4) instead of hanging
expect=4
case_run() {
    tiny_def
    serve stall "$WORK" || return 99
    build_from "$SERVER_URL/debian" --read-timeout 2
}
case_check() {
    grep -q "127.0.0.1" "$CASE_ERR" && grep -q "no data for 2" "$CASE_ERR" && [ ! -e "$WORK/out" ]
}
