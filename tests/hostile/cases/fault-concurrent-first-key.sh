# shellcheck shell=bash disable=SC2034
# item 14: two first runs at once make one key: both sign with the same fingerprint
expect=0
case_run() {
    : >"$WORK/a" ; : >"$WORK/b"
    pigsty sign --key-dir "$WORK/key" "$WORK/a" >"$WORK/a.out" &
    pigsty sign --key-dir "$WORK/key" "$WORK/b" >"$WORK/b.out" &
    wait %1 || return 91
    wait %2 || return 92
    a=$(sed 's/.*signed by //' "$WORK/a.out")
    b=$(sed 's/.*signed by //' "$WORK/b.out")
    echo "$a $b"
    [ -n "$a" ] && [ "$a" = "$b" ]
}
case_check() {
    [ "$(find "$WORK/key" -type f | wc -l)" -ge 1 ] && [ -z "$(find "$WORK/key" -name '*.tmp')" ]
}
