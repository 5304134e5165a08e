# shellcheck shell=bash disable=SC2034
# classic: the same HTML page given to configure: an invalid bundle (exit 26), nothing touched
expect=26
case_run() {
    node_setup
    printf '<html><body>Not Found</body></html>\n' >"$WORK/pkg.tgz"
    conf -p "$WORK/pkg.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    node_unchanged && grep -q "not a gzip file" "$CASE_OUT"
}
