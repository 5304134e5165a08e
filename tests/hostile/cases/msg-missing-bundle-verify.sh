# shellcheck shell=bash disable=SC2034
# item 17: a missing file is a file system error (exit 9) with its reason beside the path
expect=9
case_run() {
    pigsty verify "$WORK/absent.tgz"
}
case_check() {
    grep -q "absent.tgz: No such file or directory" "$CASE_ERR"
}
