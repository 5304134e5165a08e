# shellcheck shell=bash disable=SC2034
# item 8: pigsty.yml holds the passwords: written 0600 from the first byte, even under umask 000
expect=0
case_run() {
    node_setup
    umask 000
    conf -p "$SHARED/good.tgz" --key "$(cat "$SHARED/fpr")" -g
}
case_check() {
    [ "$(stat -c %a "$WORK/node/pigsty.yml")" = 600 ] &&
        [ -z "$(find "$WORK/node/www" -perm -o+w)" ]
}
