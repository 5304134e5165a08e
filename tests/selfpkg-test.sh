#!/bin/bash
# selfpkg-test.sh JAR: our own packages installed by the real package managers (run as root
# from the source tree, after 'make build').
#   deb: 'pigsty package deb', checked with dpkg-deb --info/--contents, indexed as a signed flat
#        repo with 'pigsty repo index', then in a fresh minbase bookworm root with no network
#        (unshare --net) and no other apt source: apt-get update (Signed-By, no trusted=yes),
#        apt-get install pigsty (nothing else may be installed: no Depends), the wrapper
#        without Java says what to install (exit 10), with a jlinked runtime under the prefix it
#        runs the jar, apt-get purge removes every file.
#   rpm: 'pigsty package rpm', checked with rpm -qip, indexed with 'pigsty repo index'
#        (repodata + repomd.xml.asc), then dnf install into an empty --installroot with
#        repo_gpgcheck=1 against our key (the .rpm itself is unsigned: gpgcheck=0), rpm -V of
#        the installed files, dnf remove.
# Prints "ok - CASE" per case; exits 1 on the first failure.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 JAR" >&2; exit 2; }
HERE=$(dirname "$(readlink -f "$0")")
TOP=$(cd "$HERE/.." && pwd)
JAR=$(readlink -f "$1")
# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$HERE/sandbox-lib.sh"
[ "$(id -u)" = 0 ] || die "run as root (chroot, unshare)"
sandbox_init
ensure_tools
for t in dpkg-deb rpm dnf jdeps jlink; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found (make tools)"
done
V=4.0.0
W="$PIGSTY_TEST_WORK/selfpkg.$$"
mkdir -p "$W"
sandbox_track "$W"
ok() { echo "ok - $*"; }
PIGSTY() { java -jar "$JAR" "$@"; }

(cd "$TOP" && SOURCE_DATE_EPOCH=1767225600 PIGSTY package deb --version $V -o "$W/deb" --key-dir "$W/key" >/dev/null)
(cd "$TOP" && SOURCE_DATE_EPOCH=1767225600 PIGSTY package rpm --version $V -o "$W/rpm" --key-dir "$W/key" >/dev/null)
DEB=$W/deb/pigsty_${V}_all.deb
RPM=$W/rpm/pigsty-$V-1.noarch.rpm

# --- deb: fields and contents
info=$(dpkg-deb --info "$DEB")
for f in "Package: pigsty" "Version: $V" "Architecture: all"; do
    grep -q "^ $f\$" <<<"$info" || die "dpkg-deb --info: no '$f'"
done
! grep -q '^ \(Pre-\)\{0,1\}Depends:' <<<"$info" || die "the .deb has Depends: it must not grow the bundle closure"
contents=$(dpkg-deb --contents "$DEB")
for p in ./usr/bin/pigsty ./usr/share/pigsty/configure ./usr/share/pigsty/pigsty.jar ./usr/share/pigsty/Makefile ./usr/share/pigsty/bundle-keys.txt; do
    grep -q " $p\$" <<<"$contents" || die "dpkg-deb --contents: no $p"
done
ok "dpkg-deb --info/--contents: pigsty $V all, no Depends, configure + jar + wrapper + bundle-keys.txt"

