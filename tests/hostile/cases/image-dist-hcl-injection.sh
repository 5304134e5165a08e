# shellcheck shell=bash disable=SC2034,SC2016
# item 7: a --dist holding HCL interpolation is refused (exit 2), nothing rendered
expect=2
case_run() {
    pigsty image packer --spec meta --spec-dir "$ROOT/spec" -o "$WORK/out" \
        --dist '${file("/etc/shadow")}'
}
case_check() {
    [ ! -e "$WORK/out" ] && grep -q -- "--dist" "$CASE_ERR"
}
