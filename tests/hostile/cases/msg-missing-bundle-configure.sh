# shellcheck shell=bash disable=SC2034
# item 17: configure with a bundle that is not there: exit 26 naming it, nothing touched
expect=26
case_run() {
    node_setup
    conf -p "$WORK/absent.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    node_unchanged && grep -q "absent.tgz not found" "$CASE_OUT"
}
