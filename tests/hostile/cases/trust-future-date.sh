# shellcheck shell=bash disable=SC2034
# item 5: an InRelease dated a day ahead (apt: "not valid yet") is refused by verify; the
# bundle is otherwise consistent and signed again with the bundle key
expect=8
case_run() {
    good_copy
    sed -i "s/^Date: .*/Date: $(LC_ALL=C date -u -d tomorrow '+%a, %d %b %Y %H:%M:%S UTC')/" \
        "$WORK/b/pigsty/Release"
    resign "$WORK/b"
    pack "$WORK/b" "$WORK/b.tgz"
    pigsty verify "$WORK/b.tgz"
}
case_check() {
    grep -q "InRelease" "$CASE_ERR" && grep -qi "future\|ahead\|not valid yet" "$CASE_ERR" &&
        [ "$(grep -c 'problem' "$CASE_ERR")" -ge 1 ] && ! grep -q "bad signature" "$CASE_ERR"
}
