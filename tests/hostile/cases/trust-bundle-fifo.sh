# shellcheck shell=bash disable=SC2034
# item 3: a named pipe as the bundle (content that can differ on every read) is refused
# without being opened (exit 26; opening it would hang)
expect=26
case_run() {
    node_setup
    mkfifo -m 0644 "$WORK/pkg.tgz"
    conf -p "$WORK/pkg.tgz" --key "$(cat "$SHARED/fpr")"
}
case_check() {
    node_unchanged && grep -q "not a regular file" "$CASE_OUT"
}
