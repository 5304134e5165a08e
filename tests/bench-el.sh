#!/bin/bash
# bench-el.sh JAR: the EL figures of `make bench`, on the real CentOS Stream 9 repodata and
# fixture RPMs of $PIGSTY_FIXTURES_EL, beside dnf and createrepo_c on the same input:
#   resolve: `pigsty resolve` of a package list over BaseOS + AppStream (17,649 + 1,125 packages)
#            served on 127.0.0.1 (cold: fetch + checksum + parse; warm: parse only) with its
#            peak heap, beside `dnf install --assumeno` of the same list into an empty
#            installroot with the same two repositories (file://, no network);
#   index:   `pigsty repo index` beside `createrepo_c` on the fixture RPMs and on a bundle-sized set
#            made of them (40 copies in subdirectories), as whole commands (wall, CPU, peak RSS)
#            and, for ours, the indexing alone in a warm JVM.
# Prints name=value lines, then a table. Needs python3, dnf, createrepo_c.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 JAR" >&2; exit 2; }
JAR=$(readlink -f "$1")
EL=${PIGSTY_FIXTURES_EL:?no EL fixtures: expected ../shared/fixtures/el beside the checkout (a copy of shared/, as CI has), or set PIGSTY_FIXTURES_EL}
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
KEY=$(readlink -f "$(dirname "$0")/../bundles/keys/el/RPM-GPG-KEY-Rocky-9")
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
# index: the 39 fixture RPMs, and a bundle-sized set made of them (each in 40 subdirectories, hard
# links: 1,560 packages, 363 MB), each timed as a whole command (best of 3 wall-clock runs, with
# CPU seconds and peak RSS) beside createrepo_c, and in one JVM after warm-up (RepodataWriter alone)
N_FIX=$(ls "$EL"/rpms/*.rpm | wc -l)
echo "== index: pigsty repo index vs createrepo_c on $N_FIX RPMs and on 40 x $N_FIX" >&2
mkdir -p "$WORK/small" "$WORK/big"
cp "$EL"/rpms/*.rpm "$WORK/small/"
for i in $(seq -w 1 40); do mkdir -p "$WORK/big/r$i"; ln "$WORK/small/"*.rpm "$WORK/big/r$i/"; done
# make the bundle key first (RSA 3072 generation, once per key directory) so it is not timed
mkdir -p "$WORK/rpm-warm" && cp "$EL/rpms/empty-0-0.x86_64.rpm" "$WORK/rpm-warm/" && pig repo index "$WORK/rpm-warm" >/dev/null
# best3 NAME CMD...: runs CMD three times on a fresh repodata/, keeps the fastest as
# NAME_wall NAME_cpu NAME_rss_mb in $WORK/index.txt
best3() {
    local name=$1 dir=$2; shift 2
    for _ in 1 2 3; do
        rm -rf "$dir/repodata"
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/t.txt" "$@" >/dev/null
        cat "$WORK/t.txt"
    done | sort -n | head -1 | awk -v n="$name" '{printf "%s_wall=%.2f\n%s_cpu=%.2f\n%s_rss_mb=%d\n", n, $1, n, $2 + $3, n, $4 / 1024}' >>"$WORK/index.txt"
}
: >"$WORK/index.txt"
best3 ours_small "$WORK/small" java -jar "$JAR" repo index "$WORK/small"
best3 cr_small "$WORK/small" createrepo_c -q --no-database "$WORK/small"
best3 ours_big "$WORK/big" java -jar "$JAR" repo index "$WORK/big"
best3 cr_big "$WORK/big" createrepo_c -q --no-database "$WORK/big"
TC=$(readlink -f "$(dirname "$0")/../repo/target/test-classes")
java -cp "$JAR:$TC" io.pigsty.repo.rpm.IndexBenchmark "$WORK/small" 8 >"$WORK/warm-small.txt"
java -Xmx256m -cp "$JAR:$TC" io.pigsty.repo.rpm.IndexBenchmark "$WORK/big" 6 >"$WORK/warm-big.txt"
# warm: the fastest of the last three runs (the JIT has compiled the hot paths by then)
warm_of() { tail -3 "$1" | sed -n 's/.* in \([0-9.]*\) s, peak heap \([0-9]*\) MB/\1 \2/p' | sort -n | head -1; }
read -r warm_small_s warm_small_mb <<<"$(warm_of "$WORK/warm-small.txt")"
read -r warm_big_s warm_big_mb <<<"$(warm_of "$WORK/warm-big.txt")"
ix() { kv "$1" "$WORK/index.txt"; }
N_BIG=$(find "$WORK/big" -name '*.rpm' | wc -l)
MB_BIG=$(find "$WORK/big" -name '*.rpm' -printf '%s\n' | awk '{s += $1} END {printf "%d", s / 1e6}')
echo "== parse of the cs9 AppStream primary alone, -Xmx256m (3 runs in one JVM)" >&2
TC=$(readlink -f "$(dirname "$0")/../repo/target/test-classes")
java -Xmx256m -cp "$JAR:$TC" io.pigsty.repo.rpm.PrimaryParseBenchmark "$EL" 3 >"$WORK/parse.txt"
parse1=$(sed -n 's/^run 1: .* in \([0-9.]*\) s, peak heap \([0-9]*\) MB.*/\1 \2/p' "$WORK/parse.txt")
parse3=$(sed -n 's/^run 3: .* in \([0-9.]*\) s, peak heap \([0-9]*\) MB.*/\1 \2/p' "$WORK/parse.txt")
cold=$(echo "$r1 - $r0" | bc); warm=$(echo "$r2 - $r1" | bc); dnf_s=$(echo "$d1 - $d0" | bc)
printf 'el_closure_packages=%s\nel_dnf_packages=%s\n' "$(wc -l <"$WORK/closure.tsv")" "${dnf_n:-?}"
printf 'el_metadata_cold_seconds=%s\nel_metadata_warm_seconds=%s\nel_resolve_seconds=%s\nel_peak_heap_mb=%s\n' \
    "$(kv metadata_seconds "$WORK/cold.txt")" "$(kv metadata_seconds "$WORK/warm.txt")" \
    "$(kv resolve_seconds "$WORK/warm.txt")" "$(kv peak_heap_mb "$WORK/warm.txt")"
printf 'el_resolve_command_cold_seconds=%.2f\nel_resolve_command_warm_seconds=%.2f\nel_dnf_assumeno_seconds=%.2f\n' "$cold" "$warm" "$dnf_s"
sed 's/^/el_index_/' "$WORK/index.txt"
printf 'el_index_warm_small_seconds=%s\nel_index_warm_big_seconds=%s\nel_index_warm_big_peak_heap_mb=%s\n' \
    "$warm_small_s" "$warm_big_s" "$warm_big_mb"
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
printf '%-52s %12s %12s\n' "repo index, $N_FIX fixture RPMs: command (s)" "$(ix ours_small_wall)" "$(ix cr_small_wall)"
printf '%-52s %12s %12s\n' "  CPU seconds / peak RSS (MB)" "$(ix ours_small_cpu) / $(ix ours_small_rss_mb)" "$(ix cr_small_cpu) / $(ix cr_small_rss_mb)"
printf '%-52s %12s %12s\n' "  in one warm JVM, indexing alone (s)" "$warm_small_s" "-"
printf '%-52s %12s %12s\n' "repo index, $N_BIG RPMs ($MB_BIG MB): command (s)" "$(ix ours_big_wall)" "$(ix cr_big_wall)"
printf '%-52s %12s %12s\n' "  CPU seconds / peak RSS (MB)" "$(ix ours_big_cpu) / $(ix ours_big_rss_mb)" "$(ix cr_big_cpu) / $(ix cr_big_rss_mb)"
printf '%-52s %12s %12s\n' "  in one warm JVM -Xmx256m (s / peak heap MB)" "$warm_big_s / $warm_big_mb" "-"
