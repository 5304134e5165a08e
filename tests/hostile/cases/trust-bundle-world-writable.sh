# shellcheck shell=bash disable=SC2034
# item 2: a bundle file anyone may rewrite (mode 0666, as in /tmp) is refused by name (exit 26)
expect=26
case_run() {
    node_setup
    cp "$SHARED/good.tgz" "$WORK/pkg.tgz"
    chmod 0666 "$WORK/pkg.tgz"
    conf -p "$WORK/pkg.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    node_unchanged && grep -q "pkg.tgz" "$CASE_OUT"
}
