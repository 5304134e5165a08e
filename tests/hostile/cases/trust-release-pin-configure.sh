# shellcheck shell=bash disable=SC2034
# item 1: the release's bundle-keys.txt (found through pigsty.home, as ./configure sets it)
# pins the key: a bundle signed by another key exits 34
expect=34
case_run() {
    node_setup
    mkdir -p "$WORK/release"
    cp "$SHARED/fpr" "$WORK/release/bundle-keys.txt"
    java -XX:TieredStopAtLevel=1 -Dpigsty.home="$WORK/release" -jar "$JAR" configure \
        --root "$WORK/node" --skip-apt -n -m tiny -i "$(cat "$SHARED/node-ip")" \
        -o "$WORK/node/pigsty.yml" -p "$SHARED/other.tgz"
}
case_check() {
    node_unchanged && grep -q "bundle-keys.txt" "$CASE_OUT"
}
