# shellcheck shell=bash disable=SC2034
# item 13: .part and .tmp files that a killed run left in the cache are removed by the next run
# (this one fails at once: the mirror answers 404)
expect=4
case_run() {
    tiny_def
    mkdir -p "$WORK/cache/sha256/ab"
    : >"$WORK/cache/sha256/ab/abcd.part"
    : >"$WORK/cache/sha256/ab/.abcd.tmp"
    touch -d '2 hours ago' "$WORK/cache/sha256/ab/abcd.part" "$WORK/cache/sha256/ab/.abcd.tmp"
    serve 404 "$WORK" || return 99
    build_from "$SERVER_URL/debian"
}
case_check() {
    [ -z "$(find "$WORK/cache" -name '*.part' -o -name '*.tmp')" ] && [ ! -e "$WORK/out" ]
}
