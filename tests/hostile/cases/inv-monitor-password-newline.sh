# shellcheck shell=bash disable=SC2034
# item 6: a newline in pg_monitor_password (a systemd drop-in line ExecStartPre=+... as root)
# is refused by the one loader (exit 29), nothing planned
expect=29
case_run() {
    sed 's/pg_monitor_password: .*/pg_monitor_password: "x\\nExecStartPre=+\/bin\/touch \/tmp\/pigsty-hostile-pwned"/' \
        "$ROOT/builder/src/test/resources/inventory/demo.yml" >"$WORK/pigsty.yml"
    pigsty install -c "$WORK/pigsty.yml" --dry-run
}
case_check() {
    grep -q "pg_monitor_password" "$CASE_ERR" && [ ! -e /tmp/pigsty-hostile-pwned ]
}
