#!/bin/bash
# Regenerates version-pairs.tsv: for every pair in version-candidates.txt, plus pairs of real
# versions (each package's versions in the given Packages files, and neighbours in sorted
# order), asks `dpkg --compare-versions` for the order (pairs dpkg warns about are left out). Usage:
#   gen-version-pairs.sh [Packages ...] > version-pairs.tsv
set -eu
here=$(dirname "$(readlink -f "$0")")
pairs() {
  grep -v '^#' "$here/version-candidates.txt" | sed '/^$/d'
  if [ $# -gt 0 ]; then
    # real versions: sample 1 in 400 stanzas, pair neighbours after a plain text sort
    cat "$@" | sed -n 's/^Version: //p' | awk 'NR % 400 == 0' | sort -u >/tmp/gen-versions.$$
    paste -d' ' <(head -n -1 /tmp/gen-versions.$$) <(tail -n +2 /tmp/gen-versions.$$)
    paste -d' ' <(head -n -7 /tmp/gen-versions.$$) <(tail -n +8 /tmp/gen-versions.$$)
    rm -f /tmp/gen-versions.$$
  fi
}
pairs "$@" | while read -r a b; do
  # keep only versions dpkg accepts without a syntax warning
  if [ -n "$(dpkg --compare-versions "$a" lt "$b" 2>&1 >/dev/null)" ]; then continue; fi
  if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then op='<'
  elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then op='='
  else op='>'; fi
  printf '%s\t%s\t%s\n' "$a" "$b" "$op"
done
