# shellcheck shell=bash disable=SC2034
# item 17: an output directory nobody may write (immutable: root too) fails at the start with
# the reason, before any download: the mirror's server sees no request
expect=9
case_run() {
    tiny_def
    serve 404 "$WORK" || return 99
    mkdir "$WORK/out"
    chattr +i "$WORK/out" || return 98
    build_from "$SERVER_URL/debian"
}
case_check() {
    chattr -i "$WORK/out"
    grep -q "out: Operation not permitted\|out: Permission denied" "$CASE_ERR" &&
        grep -q -- "-o/--out" "$CASE_ERR" && [ ! -s "$WORK/server.log" ] &&
        [ -z "$(ls -A "$WORK/out")" ]
}
