# shellcheck shell=bash disable=SC2034
# the same bundle (chardev) given to configure: an unsafe entry (exit 30), nothing touched,
# nothing written outside the node
expect=30
case_run() {
    node_setup
    hostile_tar chardev "$WORK/b.tgz"
    conf -p "$WORK/b.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    node_unchanged && [ ! -e "$WORK/escaped" ] && [ ! -e /etc/pigsty-hostile-evil ]
}
