#!/bin/bash
# release.sh JAR VERSION OUT_DIR: build OUT_DIR/pigsty-VERSION.tgz, the release a user copies
# to the box. It unpacks to pigsty/ with: configure, Makefile (from
# box/), pigsty.jar, templates/ (if builder/src/main/resources/templates exists), jre/, a
# runtime made by jlink with the modules jdeps finds in the jar, and bundle-keys.txt: the
# fingerprint of the bundle signing key (--key-dir via PIGSTY_KEY_DIR, the key that signs
# SHA256SUMS below and that 'make pkg' signs bundles with), uppercase hex, one a line, which
# './configure' requires a bundle to be signed by.
# Beside it in OUT_DIR: our packages pigsty_VERSION_all.deb and pigsty-VERSION-1.noarch.rpm
# (same files minus jre/, 'pigsty package'), get (box/get with VERSION and $PIGSTY_SITE, default
# https://pigsty.invalid, filled in), SHA256SUMS (sha256sum of those and of every
# pigsty-pkg-VERSION.*.tgz bundle present), SHA256SUMS.asc (detached signature with the bundle
# key: --key-dir via PIGSTY_KEY_DIR) and pigsty.gpg (its public key); then checks them with
# 'pigsty verify --sums'.
# Reproducible: entries sorted by name, owner 0:0, mtime SOURCE_DATE_EPOCH (default: the last
# commit's time), gzip without name or time. Progress on stderr; prints the tarball path.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 JAR VERSION OUT_DIR" >&2; exit 2; }
JAR=$1 VERSION=$2 OUT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
[ -f "$JAR" ] || { echo "FAIL: jar not found: $JAR" >&2; exit 2; }
for t in jdeps jlink tar gzip; do
    command -v "$t" >/dev/null || { echo "FAIL: $t not found (install openjdk-17-jdk-headless)" >&2; exit 2; }
done
EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || echo 0)}
mkdir -p "$OUT"
STAGE=$(mktemp -d "$OUT/.release.XXXXXX")
trap 'rm -rf --one-file-system "$STAGE"' EXIT
R=$STAGE/pigsty
mkdir -p "$R"
cp "$JAR" "$R/pigsty.jar"
cp "$HERE/Makefile" "$R/Makefile"
cp "$TOP/configure" "$R/configure"
chmod 0755 "$R/configure"
if [ -d "$TOP/builder/src/main/resources/templates" ]; then
    cp -r "$TOP/builder/src/main/resources/templates" "$R/templates"
fi
# the bundle key's fingerprint, from a signature made with it ('pigsty sign' prints the signer)
: >"$STAGE/.key-probe"
FPR=$(java -jar "$JAR" sign "$STAGE/.key-probe" | sed -n 's/^.*: signed by \([0-9A-F]\{40,64\}\)$/\1/p')
rm -f "$STAGE/.key-probe" "$STAGE/.key-probe.asc"
[ -n "$FPR" ] || { echo "FAIL: no bundle signing key fingerprint from 'pigsty sign'" >&2; exit 1; }
printf '%s\n' "$FPR" >"$R/bundle-keys.txt"
echo "release: bundle key $FPR pinned in pigsty/bundle-keys.txt" >&2
echo "release: our packages (.deb, .rpm)" >&2
# entry times: SOURCE_DATE_EPOCH if the caller set it, else the jar's build timestamp (not the
# commit time: make pkg builds the same .deb for the bundle, whatever was committed between).
# The .deb that make pkg put in the bundle is reused when it is newer than what it holds.
DEB=$OUT/pigsty_${VERSION}_all.deb
formats=rpm
if [ ! -f "$DEB" ] || [ "$JAR" -nt "$DEB" ] || [ "$TOP/configure" -nt "$DEB" ] || [ "$HERE/Makefile" -nt "$DEB" ]; then
    formats="deb rpm"
fi
for f in $formats; do
    java -jar "$JAR" package "$f" --from "$R" --version "$VERSION" -o "$OUT" >&2
