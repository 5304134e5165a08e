# shellcheck shell=bash disable=SC2034,SC2016
# item 7: a --pigsty-version holding Ruby interpolation is refused (exit 2), nothing rendered
expect=2
case_run() {
    pigsty image vagrant --spec meta --spec-dir "$ROOT/spec" -o "$WORK/out" \
        --pigsty-version '4.0.0#{`touch /tmp/pigsty-hostile-ruby`}'
}
case_check() {
    [ ! -e "$WORK/out" ] && [ ! -e /tmp/pigsty-hostile-ruby ] && grep -q "pigsty-version" "$CASE_ERR"
}
