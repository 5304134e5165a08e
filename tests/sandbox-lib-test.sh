#!/bin/bash
# sandbox-lib-test.sh: unit checks of sandbox-lib.sh that need neither root nor network:
# archive_uri on deb822 and one-line sources (fixtures below), and the cleanup of tracked
# paths. Prints `PASS name` / `FAIL name` per case; exits 1 if any case fails.
set -eu

HERE=$(dirname "$(readlink -f "$0")")
# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$HERE/sandbox-lib.sh"

FIX=$(mktemp -d)
trap 'rm -rf -- "$FIX"' EXIT
mkdir -p "$FIX/apt/sources.list.d" "$FIX/empty"
cat >"$FIX/apt/sources.list" <<'EOF'
# deb http://commented.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb [ arch=amd64 signed-by=/usr/share/keyrings/x.gpg ] http://mirror.example/debian bookworm main contrib
deb http://mirror.example/debian-security bookworm-security main
EOF
cat >"$FIX/apt/sources.list.d/a.sources" <<'EOF'
Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Enabled: no

# a comment between paragraphs
Types: deb-src deb
URIs: http://m822.example/debian
  http://second.example/debian
Suites: bookworm-updates
 bookworm-backports
Components: main

Types: deb-src
URIs: http://onlysrc.example/debian
Suites: trixie
EOF

FAILED=0
# check NAME WANT GOT
check() {
    if [ "$2" = "$3" ]; then
        printf 'PASS %s\n' "$1"
    else
        printf 'FAIL %s: want "%s", got "%s"\n' "$1" "$2" "$3"
        FAILED=$((FAILED + 1))
    fi
}
uri() {
    SANDBOX_APT_ETC="$FIX/$1" archive_uri "$2" 2>/dev/null || printf 'rc=%s\n' "$?"
}

check archiveUri_oneLineWithBracketOptions http://mirror.example/debian "$(uri apt bookworm)"
check archiveUri_deb822FirstOfMultilineUris http://m822.example/debian "$(uri apt bookworm-updates)"
check archiveUri_deb822ContinuedSuites http://m822.example/debian "$(uri apt bookworm-backports)"
check archiveUri_oneLineSecurity http://mirror.example/debian-security "$(uri apt bookworm-security)"
check archiveUri_debSrcOnlyIsNotAMatch rc=1 "$(uri apt trixie)"
check archiveUri_noSourcesFails rc=1 "$(uri empty bookworm)"

# node_target reads the node's release, PostgreSQL major and suites from a bundle's manifest
# shellcheck source-path=SCRIPTDIR source=sandbox-node.sh
. "$HERE/sandbox-node.sh"
# manifest BUNDLE CODENAME: a bundle stand-in holding only pigsty/manifest.json
manifest() {
    mkdir -p "$FIX/m/pigsty"
    cat >"$FIX/m/pigsty/manifest.json" <<JSON
{"target": {"os": "debian", "release": "13", "codename": "$2", "arch": "amd64"},
 "definition": {"pg_major": 17},
 "upstreams": [
  {"suite": "trixie", "url": "http://mirror.example/debian",
   "indexes": [{"path": "main/binary-amd64/Packages"}, {"path": "contrib/binary-amd64/Packages"}]},
  {"suite": "trixie-security", "url": "http://mirror.example/debian-security",
   "indexes": [{"path": "main/binary-amd64/Packages"}]}]}
JSON
    tar -czf "$1" -C "$FIX/m" pigsty
}
manifest "$FIX/good.tgz" trixie
got=$(PIGSTY_SANDBOX_DIR=/sb; SANDBOX_DIR=/sb; node_target "$FIX/good.tgz"
    printf '%s|%s|%s|%s' "$NODE_CODENAME" "$NODE_PG_MAJOR" "$NODE_IMAGE" "$NODE_SOURCES")
check nodeTarget_releaseMajorImageAndSuitesFromTheManifest \
    "trixie|17|/sb/image/node-trixie.tar|deb http://mirror.example/debian trixie contrib main
deb http://mirror.example/debian-security trixie-security main" "$got"
manifest "$FIX/bad.tgz" 'trixie; rm -rf /'
got=$( (node_target "$FIX/bad.tgz") 2>/dev/null; printf 'rc=%s' "$?")
check nodeTarget_refusesACodenameThatIsNoWord rc=1 "$got"

# cleanup removes tracked paths, newest first, and nothing else
mkdir -p "$FIX/work/made/sub" "$FIX/work/kept"
: >"$FIX/work/made/sub/f"
: >"$FIX/work/file"
got=$(
    _SANDBOX_MADE=""
    sandbox_track "$FIX/work/made"
    sandbox_track "$FIX/work/file"
    sandbox_cleanup
    ls -A "$FIX/work"
)
check cleanup_removesOnlyTrackedPaths kept "$got"
got=$(
    _SANDBOX_MADE=""
    mkdir -p "$FIX/work/cache"
    sandbox_track "$FIX/work/cache"
    _sandbox_untrack "$FIX/work/cache"
    sandbox_cleanup
    find "$FIX/work" -mindepth 1 -maxdepth 1 -printf "%f\n" | sort | tr "\n" " "
)
check cleanup_untrackedPathStays "cache kept " "$got"

[ "$FAILED" -eq 0 ] || { printf '%s case(s) failed\n' "$FAILED" >&2; exit 1; }
