#!/bin/bash
# bench-el.sh JAR: the EL figures of `make bench`, on the real CentOS Stream 9 repodata and
# fixture RPMs of $PIGSTY_FIXTURES_EL, beside dnf and createrepo_c on the same input:
#   resolve: `pigsty resolve` of a package list over BaseOS + AppStream (17,649 + 1,125 packages)
#            served on 127.0.0.1 (cold: fetch + checksum + parse; warm: parse only) with its
#            peak heap, beside `dnf install --assumeno` of the same list into an empty
#            installroot with the same two repositories (file://, no network);
#   index:   `pigsty repo index` of the fixture RPMs beside `createrepo_c` of the same files.
# Prints name=value lines, then a table. Needs python3, dnf, createrepo_c.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 JAR" >&2; exit 2; }
JAR=$(readlink -f "$1")
EL=${PIGSTY_FIXTURES_EL:?set PIGSTY_FIXTURES_EL to the EL fixtures (../shared/fixtures/el)}
for t in python3 dnf createrepo_c bc; do command -v $t >/dev/null || { echo "FAIL: $t not found" >&2; exit 1; }; done
WORK=$(mktemp -d /var/tmp/pigsty-bench-el.XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export PIGSTY_KEY_DIR="$WORK/key"
pig() { java -jar "$JAR" "$@"; }
kv() { sed -n "s/^$1=//p" "$2" | tail -1; }
now() { date +%s.%N; }

PKGS="tmux nginx python3 git httpd"
mkdir -p "$WORK/www" "$WORK/def/keys"
ln -s "$(readlink -f "$EL/cs9-baseos-2022")" "$WORK/www/baseos"
ln -s "$(readlink -f "$EL/cs9-appstream-2025")" "$WORK/www/appstream"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$WORK/www" && exec python3 -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1) & PID=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/baseos/repodata/repomd.xml" >/dev/null 2>&1 && break; sleep 0.1; done
# resolving downloads no package, so the key only has to load (CentOS signs cs9, not Rocky)
KEY=$(readlink -f "$(dirname "$0")/../../../../bundles/keys/el/RPM-GPG-KEY-Rocky-9")
cat >"$WORK/def/cs9.yml" <<YML
name: el9
version: "bench"
target: {os: centos, release: "9", arch: x86_64}
pg_major: 16
recommends: false
upstreams:
  - {name: baseos, suite: baseos, keys: [$KEY]}
  - {name: appstream, suite: appstream, keys: [$KEY]}
packages:
  node: [$(echo $PKGS | sed 's/ /, /g')]
YML
echo "== ours: resolve, cold then warm" >&2
r0=$(now)
pig resolve "$WORK/def/cs9.yml" --timings --cache "$WORK/cache" --mirror "http://127.0.0.1:$PORT/\$repo" >"$WORK/closure.tsv" 2>"$WORK/cold.txt"
r1=$(now)
pig resolve "$WORK/def/cs9.yml" --timings --cache "$WORK/cache" --mirror "http://127.0.0.1:$PORT/\$repo" >"$WORK/closure.tsv" 2>"$WORK/warm.txt"
r2=$(now)
echo "== dnf: install --assumeno of the same list" >&2
mkdir -p "$WORK/root" "$WORK/reposd"
d0=$(now)
dnf --installroot="$WORK/root" --setopt=reposdir="$WORK/reposd" --setopt=cachedir="$WORK/dnfcache" \
    --setopt=install_weak_deps=False --releasever=9 --forcearch=x86_64 --nogpgcheck \
    --repofrompath=baseos,"file://$(readlink -f "$EL/cs9-baseos-2022")" \
    --repofrompath=appstream,"file://$(readlink -f "$EL/cs9-appstream-2025")" \
    install --assumeno $PKGS >"$WORK/dnf.txt" 2>&1 || true
d1=$(now)
dnf_n=$(awk '/^Install +[0-9]+ Packages?/ {print $2}' "$WORK/dnf.txt")
echo "== index: pigsty repo index vs createrepo_c on $(ls "$EL"/rpms/*.rpm | wc -l) RPMs" >&2
mkdir -p "$WORK/rpm-ours" "$WORK/rpm-cr"
cp "$EL"/rpms/*.rpm "$WORK/rpm-ours/"; cp "$EL"/rpms/*.rpm "$WORK/rpm-cr/"
# make the bundle key first (RSA 3072 generation, once per key directory) so it is not timed
mkdir -p "$WORK/rpm-warm" && cp "$EL/rpms/empty-0-0.x86_64.rpm" "$WORK/rpm-warm/" && pig repo index "$WORK/rpm-warm" >/dev/null
i0=$(now); pig repo index "$WORK/rpm-ours" >/dev/null; i1=$(now)
createrepo_c -q --no-database "$WORK/rpm-cr"; i2=$(now)
echo "== parse of the cs9 AppStream primary alone, -Xmx256m (3 runs in one JVM)" >&2
TC=$(readlink -f "$(dirname "$0")/../../../../repo/target/test-classes")
java -Xmx256m -cp "$JAR:$TC" io.pigsty.repo.rpm.PrimaryParseBenchmark "$EL" 3 >"$WORK/parse.txt"
parse1=$(sed -n 's/^run 1: .* in \([0-9.]*\) s, peak heap \([0-9]*\) MB.*/\1 \2/p' "$WORK/parse.txt")
parse3=$(sed -n 's/^run 3: .* in \([0-9.]*\) s, peak heap \([0-9]*\) MB.*/\1 \2/p' "$WORK/parse.txt")
cold=$(echo "$r1 - $r0" | bc); warm=$(echo "$r2 - $r1" | bc); dnf_s=$(echo "$d1 - $d0" | bc)
ours_i=$(echo "$i1 - $i0" | bc); cr_i=$(echo "$i2 - $i1" | bc)
printf 'el_closure_packages=%s\nel_dnf_packages=%s\n' "$(wc -l <"$WORK/closure.tsv")" "${dnf_n:-?}"
printf 'el_metadata_cold_seconds=%s\nel_metadata_warm_seconds=%s\nel_resolve_seconds=%s\nel_peak_heap_mb=%s\n' \
    "$(kv metadata_seconds "$WORK/cold.txt")" "$(kv metadata_seconds "$WORK/warm.txt")" \
    "$(kv resolve_seconds "$WORK/warm.txt")" "$(kv peak_heap_mb "$WORK/warm.txt")"
printf 'el_resolve_command_cold_seconds=%.2f\nel_resolve_command_warm_seconds=%.2f\nel_dnf_assumeno_seconds=%.2f\n' "$cold" "$warm" "$dnf_s"
printf 'el_repo_index_seconds=%.2f\nel_createrepo_c_seconds=%.2f\n' "$ours_i" "$cr_i"
printf 'el_parse_first_seconds=%s\nel_parse_first_peak_mb=%s\nel_parse_third_seconds=%s\nel_parse_third_peak_mb=%s\n' \
    ${parse1:-? ?} ${parse3:-? ?}
printf '\n%-52s %12s %12s\n' "EL measure (cs9 BaseOS+AppStream, $PKGS)" "pigsty" "dnf/createrepo_c"
printf '%-52s %12s %12s\n' "packages in closure / dnf's transaction" "$(wc -l <"$WORK/closure.tsv")" "${dnf_n:-?}"
printf '%-52s %12.2f %12.2f\n' "resolve command, warm cache (s) / dnf --assumeno" "$warm" "$dnf_s"
printf '%-52s %12.2f %12s\n' "resolve command, cold: fetch+check+parse (s)" "$cold" "-"
printf '%-52s %12s %12s\n' "in-process: metadata load (s, warm)" "$(kv metadata_seconds "$WORK/warm.txt")" "-"
printf '%-52s %12s %12s\n' "peak heap (MB)" "$(kv peak_heap_mb "$WORK/warm.txt")" "-"
printf '%-52s %12s %12s\n' "AppStream primary parse, fresh JVM (s, peak MB)" "${parse1:-?}" "-"
printf '%-52s %12s %12s\n' "AppStream primary parse, third run (s, peak MB)" "${parse3:-?}" "-"
printf '%-52s %12.2f %12.2f\n' "repo index of the fixture RPMs (s)" "$ours_i" "$cr_i"
