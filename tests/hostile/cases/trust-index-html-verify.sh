# shellcheck shell=bash disable=SC2034
# item 4: a file listed in a re-signed manifest but in no index (index.html, served by nginx
# from /www/pigsty) is refused by name
expect=8
case_run() {
    good_copy
    printf '<html><script>alert(1)</script></html>\n' >"$WORK/b/pigsty/index.html"
    resign "$WORK/b"
    pack "$WORK/b" "$WORK/b.tgz"
    pigsty verify "$WORK/b.tgz"
}
case_check() {
    grep -q "index.html is neither a package" "$CASE_ERR"
}
