# shellcheck shell=bash disable=SC2034
# item 1: a bundle re-signed consistently with another key is refused by configure before
# anything is touched (exit 34), however intact it is
expect=34
case_run() {
    node_setup
    conf -p "$SHARED/other.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    node_unchanged && grep -q "not by a pinned key" "$CASE_OUT"
}