# --- deb: apt-get install from a signed flat repo in an offline root
mkdir -p "$W/repo"
cp "$DEB" "$W/repo/"
PIGSTY repo index "$W/repo" --key-dir "$W/key" >/dev/null
new_root selfpkg
R=$SANDBOX_ROOT
rm -f "$R/etc/apt/sources.list"
find "$R/etc/apt/sources.list.d" -mindepth 1 -delete
rm -rf "$R/var/lib/apt/lists"/*
mkdir -p "$R/var/lib/apt/lists/partial" "$R/srv"
cp -a "$W/repo" "$R/srv/pigsty"
# repo index writes its files 0600 (temp files); apt reads them as _apt
chmod -R a+rX "$R/srv/pigsty"
cat >"$R/etc/apt/sources.list.d/pigsty-local.sources" <<'EOF'
Types: deb
URIs: file:/srv/pigsty
Suites: ./
Signed-By: /srv/pigsty/pigsty.gpg
EOF
root_forbid_services "$R"
in_root_offline "$R" dpkg-query -W -f='${Package}\n' | sort >"$W/before"
in_root_offline "$R" apt-get update >"$W/update.log" 2>&1 || { cat "$W/update.log" >&2; die "apt-get update failed"; }
! grep -qi 'not signed\|NO_PUBKEY\|insecure\|W: ' "$W/update.log" || { cat "$W/update.log" >&2; die "apt-get update warned"; }
in_root_offline "$R" apt-get install -y pigsty >"$W/install.log" 2>&1 || { cat "$W/install.log" >&2; die "apt-get install pigsty failed"; }
in_root_offline "$R" dpkg-query -W -f='${Package}\n' | sort >"$W/after"
added=$(comm -13 "$W/before" "$W/after" | tr '\n' ' ')
[ "$added" = "pigsty " ] || die "apt-get install pigsty installed '$added', expected only pigsty"
[ "$(in_root_offline "$R" dpkg-query -W -f='${db:Status-Abbrev}' pigsty)" = "ii " ] || die "pigsty is not installed (ii)"
ok "apt-get install pigsty offline from a Signed-By flat repo: only pigsty installed"

set +e
msg=$(in_root_offline "$R" /usr/bin/pigsty --version 2>&1)
rc=$?
set -e
[ "$rc" -eq 10 ] || die "pigsty without Java: exit $rc, expected 10 ($msg)"
grep -q 'openjdk-17-jre-headless' <<<"$msg" || die "pigsty without Java does not say what to install: $msg"
ok "wrapper without Java: exit 10, names openjdk-17-jre-headless"

MODULES=$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 "$JAR" | tail -1)
jlink --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --output "$R/usr/share/pigsty/jre"
vout=$(in_root_offline "$R" /usr/bin/pigsty --version 2>&1) || die "pigsty --version with a runtime failed: $vout"
grep -q '^pigsty ' <<<"$vout" || die "pigsty --version printed '$vout'"
out=$(in_root_offline "$R" /usr/share/pigsty/configure --help 2>&1) || die "configure --help failed: $out"
grep -q -- '-m' <<<"$out" || die "configure --help printed '$out'"
rm -rf "$R/usr/share/pigsty/jre"
ok "wrapper and configure run the installed jar ($vout)"

in_root_offline "$R" apt-get purge -y pigsty >"$W/purge.log" 2>&1 || { cat "$W/purge.log" >&2; die "apt-get purge failed"; }
[ ! -e "$R/usr/bin/pigsty" ] && [ ! -e "$R/usr/share/pigsty" ] || die "files left after apt-get purge"
ok "apt-get purge removes /usr/bin/pigsty and /usr/share/pigsty"

# --- rpm: header, then dnf into an empty installroot
qi=$(rpm -qip "$RPM" 2>&1)
for f in "Name        : pigsty" "Version     : $V" "Release     : 1" "Architecture: noarch"; do
    grep -q "^$f\$" <<<"$qi" || die "rpm -qip: no '$f'"
done
! rpm -qp --requires "$RPM" | grep -v '^rpmlib(' || die "the .rpm requires more than rpmlib features"
ok "rpm -qip: pigsty-$V-1.noarch, requires only rpmlib(...)"

mkdir -p "$W/rpmrepo"
cp "$RPM" "$W/rpmrepo/"
PIGSTY repo index "$W/rpmrepo" --key-dir "$W/key" >/dev/null
IR=$W/installroot
mkdir -p "$IR"
DNF=(dnf -y -q --installroot="$IR" --releasever=9 --setopt=reposdir=/dev/null
    --setopt=install_weak_deps=0 --repofrompath="pigsty,file://$W/rpmrepo"
    --setopt=pigsty.repo_gpgcheck=1 --setopt=pigsty.gpgcheck=0
    --setopt=pigsty.gpgkey="file://$W/rpmrepo/RPM-GPG-KEY-pigsty")
"${DNF[@]}" install pigsty >"$W/dnf.log" 2>&1 || { cat "$W/dnf.log" >&2; die "dnf install pigsty failed"; }
[ "$(rpm --root "$IR" -q pigsty)" = "pigsty-$V-1.noarch" ] || die "rpm --root: pigsty not installed"
[ -x "$IR/usr/bin/pigsty" ] && [ -f "$IR/usr/share/pigsty/pigsty.jar" ] || die "dnf install: files missing"
rpm --root "$IR" -V pigsty || die "rpm -V: installed files differ from the package"
ok "dnf install into an empty installroot (repo_gpgcheck=1 with our key), rpm -V clean"
"${DNF[@]}" remove pigsty >"$W/dnf-remove.log" 2>&1 || { cat "$W/dnf-remove.log" >&2; die "dnf remove failed"; }
[ ! -e "$IR/usr/share/pigsty" ] || die "files left after dnf remove"
ok "dnf remove removes /usr/share/pigsty"
echo "selfpkg-test: all cases passed"
