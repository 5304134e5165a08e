# shellcheck shell=bash disable=SC2034
# item 17: a gzip stream with bytes flipped in the middle: exit 8, no stack trace
expect=8
case_run() {
    cp "$SHARED/good.tgz" "$WORK/flip.tgz"
    printf '\377\377\377\377\377\377\377\377' | dd of="$WORK/flip.tgz" bs=1 seek=200 conv=notrunc 2>/dev/null
    pigsty verify "$WORK/flip.tgz"
}
case_check() {
    grep -q "flip.tgz" "$CASE_ERR" && ! grep -q "at io.pigsty\|Exception" "$CASE_ERR"
}
