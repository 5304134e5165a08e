# shellcheck shell=bash disable=SC2034
# item 17: bytes that are not gzip at all: exit 8, "not a gzip file"
expect=8
case_run() {
    head -c 4096 /dev/urandom >"$WORK/random.tgz"
    pigsty verify "$WORK/random.tgz"
}
case_check() {
    grep -q "not a gzip file" "$CASE_ERR"
}
