# shellcheck shell=bash disable=SC2034
# item 16: re-running configure keeps an edited pigsty.yml (its passwords) byte for byte
expect=0
case_run() {
    node_setup
    conf -p "$SHARED/good.tgz" --key "$(cat "$SHARED/fpr")" -g >/dev/null || return 90
    printf '# edited by hand\n' >>"$WORK/node/pigsty.yml"
    sha256sum "$WORK/node/pigsty.yml" >"$WORK/yml.sum"
    conf -p "$SHARED/good.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    sha256sum -c --quiet "$WORK/yml.sum" && grep -q "kept; --force to replace" "$CASE_OUT" &&
        [ -z "$(find "$WORK/node" -name 'pigsty.yml.*.bak')" ]
}
