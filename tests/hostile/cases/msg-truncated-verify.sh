# shellcheck shell=bash disable=SC2034
# item 17 (and the classic): a bundle cut in half is a bundle problem (exit 8), said so
expect=8
case_run() {
    head -c "$(( $(stat -c %s "$SHARED/good.tgz") / 2 ))" "$SHARED/good.tgz" >"$WORK/cut.tgz"
    pigsty verify "$WORK/cut.tgz"
}
case_check() {
    grep -q "cut.tgz: truncated" "$CASE_ERR"
}
