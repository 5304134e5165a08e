# shellcheck shell=bash disable=SC2034
# item 17: the reason beside a missing path, for any command (sign)
expect=9
case_run() {
    pigsty sign --key-dir "$SHARED/key" "$WORK/nothing-here"
}
case_check() {
    grep -q "nothing-here: No such file or directory" "$CASE_ERR" && [ ! -e "$WORK/nothing-here.asc" ]
}
