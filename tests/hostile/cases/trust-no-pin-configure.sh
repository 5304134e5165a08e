# shellcheck shell=bash disable=SC2034
# item 1: no --key and no bundle-keys.txt (a source tree): refused, nothing touched
expect=34
case_run() {
    node_setup
    conf -p "$SHARED/good.tgz"
}
case_check() {
    node_unchanged && grep -q "no key is pinned" "$CASE_OUT"
}
