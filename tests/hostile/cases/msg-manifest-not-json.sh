# shellcheck shell=bash disable=SC2034
# item 17: a manifest.json that is not JSON is named with its position, without the parser's
# own message
expect=8
case_run() {
    good_copy
    printf '<html>{"format": 1,\n' >"$WORK/b/pigsty/manifest.json"
    pack "$WORK/b" "$WORK/b.tgz"
    pigsty verify "$WORK/b.tgz"
}
case_check() {
    grep -q "pigsty/manifest.json is not valid JSON (at line 1, column" "$CASE_ERR" &&
        ! grep -q "Unexpected character\|Source: \|jackson" "$CASE_ERR"
}
