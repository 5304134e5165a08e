# shellcheck shell=bash disable=SC2034
# item 17: a .deb whose control file carries ANSI escapes and a bell: repo index fails (exit 6)
# and no control byte reaches the terminal; the escape is shown as \x1b
expect=6
case_run() {
    mkdir "$WORK/repo"
    mkdeb "$WORK/repo" evil 1.0 >/dev/null
    # rewrite the control member with a hostile Version (dpkg-deb would refuse to build it)
    mkdir "$WORK/x"
    (cd "$WORK/x" && ar x "$WORK/repo/evil_1.0_amd64.deb" && mkdir c && tar -xzf control.tar.gz -C c &&
        sed -i "s/^Version: .*/Version: :1$(printf '\033')[2J$(printf '\033')]0;pwned$(printf '\007')/" c/control &&
        tar -czf control.tar.gz -C c . &&
        rm "$WORK/repo/evil_1.0_amd64.deb" &&
        ar rc "$WORK/repo/evil_1.0_amd64.deb" debian-binary control.tar.gz data.tar.*)
    rm -rf "$WORK/x"
    pigsty repo index --key-dir "$SHARED/key" "$WORK/repo"
}
case_check() {
    no_control_chars "$CASE_ERR" && no_control_chars "$CASE_OUT" && grep -q '\\x1b\[2J' "$CASE_ERR" &&
        [ ! -e "$WORK/repo/InRelease" ]
}
