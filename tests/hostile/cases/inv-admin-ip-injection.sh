# shellcheck shell=bash disable=SC2034
# item 6: an admin_ip that is not an IPv4 address (a CIDR with a trust rule after it) is refused
expect=29
case_run() {
    sed 's/admin_ip: 10.10.10.10/admin_ip: "0.0.0.0\/0 trust"/' \
        "$ROOT/builder/src/test/resources/inventory/demo.yml" >"$WORK/pigsty.yml"
    pigsty install -c "$WORK/pigsty.yml" --dry-run
}
case_check() {
    grep -q "admin_ip" "$CASE_ERR"
}
