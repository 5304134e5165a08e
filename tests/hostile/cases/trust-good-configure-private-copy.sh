# shellcheck shell=bash disable=SC2034
# item 3: a good bundle is verified and extracted from one private copy, which is removed
# afterwards: the node holds the repository, its apt source and pigsty.yml, nothing else
expect=0
case_run() {
    node_setup
    conf -p "$SHARED/good.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    local r=$WORK/node
    [ -f "$r/www/pigsty/InRelease" ] && [ -f "$r/etc/apt/sources.list.d/pigsty-local.sources" ] &&
        [ -f "$r/pigsty.yml" ] || return 1
    # the repository is exactly the bundle's files, 0644
    diff <(cd "$SHARED/good/pigsty" && find . -type f | sort) <(cd "$r/www/pigsty" && find . -type f | sort) >&2 || return 1
    [ -z "$(find "$r/www/pigsty" -type f ! -perm 0644)" ] || return 1
    # no private copy or temporary file left anywhere on the node
    [ -z "$(find "$r" -name 'incoming-*' -o -name '*.tmp' -o -name '*.part')" ]
}
