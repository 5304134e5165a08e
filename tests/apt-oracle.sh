#!/bin/bash
# apt-oracle.sh JAR DEF BUNDLE_TGZ: check a Debian 12 offline bundle against real apt.
#
#  a. subset: in a fresh bookworm minbase root (network allowed), `apt-get install --simulate`
#     of the requested list must install nothing that `pigsty resolve` left out: every
#     simulated package, name and version, must be a line of `java -jar JAR resolve DEF`.
#  b. offline: in another fresh root with every other apt source removed, the bundle unpacked
#     to /www/pigsty as a signed flat repo (Signed-By its own pigsty.gpg, never trusted=yes),
#     `apt-get update && apt-get install -y <requested>` must succeed with no network at all
#     (`unshare --net`), without any signature warning, and leave every requested package
#     installed; and the bundle's Packages must index exactly the resolved closure.
#
# Output: progress on stderr; result lines `key=value` on stdout. Exit 0 when both checks
# pass, 1 on the first failed check (the message says which and why), 2 on bad usage.
# Needs root. Work dir: ${PIGSTY_TEST_WORK:-/var/tmp/pigsty-test}; all it creates there
# (except the cached minbase tarball) is removed on exit, also on failure or Ctrl-C.
set -eu

usage() {
    printf 'usage: %s JAR DEF BUNDLE_TGZ\n' "${0##*/}" >&2
    exit 2
}
[ $# -eq 3 ] || usage
JAR=$1 DEF=$2 BUNDLE=$3
[ -f "$JAR" ] || { printf 'FAIL: jar not found: %s\n' "$JAR" >&2; exit 2; }
[ -f "$DEF" ] || { printf 'FAIL: bundle definition not found: %s\n' "$DEF" >&2; exit 2; }
[ -f "$BUNDLE" ] || { printf 'FAIL: bundle not found: %s\n' "$BUNDLE" >&2; exit 2; }
BUNDLE=$(readlink -f "$BUNDLE")

# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$(dirname "$(readlink -f "$0")")/sandbox-lib.sh"
sandbox_init
ensure_tools
command -v java >/dev/null 2>&1 || die "java not found"

TMP=$(mktemp -d "$PIGSTY_TEST_WORK/oracle.XXXXXX")
sandbox_track "$TMP"

# --- inputs from the CLI under test -------------------------------------------------------
java -jar "$JAR" resolve "$DEF" --requested >"$TMP/requested.raw" ||
    die "'java -jar $JAR resolve $DEF --requested' failed"
java -jar "$JAR" resolve "$DEF" >"$TMP/closure.tsv" ||
    die "'java -jar $JAR resolve $DEF' failed"
sed -e 's/[[:space:]]*$//' -e '/^$/d' "$TMP/requested.raw" >"$TMP/requested"
[ -s "$TMP/requested" ] || die "resolve --requested printed no package for $DEF"
[ -s "$TMP/closure.tsv" ] || die "resolve printed no package for $DEF"
awk -F'\t' 'NF != 4 { printf "FAIL: resolve output line %d is not name<TAB>version<TAB>arch<TAB>suite: %s\n", NR, $0; bad = 1 }
            END { exit bad }' "$TMP/closure.tsv" >&2 || die "malformed resolve output for $DEF"
mapfile -t REQUESTED <"$TMP/requested"
note "requested: ${#REQUESTED[@]} packages; closure: $(wc -l <"$TMP/closure.tsv") packages"

minbase_tar

# --- a. subset: apt's own choice must be inside the resolved closure ------------------------
note "check a: apt-get install --simulate in a fresh minbase root"
new_root oracle-subset
SUBSET_ROOT=$SANDBOX_ROOT
root_enable_dns "$SUBSET_ROOT"
in_root "$SUBSET_ROOT" apt-get update -q >"$TMP/subset-update.log" 2>&1 ||
    { cat "$TMP/subset-update.log" >&2; die "check a: apt-get update failed in $SUBSET_ROOT"; }
if ! in_root "$SUBSET_ROOT" apt-get install --simulate -y "${REQUESTED[@]}" >"$TMP/simulate.log" 2>&1; then
    tail -n 30 "$TMP/simulate.log" >&2
    die "check a: apt-get install --simulate of the requested list failed"
fi
# `Inst NAME [OLDVER] (VERSION ORIGINS [ARCH])` -> "NAME VERSION"
sed -n -E 's/^Inst ([^ ]+) (\[[^]]*\] )?\(([^ ]+) .*/\1 \3/p' "$TMP/simulate.log" | sort -u >"$TMP/simulated"
awk -F'\t' '{ print $1 " " $2 }' "$TMP/closure.tsv" | sort -u >"$TMP/closure.nv"
awk -F'\t' '{ print $1 }' "$TMP/closure.tsv" | sort -u >"$TMP/closure.names"
SIM_COUNT=$(wc -l <"$TMP/simulated")
CLOSURE_COUNT=$(wc -l <"$TMP/closure.names")
[ "$SIM_COUNT" -gt 0 ] || die "check a: apt simulated no installation at all (parse error?)"
printf 'apt_simulated_packages=%s\nresolved_closure_packages=%s\n' "$SIM_COUNT" "$CLOSURE_COUNT"
# names apt would install that resolve does not list at all
cut -d' ' -f1 "$TMP/simulated" | comm -23 - "$TMP/closure.names" >"$TMP/missing.names"
# names listed, but with a different version than apt picks
comm -23 "$TMP/simulated" "$TMP/closure.nv" | while read -r n v; do
    if grep -qxF "$n" "$TMP/closure.names"; then
        printf '%s apt=%s resolve=%s\n' "$n" "$v" \
            "$(awk -F'\t' -v n="$n" '$1 == n { printf "%s%s", s, $2; s = "," }' "$TMP/closure.tsv")"
    fi
done >"$TMP/version.mismatch"
if [ -s "$TMP/missing.names" ] || [ -s "$TMP/version.mismatch" ]; then
    [ ! -s "$TMP/missing.names" ] || {
        printf 'missing from resolve (%s): ' "$(wc -l <"$TMP/missing.names")"
        tr '\n' ' ' <"$TMP/missing.names"
        printf '\n'
    } >&2
    [ ! -s "$TMP/version.mismatch" ] || {
        printf 'version differs from apt (%s):\n' "$(wc -l <"$TMP/version.mismatch")"
        sed 's/^/  /' "$TMP/version.mismatch"
    } >&2
    die "check a: apt would install packages outside the resolved closure of $DEF"
fi
note "check a passed: all $SIM_COUNT simulated packages are in the closure ($CLOSURE_COUNT)"

# --- b. offline install from the bundle -----------------------------------------------------
note "check b: offline install from $BUNDLE"
top=$(tar -tzf "$BUNDLE" | sed -e 's#^\./##' -e 's#/.*##' | sed '/^$/d' | sort -u)
[ "$top" = pigsty ] || die "check b: $BUNDLE must hold exactly one root dir 'pigsty/', has: $(echo "$top" | tr '\n' ' ')"
new_root oracle-offline
OFF_ROOT=$SANDBOX_ROOT
mkdir -p "$OFF_ROOT/www"
tar -xzf "$BUNDLE" -C "$OFF_ROOT/www" --no-same-owner || die "check b: cannot unpack $BUNDLE"
for f in Packages Packages.gz Release InRelease pigsty.gpg manifest.json; do
    [ -s "$OFF_ROOT/www/pigsty/$f" ] || die "check b: $BUNDLE lacks pigsty/$f"
done
DEB_COUNT=$(find "$OFF_ROOT/www/pigsty" -maxdepth 1 -name '*.deb' | wc -l)
printf 'bundle_debs=%s\n' "$DEB_COUNT"
# the bundle's index must list exactly the resolved closure (name and version)
awk '/^Package:/ { p = $2 } /^Version:/ { v = $2 } /^$/ { if (p != "") print p " " v; p = "" }
     END { if (p != "") print p " " v }' "$OFF_ROOT/www/pigsty/Packages" | sort -u >"$TMP/bundle.all.nv"
# our own packages (pigsty build --add-deb) are in the index but not in the closure: the
# manifest names them with upstream "local"
python3 -c 'import json, sys
for f in json.load(open(sys.argv[1]))["files"]:
    if f.get("upstream") == "local":
        print(f["package"] + " " + f["version"])' "$OFF_ROOT/www/pigsty/manifest.json" | sort -u >"$TMP/local.nv"
printf 'bundle_local_packages=%s\n' "$(tr '\n' ' ' <"$TMP/local.nv")"
comm -23 "$TMP/bundle.all.nv" "$TMP/local.nv" >"$TMP/bundle.nv"
if ! cmp -s "$TMP/bundle.nv" "$TMP/closure.nv"; then
    {
        printf 'in resolve output, not in the bundle'"'"'s Packages: '
        comm -13 "$TMP/bundle.nv" "$TMP/closure.nv" | tr '\n' ' '
        printf '\nin the bundle'"'"'s Packages, not in resolve output: '
        comm -23 "$TMP/bundle.nv" "$TMP/closure.nv" | tr '\n' ' '
        printf '\n'
    } >&2
    die "check b: $BUNDLE does not index exactly the resolved closure of $DEF"
fi
rm -f "$OFF_ROOT/etc/apt/sources.list"
find "$OFF_ROOT/etc/apt/sources.list.d" -mindepth 1 -delete
rm -rf "$OFF_ROOT/var/lib/apt/lists"/*
mkdir -p "$OFF_ROOT/var/lib/apt/lists/partial"
cat >"$OFF_ROOT/etc/apt/sources.list.d/pigsty-local.sources" <<'EOF'
Types: deb
URIs: file:/www/pigsty
Suites: ./
Signed-By: /www/pigsty/pigsty.gpg
EOF
root_forbid_services "$OFF_ROOT"
# the air gap must hold: the namespace has only an unconfigured loopback device
# shellcheck disable=SC2016 # awk and dpkg-query expand these, not the shell
ifaces=$(in_root_offline "$OFF_ROOT" awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | tr '\n' ' ')
[ "$ifaces" = "lo " ] || die "check b: offline namespace has network devices: $ifaces"
# shellcheck disable=SC2016
in_root_offline "$OFF_ROOT" dpkg-query -W -f='${Package}\n' | sort >"$TMP/before"

t0=$(now)
if ! in_root_offline "$OFF_ROOT" apt-get update >"$TMP/offline-update.log" 2>&1; then
    cat "$TMP/offline-update.log" >&2
    die "check b: offline apt-get update from /www/pigsty failed"
fi
if ! in_root_offline "$OFF_ROOT" apt-get install -y "${REQUESTED[@]}" >"$TMP/offline-install.log" 2>&1; then
    tail -n 40 "$TMP/offline-install.log" >&2
    die "check b: offline apt-get install of the requested list failed"
fi
t1=$(now)

cat "$TMP/offline-update.log" "$TMP/offline-install.log" >"$TMP/offline.log"
if grep -Ei 'not signed|NO_PUBKEY|insecure|unauthenticated|cannot be authenticated|signatures were invalid|no longer signed|EXPKEYSIG|BADSIG' \
    "$TMP/offline.log" >"$TMP/sigwarn"; then
    cat "$TMP/sigwarn" >&2
    die "check b: apt printed a signature warning for the bundle repo"
fi
compgen -G "$OFF_ROOT/var/lib/apt/lists/*InRelease" >/dev/null ||
    die "check b: apt kept no verified InRelease for file:/www/pigsty"
grep -E '^(W|E|N):' "$TMP/offline.log" | sed 's/^/apt said: /' >&2 || true

# shellcheck disable=SC2016
in_root_offline "$OFF_ROOT" dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' >"$TMP/after.status"
: >"$TMP/not-installed"
for p in "${REQUESTED[@]}"; do
    awk -v p="$p" '$1 == p && $2 == "ii" { ok = 1 } END { exit !ok }' "$TMP/after.status" ||
        printf '%s\n' "$p" >>"$TMP/not-installed"
done
[ ! -s "$TMP/not-installed" ] ||
    die "check b: requested but not installed: $(tr '\n' ' ' <"$TMP/not-installed")"
awk '{ print $1 }' "$TMP/after.status" | sort >"$TMP/after"
NEW_COUNT=$(comm -13 "$TMP/before" "$TMP/after" | wc -l)
SECONDS_TAKEN=$(elapsed "$t0" "$t1")
printf 'offline_install_seconds=%s\noffline_installed_packages=%s\n' "$SECONDS_TAKEN" "$NEW_COUNT"
note "check b passed: $NEW_COUNT packages installed offline in $SECONDS_TAKEN s"
