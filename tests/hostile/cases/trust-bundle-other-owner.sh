# shellcheck shell=bash disable=SC2034
# item 2: a bundle file owned by another user (nobody) is refused (exit 26)
expect=26
case_run() {
    node_setup
    cp "$SHARED/good.tgz" "$WORK/pkg.tgz"
    chown nobody "$WORK/pkg.tgz"
    conf -p "$WORK/pkg.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    node_unchanged
}
