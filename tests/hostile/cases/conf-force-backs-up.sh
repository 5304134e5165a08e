# shellcheck shell=bash disable=SC2034
# item 16: --force replaces pigsty.yml with the template and keeps the old one as a 0600 backup
expect=0
case_run() {
    node_setup
    conf -p "$SHARED/good.tgz" --key "$(cat "$SHARED/fpr")" -g >/dev/null || return 90
    printf '# edited by hand\n' >>"$WORK/node/pigsty.yml"
    cp "$WORK/node/pigsty.yml" "$WORK/old.yml"
    conf -p "$SHARED/good.tgz" --key "$(cat "$SHARED/fpr")" --force
}
case_check() {
    local bak
    bak=$(find "$WORK/node" -name 'pigsty.yml.*.bak')
    [ -n "$bak" ] && cmp -s "$bak" "$WORK/old.yml" && [ "$(stat -c %a "$bak")" = 600 ] &&
        ! grep -q "edited by hand" "$WORK/node/pigsty.yml" && grep -q "DEFAULT PASSWORDS" "$CASE_OUT"
}
