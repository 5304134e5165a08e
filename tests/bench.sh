#!/bin/bash
# bench.sh JAR DEF: `make bench`. Prints our figures beside apt's on the same machine and data.
#   ours: index load (InRelease fetch + verify + cached Packages parse) and resolve seconds,
#         peak heap (from `pigsty resolve --timings`, second run so the index cache is warm);
#         a cold build (empty cache) and its download MB/s; a no-change rebuild.
#   apt:  `apt-get install --simulate` of the requested list in a minbase root and
#         `apt-get download` of the same closure (bench-apt.sh).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 JAR DEF" >&2; exit 2; }
JAR=$(readlink -f "$1"); DEF=$(readlink -f "$2")
HERE=$(dirname "$(readlink -f "$0")")
WORK=$(mktemp -d /var/tmp/pigsty-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export PIGSTY_KEY_DIR="$WORK/key"

pig() { java -jar "$JAR" "$@"; }
kv() { sed -n "s/^$1=//p" "$2" | tail -1; }

echo "== ours: resolve (cold index cache, then warm)" >&2
PIGSTY_CACHE="$WORK/cache" pig resolve "$DEF" --timings >"$WORK/closure.tsv" 2>"$WORK/t0.txt"
t0=$(date +%s.%N)
PIGSTY_CACHE="$WORK/cache" pig resolve "$DEF" --timings >"$WORK/closure.tsv" 2>"$WORK/t1.txt"
t1=$(date +%s.%N)
pig resolve "$DEF" --requested >"$WORK/requested.txt"

# The archive may sit behind a caching proxy: whoever downloads second is served warm. So apt
# downloads once before us (warming it, reported as apt_first) and once after; the ratio uses
# the run after, when both saw the same warm proxy.
echo "== apt, first run (also warms any proxy)" >&2
bash "$HERE/bench-apt.sh" "$WORK/requested.txt" "$WORK/closure.tsv" >"$WORK/apt-first.txt"

echo "== ours: cold build (empty .deb cache)" >&2
b0=$(date +%s.%N)
PIGSTY_CACHE="$WORK/cache" pig build "$DEF" --out "$WORK/dist" >"$WORK/build1.txt"
b1=$(date +%s.%N)
echo "== ours: no-change rebuild" >&2
PIGSTY_CACHE="$WORK/cache" pig build "$DEF" --out "$WORK/dist" >"$WORK/build2.txt"
b2=$(date +%s.%N)

echo "== apt, second run (minbase root, same suites)" >&2
bash "$HERE/bench-apt.sh" "$WORK/requested.txt" "$WORK/closure.tsv" >"$WORK/apt.txt"

ours_mbps=$(sed -n 's/^download \([0-9.]*\) MB\/s/\1/p' "$WORK/build1.txt")
apt_mbps=$(kv apt_download_mb_per_s "$WORK/apt.txt")
printf '\n%-44s %12s %12s\n' "measure" "pigsty" "apt"
printf '%-44s %12s %12s\n' "packages in closure / apt simulate" "$(wc -l <"$WORK/closure.tsv")" "$(kv apt_simulate_packages "$WORK/apt.txt")"
printf '%-44s %12s %12s\n' "index load (s, warm cache)" "$(kv metadata_seconds "$WORK/t1.txt")" "-"
printf '%-44s %12s %12s\n' "resolve (s)" "$(kv resolve_seconds "$WORK/t1.txt")" "-"
printf '%-44s %12.2f %12s\n' "load + resolve, whole command (s) / simulate" "$(echo "$t1 - $t0" | bc)" "$(kv apt_simulate_seconds "$WORK/apt.txt")"
printf '%-44s %12s %12s\n' "peak heap (MB)" "$(kv peak_heap_mb "$WORK/t1.txt")" "-"
printf '%-44s %12s %12s\n' "cold download (MB/s)" "$ours_mbps" "$apt_mbps"
printf '%-44s %12s %12s\n' "apt first run: download MB/s, simulate s" "$(kv apt_download_mb_per_s "$WORK/apt-first.txt")" "$(kv apt_simulate_seconds "$WORK/apt-first.txt")"
printf '%-44s %12s\n' "download ratio pigsty/apt" "$(echo "scale=2; $ours_mbps / $apt_mbps" | bc)"
printf '%-44s %12.2f\n' "cold build, whole command (s)" "$(echo "$b1 - $b0" | bc)"
printf '%-44s %12.2f\n' "no-change rebuild, whole command (s)" "$(echo "$b2 - $b1" | bc)"
# --- EL: resolve beside dnf, repo index beside createrepo_c (real cs9 repodata, fixture RPMs) ---
if [ -n "${PIGSTY_FIXTURES_EL:-}" ]; then
    bash "$HERE/bench-el.sh" "$JAR" | sed -n '/^EL measure/,$p'
else
    echo "bench: EL figures skipped: no EL fixtures (expected ../shared/fixtures/el beside the checkout, or PIGSTY_FIXTURES_EL)" >&2
fi

echo
echo "ours, cold build:"; sed 's/^/  /' "$WORK/build1.txt"
echo "apt:"; sed 's/^/  /' "$WORK/apt.txt"
