# shellcheck shell=bash disable=SC2034
# item 17: a bundle with 15,000 stray files (30,000 problems): exit 8 with a short sorted list
expect=8
case_run() {
    python3 - "$SHARED/good" "$WORK/junk.tgz" <<'PY'
import io, os, sys, tarfile
tree, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, "w:gz", compresslevel=1) as t:
    t.add(os.path.join(tree, "pigsty"), arcname="pigsty")
    for i in range(14999, -1, -1):
        ti = tarfile.TarInfo("pigsty/junk-%05d" % i)
        t.addfile(ti, io.BytesIO(b""))
PY
    pigsty verify "$WORK/junk.tgz"
}
case_check() {
    [ "$(wc -l <"$CASE_ERR")" -le 22 ] && grep -q "30000 problem(s)" "$CASE_ERR" &&
        grep -q "^  \.\.\. and 29980 more$" "$CASE_ERR" &&
        [ "$(sed -n 2p "$CASE_ERR" | grep -c 'junk-00000')" = 1 ]
}
