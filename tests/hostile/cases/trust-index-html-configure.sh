# shellcheck shell=bash disable=SC2034
# item 4: the same bundle never reaches /www/pigsty (exit 26, nothing touched)
expect=26
case_run() {
    node_setup
    good_copy
    printf '<html></html>\n' >"$WORK/b/pigsty/index.html"
    resign "$WORK/b"
    pack "$WORK/b" "$WORK/b.tgz"
    conf -p "$WORK/b.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    node_unchanged
}
