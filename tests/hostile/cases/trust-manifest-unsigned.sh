# shellcheck shell=bash disable=SC2034
# item 4: a manifest without its signature is refused
expect=8
case_run() {
    good_copy
    rm "$WORK/b/pigsty/manifest.json.asc"
    pack "$WORK/b" "$WORK/b.tgz"
    pigsty verify "$WORK/b.tgz"
}
case_check() {
    grep -q "no manifest.json.asc" "$CASE_ERR"
}
