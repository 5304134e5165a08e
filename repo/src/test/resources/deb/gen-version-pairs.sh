#!/bin/sh
# Writes version-pairs.tsv from version-candidates.txt by asking dpkg, never by hand.
#
# Usage: gen-version-pairs.sh [candidates [output]]
#   candidates  lines "a<TAB>b"; blank lines and lines starting with '#' are skipped
#               (default: version-candidates.txt beside this script)
#   output      "a<TAB>b<TAB>op" with op one of < = > as `dpkg --compare-versions` decides
#               (default: version-pairs.tsv beside this script)
#
# Fails (exit 1) if dpkg is missing, if dpkg rejects a candidate (exit status 2) or if
# lt/eq/gt do not give exactly one true answer. dpkg's syntax warnings are discarded.
set -eu

dir=$(cd "$(dirname "$0")" && pwd)
in=${1:-$dir/version-candidates.txt}
out=${2:-$dir/version-pairs.tsv}

command -v dpkg >/dev/null 2>&1 || { echo "gen-version-pairs: dpkg not found" >&2; exit 1; }
export LC_ALL=C

# Runs `dpkg --compare-versions $1 $2 $3`; prints 1 (true) or 0 (false); exits on a dpkg error.
ask() {
    if dpkg --compare-versions "$1" "$2" "$3" 2>/dev/null; then
        echo 1
    else
        rc=$?
        if [ "$rc" -ne 1 ]; then
            echo "gen-version-pairs: dpkg exit $rc for '$1' $2 '$3' (line $n of $in)" >&2
            exit 1
        fi
        echo 0
    fi
}

tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
tab=$(printf '\t')
n=0
count=0
while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    case $line in '' | '#'*) continue ;; esac
    a=${line%%"$tab"*}
    b=${line#*"$tab"}
    if [ "$a" = "$line" ] || [ -z "$a" ] || [ -z "$b" ] || [ "$b" != "${b#*"$tab"}" ]; then
        echo "gen-version-pairs: line $n of $in is not 'a<TAB>b': $line" >&2
        exit 1
    fi
    lt=$(ask "$a" lt "$b")
    eq=$(ask "$a" eq "$b")
    gt=$(ask "$a" gt "$b")
    case $lt$eq$gt in
        100) op='<' ;;
        010) op='=' ;;
        001) op='>' ;;
        *) echo "gen-version-pairs: inconsistent answers lt=$lt eq=$eq gt=$gt for '$a' '$b'" >&2; exit 1 ;;
    esac
    printf '%s\t%s\t%s\n' "$a" "$b" "$op" >> "$tmp"
    count=$((count + 1))
done < "$in"

mv "$tmp" "$out"
trap - EXIT
echo "gen-version-pairs: wrote $count pairs to $out ($(dpkg --version | head -n 1))" >&2
