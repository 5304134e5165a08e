# shellcheck shell=bash disable=SC2034
# item 1: without --key, verify names the signer and says it is not pinned
expect=0
case_run() {
    pigsty verify "$SHARED/other.tgz"
}
case_check() {
    grep -q "signed by $(cat "$SHARED/other-fpr")" "$CASE_OUT" && grep -q "not pinned" "$CASE_OUT"
}
