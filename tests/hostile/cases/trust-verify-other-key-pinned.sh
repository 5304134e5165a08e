# shellcheck shell=bash disable=SC2034
# item 1: verify --key FPR refuses a bundle signed by another key (exit 8)
expect=8
case_run() {
    pigsty verify "$SHARED/other.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    grep -q "expected key $(cat "$SHARED/fpr")" "$CASE_ERR"
}
