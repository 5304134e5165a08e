#!/bin/bash
# sandbox-demo.sh RELEASE_TGZ BUNDLE_TGZ: the rest of `make demo` once the jar, the bundle and
# the release exist. Removes any earlier sandbox, runs sandbox.sh (boot, copy, configure,
# make install), creates a table from the host, runs `make install` again and requires
# "changes: 0", the table to be there and `make plan` to be empty, requires the server's major
# (SHOW server_version) to be the bundle's pg_major, connects through HAProxy's 5433
# and the VIP (pg-meta runs under Patroni), prints `make status` and how to connect, then
# measures the floor: `apt-get install` of the same packages from the same repo on a fresh
# node (chroot of the same image, no network). PIGSTY_FLOOR=0 skips the floor.
# Output: progress on stderr; figures as key=value on stdout. Leaves the node running.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 RELEASE_TGZ BUNDLE_TGZ" >&2; exit 2; }
RELEASE=$(readlink -f "$1") BUNDLE=$(readlink -f "$2")
HERE=$(dirname "$(readlink -f "$0")")
# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$HERE/sandbox-lib.sh"
# shellcheck source-path=SCRIPTDIR source=sandbox-node.sh
. "$HERE/sandbox-node.sh"

node_target "$BUNDLE"
bash "$HERE/sandbox-clean.sh"
bash "$HERE/sandbox.sh" "$RELEASE" "$BUNDLE"

note "server version: SHOW server_version must be the bundle's PostgreSQL $NODE_PG_MAJOR"
export PGPASSWORD=DBUser.Meta
server_version=$(psql "host=$NODE_IP port=5432 user=dbuser_meta dbname=meta" -XtAc 'SHOW server_version') ||
    die "cannot read server_version through $NODE_IP:5432"
printf 'os=%s\nserver_version=%s\n' "$NODE_CODENAME" "$server_version"
[ "${server_version%%.*}" = "$NODE_PG_MAJOR" ] ||
    die "server_version $server_version is not PostgreSQL $NODE_PG_MAJOR (the bundle's pg_major)"

note "idempotence: create a table, run make install again"
psql "host=$NODE_IP port=5432 user=dbuser_meta dbname=meta" -XqAc \
    "CREATE TABLE IF NOT EXISTS pigsty.demo_survivor(id int); INSERT INTO pigsty.demo_survivor VALUES (42);" ||
    die "cannot create a table through $NODE_IP:5432"
T=$(now)
second=$(in_node sh -c 'cd /root/pigsty && make install' 2>&1) || { printf '%s\n' "$second" >&2; die "second make install failed"; }
printf 'second_install_seconds=%s\n' "$(elapsed "$T" "$(now)")"
printf '%s\n' "$second" | grep -qx 'changes: 0' ||
    { printf '%s\n' "$second" >&2; die "second make install changed something (expected 'changes: 0')"; }
[ "$(psql "host=$NODE_IP port=6432 user=dbuser_meta dbname=meta" -XtAc 'SELECT id FROM pigsty.demo_survivor LIMIT 1')" = 42 ] ||
    die "the table made between the runs is gone"
printf 'idempotent=yes\n'
note "Patroni's services: HAProxy's primary service (5433, pgbouncer of the leader) and the VIP"
vip=$(sed -n 's/^ *vip_address: *\([0-9.]*\).*/\1/p' "$NODE_ROOT/root/pigsty/pigsty.yml" | head -1)
[ "$(psql "host=$NODE_IP port=5433 user=dbuser_meta dbname=meta" -XtAc 'SELECT pg_is_in_recovery()')" = f ] ||
    die "HAProxy's primary service $NODE_IP:5433 does not reach the leader"
