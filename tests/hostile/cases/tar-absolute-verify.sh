# shellcheck shell=bash disable=SC2034
# an absolute path: refused by verify, by name
expect=8
case_run() {
    hostile_tar absolute "$WORK/b.tgz"
    pigsty verify "$WORK/b.tgz"
}
case_check() {
    grep -q "entry '" "$CASE_ERR" && [ ! -e /tmp/pigsty-hostile-absolute ] && [ ! -e "$WORK/escaped" ]
}
