# shellcheck shell=bash disable=SC2034
# item 6: configure -c with the injected pigsty.yml fails before anything is touched (exit 29)
expect=29
case_run() {
    node_setup
    sed 's/pg_monitor_password: .*/pg_monitor_password: "x\\n[Service]"/' \
        "$ROOT/builder/src/test/resources/inventory/demo.yml" >"$WORK/pigsty.yml"
    conf -p "$SHARED/good.tgz" --key "$(cat "$SHARED/fpr")" -c "$WORK/pigsty.yml"
}
case_check() {
    node_unchanged
}
