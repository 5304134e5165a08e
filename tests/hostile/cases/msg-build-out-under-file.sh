# shellcheck shell=bash disable=SC2034
# item 17: -o below a regular file: "Not a directory", exit 9, before any download
expect=9
case_run() {
    tiny_def
    serve 404 "$WORK" || return 99
    printf 'x\n' >"$WORK/file"
    pigsty build "$WORK/def/d12.yml" -o "$WORK/file/out" --mirror "$SERVER_URL/debian" \
        --cache "$WORK/cache" --key-dir "$SHARED/key"
}
case_check() {
    grep -q "file/out: Not a directory" "$CASE_ERR" && [ ! -s "$WORK/server.log" ]
}