printf 'haproxy_primary=yes\n'
if [ -n "$vip" ]; then
    [ "$(psql "host=$vip port=5432 user=dbuser_meta dbname=meta connect_timeout=5" -XtAc 'SELECT pg_is_in_recovery()')" = f ] ||
        die "the VIP $vip does not reach the leader (vip-manager: journalctl -u vip-manager@$NODE_PG_MAJOR-main in the node)"
    printf 'vip=%s\n' "$vip"
fi
note "plan: 'make plan' (pigsty install --dry-run) on the installed node must be empty"
plan=$(in_node sh -c 'cd /root/pigsty && make plan' 2>&1) || { printf '%s\n' "$plan" >&2; die "make plan failed"; }
printf '%s\n' "$plan" | grep -qx 'plan: no changes' ||
    { printf '%s\n' "$plan" >&2; die "the plan over the installed node is not empty"; }
printf 'plan_empty=yes\n'

# the floor installs what the first inventory asked for, as configure_to_pg_ready measured it
mapfile -t PKGS < <(in_node sh -c 'cd /root/pigsty && ./jre/bin/java -jar pigsty.jar install --packages')

# every extension the bundle carries, read from its .deb files with dpkg-deb (not from our
# catalog): the names of the install scripts <name>--<version>.sql of its postgresql-* packages
# (contrib, the PL packages, the extension packages and their -scripts companions); Debian's
# versioned control files such as postgis-3.control have no script of their own
EXT_DIR=$(mktemp -d)
trap 'rm -rf "$EXT_DIR"' EXIT
tar -xzf "$BUNDLE" -C "$EXT_DIR" --wildcards '*/postgresql-*.deb' || die "no postgresql-* packages in $BUNDLE"
EXTS=$(find "$EXT_DIR" -name 'postgresql-*.deb' -exec dpkg-deb -c {} \; | sed 's/ -> .*//' |
    sed -n 's#.*/usr/share/postgresql/[0-9]*/extension/\([^/]*\)\.sql$#\1#p' | grep -v -- '--.*--' |
    sed 's/--.*//' | sort -u | paste -sd, -)
rm -rf "$EXT_DIR"
trap - EXIT
[ -n "$EXTS" ] || die "no extension .control files in the bundle's postgresql-* packages"
note "a second inventory: users with pre-hashed md5 and SCRAM passwords, a role without one, a database with most attributes, a database with the bundle's $(tr ',' '\n' <<<"$EXTS" | wc -l) extensions"
python3 "$HERE/inventory-extra.py" "$NODE_ROOT/root/pigsty/pigsty.yml" "$EXTS" >/dev/null || die "cannot extend pigsty.yml"
third=$(in_node sh -c 'cd /root/pigsty && make install' 2>&1) || { printf '%s\n' "$third" >&2; die "install of the extended pigsty.yml failed"; }
printf '%s\n' "$third" | grep -q '^changes: [1-9]' || { printf '%s\n' "$third" >&2; die "the extended pigsty.yml changed nothing"; }
fourth=$(in_node sh -c 'cd /root/pigsty && make install' 2>&1) || { printf '%s\n' "$fourth" >&2; die "fourth make install failed"; }
printf '%s\n' "$fourth" | grep -qx 'changes: 0' ||
    { printf '%s\n' "$fourth" >&2; die "make install after the extended one changed something (pre-hashed passwords must be stable)"; }
[ "$(PGPASSWORD=Extra.Pass psql "host=$NODE_IP port=5432 user=dbuser_extra dbname=extra" -XtAc \
    "SELECT current_setting('work_mem') || ' ' || (SELECT extnamespace::regnamespace FROM pg_extension WHERE extname = 'pg_trgm')")" = "8MB app" ] ||
    die "dbuser_extra (md5) cannot log in to extra, or its work_mem (the role setting wins over the database one) or pg_trgm schema is not as pigsty.yml says"
[ "$(PGPASSWORD=Scram.Pass psql "host=$NODE_IP port=5432 user=dbuser_scram dbname=meta" -XtAc 'SELECT 1')" = 1 ] ||
    die "dbuser_scram (pre-hashed SCRAM) cannot log in"
