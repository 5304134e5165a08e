# shellcheck shell=bash disable=SC2034
# item 6: a newline in an HBA rule's title (a second pg_hba.conf line: trust) is refused
expect=29
case_run() {
    sed 's/title: allow intranet password access/title: "x\\nhost all all 0.0.0.0\/0 trust"/' \
        "$ROOT/builder/src/test/resources/inventory/demo.yml" >"$WORK/pigsty.yml"
    pigsty install -c "$WORK/pigsty.yml" --dry-run
}
case_check() {
    grep -q "title" "$CASE_ERR"
}
