# shellcheck shell=bash disable=SC2034
# configure -c with pg_version 16 against the PG 15 bundle: exit 36 naming file, key, value and
# what the bundle carries, before anything is touched
expect=36
case_run() {
    node_setup
    sed 's/pg_version: 15/pg_version: 16/' \
        "$ROOT/builder/src/test/resources/inventory/demo.yml" >"$WORK/pigsty.yml"
    conf -p "$SHARED/good.tgz" --key "$(cat "$SHARED/fpr")" -c "$WORK/pigsty.yml"
}
case_check() {
    node_unchanged &&
        grep -q "pigsty.yml:9: all.children.pg-meta.vars.pg_version: 16, but the bundle carries PostgreSQL 15 only" "$CASE_ERR"
}
