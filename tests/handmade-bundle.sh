#!/bin/bash
# handmade-bundle.sh REQUESTED_FILE OUT_DIR: build a reference offline bundle with Debian's own
# tools, the way upstream Pigsty does, but signed: the packages `apt-get install --simulate`
# picks for REQUESTED_FILE (one name a line) on a bookworm minbase root, fetched with
# `apt-get download`, indexed by dpkg-scanpackages, a Release from apt-ftparchive, clear-signed
# with a throw-away gpg key.
#
# Writes OUT_DIR/pigsty-pkg-handmade.d12.amd64.tgz (root dir pigsty/: the .debs, Packages,
# Packages.gz, Release, InRelease, pigsty.gpg, manifest.json) and OUT_DIR/closure.tsv
# (name<TAB>version<TAB>arch<TAB>suite, sorted by name: the same shape as `pigsty resolve`).
# It is the baseline the Java builder is compared with, and proves apt-oracle.sh on a bundle
# that apt is known to accept. Needs root and the host's Debian archive.
set -eu

[ $# -eq 2 ] || { printf 'usage: %s REQUESTED_FILE OUT_DIR\n' "${0##*/}" >&2; exit 2; }
REQ=$1 OUT=$2
[ -s "$REQ" ] || { printf 'FAIL: empty or missing list: %s\n' "$REQ" >&2; exit 2; }
mkdir -p "$OUT"
OUT=$(readlink -f "$OUT")

# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$(dirname "$(readlink -f "$0")")/sandbox-lib.sh"
sandbox_init
ensure_tools
for t in dpkg-scanpackages apt-ftparchive gpg; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found (apt-get install dpkg-dev apt-utils gnupg)"
done
mapfile -t REQUESTED < <(sed -e 's/[[:space:]]*$//' -e '/^$/d' "$REQ")

new_root handmade
ROOT=$SANDBOX_ROOT
root_enable_dns "$ROOT"
in_root "$ROOT" apt-get update -q >/dev/null || die "apt-get update failed in $ROOT"
in_root "$ROOT" apt-get install --simulate -y "${REQUESTED[@]}" >"$ROOT/tmp/simulate.log" ||
    die "apt-get install --simulate failed for $REQ"
sed -n -E 's/^Inst ([^ ]+) (\[[^]]*\] )?\(([^ ]+) .*/\1=\3/p' "$ROOT/tmp/simulate.log" | sort -u >"$ROOT/tmp/pins"
[ -s "$ROOT/tmp/pins" ] || die "apt would install nothing for $REQ"
note "downloading $(wc -l <"$ROOT/tmp/pins") packages"
mkdir -p "$ROOT/tmp/pigsty"
in_root "$ROOT" sh -c 'chown _apt /tmp/pigsty && cd /tmp/pigsty && xargs apt-get download -q </tmp/pins' >/dev/null ||
    die "apt-get download failed"

# suite of each picked version, from the URI suite column of `apt-cache madison`
in_root "$ROOT" sh -c 'cut -d= -f1 /tmp/pins | xargs apt-cache madison' >"$ROOT/tmp/madison"
tr '=' ' ' <"$ROOT/tmp/pins" | while read -r n v; do
    suite=$(awk -F' [|] ' -v n="$n" -v v="$v" '
        { gsub(/ /, "", $1); gsub(/ /, "", $2) }
        $1 == n && $2 == v { split($3, a, " "); split(a[2], b, "/"); print b[1]; exit }' "$ROOT/tmp/madison")
    debs=("$ROOT/tmp/pigsty/${n}_"*.deb)
    arch=$(dpkg-deb -f "${debs[0]}" Architecture)
    printf '%s\t%s\t%s\t%s\n' "$n" "$v" "$arch" "${suite:-unknown}"
done | sort >"$OUT/closure.tsv"

REPO="$ROOT/tmp/pigsty"
(cd "$REPO" && dpkg-scanpackages --multiversion . /dev/null 2>/dev/null >Packages)
gzip -9nk "$REPO/Packages"
apt-ftparchive -o APT::FTPArchive::Release::Origin=Pigsty \
    -o APT::FTPArchive::Release::Label=Pigsty \
    -o APT::FTPArchive::Release::Description="handmade reference bundle" \
    release "$REPO" >"$ROOT/tmp/Release"
mv "$ROOT/tmp/Release" "$REPO/Release"

GNUPGHOME=$(mktemp -d "$PIGSTY_TEST_WORK/gnupg.XXXXXX")
sandbox_track "$GNUPGHOME"
export GNUPGHOME
gpg --batch -q --passphrase '' --quick-gen-key 'Pigsty handmade test <test@example.org>' default default never
gpg --batch -q --export >"$REPO/pigsty.gpg"
gpg --batch -q --yes --clearsign -o "$REPO/InRelease" "$REPO/Release"
gpgconf --kill all 2>/dev/null || true
printf '{"name":"handmade","os":"d12","arch":"amd64","packages":%s}\n' \
    "$(find "$REPO" -maxdepth 1 -name '*.deb' | wc -l)" >"$REPO/manifest.json"

tar -C "$ROOT/tmp" -czf "$OUT/pigsty-pkg-handmade.d12.amd64.tgz.tmp" pigsty
mv "$OUT/pigsty-pkg-handmade.d12.amd64.tgz.tmp" "$OUT/pigsty-pkg-handmade.d12.amd64.tgz"
printf 'bundle=%s\nclosure=%s\npackages=%s\n' "$OUT/pigsty-pkg-handmade.d12.amd64.tgz" \
    "$OUT/closure.tsv" "$(wc -l <"$OUT/closure.tsv")"
