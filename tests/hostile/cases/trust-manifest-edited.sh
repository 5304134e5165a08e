# shellcheck shell=bash disable=SC2034
# item 4: a manifest changed after it was signed (a file added to its list) is refused
expect=8
case_run() {
    good_copy
    sed -i 's/"name": "hostile"/"name": "hostile-edited"/' "$WORK/b/pigsty/manifest.json"
    pack "$WORK/b" "$WORK/b.tgz"
    pigsty verify "$WORK/b.tgz"
}
case_check() {
    grep -q "manifest.json.asc" "$CASE_ERR"
}