printf 'extended_inventory=yes\n'
missing=$(in_node runuser -u postgres -- psql -d exts -XtAc \
    "SELECT string_agg(x, ' ') FROM unnest(string_to_array('$EXTS', ',')) x WHERE x NOT IN (SELECT extname FROM pg_extension)") ||
    die "cannot read the extensions of database exts"
[ -z "$missing" ] || die "database exts lacks these extensions of the bundle: $missing"
printf 'bundle_extensions_created=%s\n' "$(tr ',' '\n' <<<"$EXTS" | wc -l)"
note "wal2json: a logical slot returns a test insert (wal_level = logical)"
w2j=$(in_node runuser -u postgres -- psql -d exts -XtAq -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'slot ' || slot_name FROM pg_create_logical_replication_slot('pigsty_w2j', 'wal2json');
CREATE TABLE pigsty_w2j (id int PRIMARY KEY, v text);
INSERT INTO pigsty_w2j VALUES (1, 'pigsty-wal2json');
SELECT data FROM pg_logical_slot_get_changes('pigsty_w2j', NULL, NULL, 'format-version', '2');
SELECT pg_drop_replication_slot('pigsty_w2j');
DROP TABLE pigsty_w2j;
SQL
) || die "wal2json: the logical slot failed: $w2j"
grep -q '"action":"I".*"pigsty-wal2json"' <<<"$w2j" || die "wal2json: the insert is not in the slot's changes: $w2j"
printf 'wal2json_insert_decoded=yes\n'

in_node sh -c 'cd /root/pigsty && make status' >&2 || die "make status failed"
curl -fsS "http://$NODE_IP/" >/dev/null || die "http://$NODE_IP/ does not answer"
curl -fsS "http://$NODE_IP/pigsty/InRelease" >/dev/null || die "http://$NODE_IP/pigsty/InRelease does not answer"

if [ "${PIGSTY_FLOOR:-1}" != 0 ]; then
    note "floor: apt-get install of the same packages from the same repo in a fresh chroot, offline"
    sandbox_init
    MINBASE_TAR=$NODE_IMAGE
    new_root floor
    F=$SANDBOX_ROOT
    mkdir -p "$F/www"
    tar -xzf "$BUNDLE" -C "$F/www"
    rm -f "$F"/etc/apt/sources.list "$F"/etc/apt/sources.list.d/*
    printf 'Types: deb\nURIs: file:///www/pigsty/\nSuites: ./\nSigned-By: /www/pigsty/pigsty.gpg\n' \
        >"$F/etc/apt/sources.list.d/pigsty-local.sources"
    root_forbid_services "$F"
    in_root_offline "$F" apt-get update -q >/dev/null || die "floor: apt-get update failed"
    T=$(now)
    in_root_offline "$F" apt-get install -y -q -o Dpkg::Use-Pty=0 "${PKGS[@]}" >"$SANDBOX_DIR/floor.log" 2>&1 ||
        { tail -n 20 "$SANDBOX_DIR/floor.log" >&2; die "floor: apt-get install failed"; }
    printf 'floor_apt_install_seconds=%s\nfloor_packages=%s\n' "$(elapsed "$T" "$(now)")" \
        "$(grep -c '^Setting up' "$SANDBOX_DIR/floor.log")"
fi

cat >&2 <<MSG

The air-gapped node is up at $NODE_IP (host side $HOST_IP):
  psql postgres://dbuser_meta:DBUser.Meta@$NODE_IP:5432/meta     # PostgreSQL
  psql postgres://dbuser_meta:DBUser.Meta@$NODE_IP:6432/meta     # through pgbouncer
  http://$NODE_IP/   (home page)   http://$NODE_IP:9090/ (Prometheus)   http://$NODE_IP:9093/ (Alertmanager)
  make sandbox-clean   # removes the node, its netns and veth
MSG
