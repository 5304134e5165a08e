# shellcheck shell=bash disable=SC2034
# item 17: a broken RPM (a lead, then nothing) fails repo index naming it and a reason, never
# "(null)"
expect=6
case_run() {
    mkdir "$WORK/repo"
    printf '\355\253\356\333\003\000\000\000\000\001broken-1-1' >"$WORK/repo/broken-1-1.noarch.rpm"
    head -c 200 /dev/zero >>"$WORK/repo/broken-1-1.noarch.rpm"
    pigsty repo index --key-dir "$SHARED/key" "$WORK/repo"
}
case_check() {
    grep -q "broken-1-1.noarch.rpm" "$CASE_ERR" && ! grep -q "(null)" "$CASE_ERR" &&
        [ ! -e "$WORK/repo/repodata" ]
}
