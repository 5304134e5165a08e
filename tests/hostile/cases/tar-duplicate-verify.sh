# shellcheck shell=bash disable=SC2034
# a path twice, the second copy different (item 15: verify hashed one, extraction kept the other): refused by verify, by name
expect=8
case_run() {
    hostile_tar duplicate "$WORK/b.tgz"
    pigsty verify "$WORK/b.tgz"
}
case_check() {
    grep -q "entry '" "$CASE_ERR" && [ ! -e /tmp/pigsty-hostile-absolute ] && [ ! -e "$WORK/escaped" ]
}
