# shellcheck shell=bash disable=SC2034
# item 11: a small bundle whose Packages is 80 MB of zeros, verified under a 256 MB heap: named,
# not read (exit 8), no OutOfMemoryError
expect=8
case_run() {
    python3 - "$SHARED/good" "$WORK/bomb.tgz" <<'PY'
import io, os, sys, tarfile
tree, out = sys.argv[1], sys.argv[2]
class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readable(self): return True
    def readinto(self, b):
        n = min(len(b), self.left); b[:n] = bytes(n); self.left -= n; return n
with tarfile.open(out, "w:gz", compresslevel=1) as t:
    for n in sorted(os.listdir(os.path.join(tree, "pigsty"))):
        if n == "Packages":
            ti = tarfile.TarInfo("pigsty/Packages"); ti.size = 80 << 20
            t.addfile(ti, io.BufferedReader(Zeros(ti.size)))
        else:
            t.add(os.path.join(tree, "pigsty", n), arcname="pigsty/" + n)
PY
    java -XX:TieredStopAtLevel=1 -Xmx256m -jar "$JAR" verify "$WORK/bomb.tgz"
}
case_check() {
    grep -q "Packages: 83886080 bytes of metadata" "$CASE_ERR" && ! grep -q "OutOfMemory" "$CASE_ERR"
}
