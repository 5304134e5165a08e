# shellcheck shell=bash disable=SC2034
# classic: an HTML error page saved as the bundle (a proxy's or a portal's): exit 8
expect=8
case_run() {
    printf '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not Found</body></html>\n' >"$WORK/pigsty-pkg-4.0.0.d12.amd64.tgz"
    pigsty verify "$WORK/pigsty-pkg-4.0.0.d12.amd64.tgz"
}
case_check() {
    grep -q "not a gzip file" "$CASE_ERR"
}