done
# a bundle in OUT_DIR should carry these very bytes (make pkg builds the .deb the same way
# with the same times); say so when it does not
DEB_SHA=$(sha256sum "$DEB" | cut -c1-64)
for idx in "$OUT"/*/pigsty/Packages; do
    [ -f "$idx" ] || continue
    in_bundle=$(awk '/^Package: /{p=$2} /^SHA256: /{if (p=="pigsty") print $2}' "$idx")
    if [ -n "$in_bundle" ] && [ "$in_bundle" != "$DEB_SHA" ]; then
        echo "release: WARNING: $idx lists a different pigsty .deb than this release's; rebuild the bundle (make pkg)" >&2
    fi
done
echo "release: jdeps on $JAR" >&2
MODULES=$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 "$JAR" | tail -1)
[ -n "$MODULES" ] || { echo "FAIL: jdeps found no module" >&2; exit 1; }
echo "release: jlink --add-modules $MODULES" >&2
jlink --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$R/jre"
"$R/jre/bin/java" -jar "$R/pigsty.jar" --version >/dev/null ||
    { echo "FAIL: the jlinked runtime cannot run pigsty.jar" >&2; exit 1; }
chmod -R u+rwX,go+rX,go-w "$R"
TGZ=$OUT/pigsty-$VERSION.tgz
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$EPOCH" \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$STAGE" -cf - pigsty | gzip -n -6 >"$TGZ.tmp"
mv -f "$TGZ.tmp" "$TGZ"
(cd "$OUT" && sha256sum "$(basename "$TGZ")" >"$(basename "$TGZ").sha256")
# get, with this release's version and the site filled in
SITE=${PIGSTY_SITE:-https://pigsty.invalid}
sed -e "s|@PIGSTY_VERSION@|$VERSION|g" -e "s|@PIGSTY_SITE@|$SITE|g" "$HERE/get" >"$OUT/.get.tmp"
chmod 0755 "$OUT/.get.tmp"
mv -f "$OUT/.get.tmp" "$OUT/get"
# SHA256SUMS over the release files present, signed; both renamed into place together
# each file is hashed once here: the tarball's and the bundles' lines come from the .sha256
# files written beside them (make pkg writes the bundles'), the .deb's from DEB_SHA above; the
# verify --sums below then reads every listed file once more, as a user's check would
(
    cd "$OUT"
    cat "pigsty-$VERSION.tgz.sha256"
    printf '%s  %s\n' "$DEB_SHA" "pigsty_${VERSION}_all.deb"
    sha256sum "pigsty-$VERSION-1.noarch.rpm" get
    for b in "pigsty-pkg-$VERSION".*.tgz; do
        [ -f "$b" ] || continue
        if [ -f "$b.sha256" ] && [ ! "$b" -nt "$b.sha256" ] &&
            grep -qxE "[0-9a-f]{64}  $b" "$b.sha256" && [ "$(wc -l <"$b.sha256")" = 1 ]; then
            cat "$b.sha256"
        else
            sha256sum "$b"
        fi
    done
) >"$OUT/.SHA256SUMS.tmp"
SOURCE_DATE_EPOCH=$EPOCH java -jar "$JAR" sign --keyring "$OUT/pigsty.gpg" "$OUT/.SHA256SUMS.tmp" >&2
# checked before it is put in place: a stale checksum never lands as SHA256SUMS
# --key: signed by the key that bundle-keys.txt pins (the same key dir throughout)
java -jar "$JAR" verify --sums "$OUT/.SHA256SUMS.tmp" --key "$FPR" >&2 ||
    { rm -f "$OUT/.SHA256SUMS.tmp" "$OUT/.SHA256SUMS.tmp.asc"; echo "FAIL: the release does not verify" >&2; exit 1; }
mv -f "$OUT/.SHA256SUMS.tmp.asc" "$OUT/SHA256SUMS.asc"
mv -f "$OUT/.SHA256SUMS.tmp" "$OUT/SHA256SUMS"
echo "release: $TGZ ($(du -h "$TGZ" | cut -f1), modules $MODULES)" >&2
echo "$TGZ"
