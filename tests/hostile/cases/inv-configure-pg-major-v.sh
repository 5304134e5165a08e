# shellcheck shell=bash disable=SC2034
# configure -v 16 against the PG 15 bundle: exit 36 naming the majors it carries; no pigsty.yml
expect=36
case_run() {
    node_setup
    conf -p "$SHARED/good.tgz" --key "$(cat "$SHARED/fpr")" -v 16
}
case_check() {
    node_unchanged && grep -q "pg_version = 16 (-v): the bundle .* carries PostgreSQL 15 only" "$CASE_ERR"
}
