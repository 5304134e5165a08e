#!/bin/bash
# get-test.sh JAR: box/get against a local HTTP server on 127.0.0.1 (python3 http.server with
# an inline handler), on a small fake release with a real SHA256SUMS (sha256sum) and a real
# signature (pigsty sign) checked by gpgv. Cases: the one-liner 'curl -fsSL SITE/get | bash -s
# VERSION'; a redirect (302 to another path); a bad checksum (refused, nothing unpacked); an
# HTML page served with 200 instead of the tarball (refused); an existing pigsty.yml kept; a
# signature by another key (PIGSTY_KEYRING) refused; no key on the site (SHA256 only, said so);
# a version that is not on the site (404); the script under dash.
# Prints "ok - CASE" per case; exits 1 on the first failure.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 JAR" >&2; exit 2; }
JAR=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
GET=$TOP/box/get
V=4.0.0
for t in python3 curl gpgv sha256sum java; do
  command -v "$t" >/dev/null || { echo "FAIL: $t not found" >&2; exit 1; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/get-test.XXXXXX")
SERVER=""
cleanup() {
  [ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true
  rm -rf --one-file-system "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

# the fake release, laid out as 'make release' writes dist/, under site/<version>/
mkdir -p "$T/rel/pigsty/templates" "$T/site/$V"
printf '#!/bin/sh\necho fake configure\n' >"$T/rel/pigsty/configure"
chmod 755 "$T/rel/pigsty/configure"
printf 'install:\n\t@echo fake install\n' >"$T/rel/pigsty/Makefile"
printf 'all: {}\n' >"$T/rel/pigsty/templates/demo.yml"
tar -C "$T/rel" --owner=0 --group=0 -czf "$T/site/$V/pigsty-$V.tgz" pigsty
printf 'bundle stand-in\n' >"$T/site/$V/pigsty-pkg-$V.d12.amd64.tgz"
(cd "$T/site/$V" && sha256sum "pigsty-$V.tgz" "pigsty-pkg-$V.d12.amd64.tgz" >SHA256SUMS)
java -jar "$JAR" sign --key-dir "$T/key" --keyring "$T/site/$V/pigsty.gpg" "$T/site/$V/SHA256SUMS" >/dev/null
sed -e "s|@PIGSTY_VERSION@|$V|" -e "s|@PIGSTY_SITE@|https://pigsty.invalid|" "$GET" >"$T/site/get"
# another key, for the wrong-key case
printf 'x\n' >"$T/other-file"
java -jar "$JAR" sign --key-dir "$T/otherkey" --keyring "$T/other.gpg" "$T/other-file" >/dev/null

# the server: /moved/P redirects to /P; /html/P serves an HTML error page (200) for .tgz
# files; /bad/P serves .tgz files with one byte flipped; /badsums/P serves SHA256SUMS with its
# first digit changed; /nokey/P has no pigsty.gpg (404);
# everything else from site/
cat >"$T/server.py" <<'PY'
import http.server, os, sys
root = sys.argv[1]
class H(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
    def log_message(self, *a):
        pass
    def body(self, code, data, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        p = self.path
        if p.startswith("/moved/"):
            self.send_response(302)
            self.send_header("Location", p[len("/moved"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if p.startswith("/badsums/") and p.endswith("/SHA256SUMS"):
            with open(os.path.join(root, p[len("/badsums/"):]), "rb") as f:
                data = bytearray(f.read())
            data[0] = ord("0") if data[0] != ord("0") else ord("1")
            return self.body(200, bytes(data), "text/plain")
        if p.startswith("/badsums/"):
            self.path = p[len("/badsums"):]
            return super().do_GET()
        if p.startswith("/nokey/"):
            if p.endswith("/pigsty.gpg"):
                return self.body(404, b"not found\n", "text/plain")
            self.path = p[len("/nokey"):]
            return super().do_GET()
        for prefix in ("/html/", "/bad/"):
            if p.startswith(prefix):
                rest = p[len(prefix) - 1:]
                if rest.endswith(".tgz"):
                    if prefix == "/html/":
                        return self.body(200, b"<!DOCTYPE html><html><body>Service unavailable</body></html>\n",
                                         "text/html")
                    with open(os.path.join(root, rest.lstrip("/")), "rb") as f:
                        data = bytearray(f.read())
                    data[len(data) // 2] ^= 1
                    return self.body(200, bytes(data), "application/gzip")
                self.path = rest
        return super().do_GET()
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[2], "w") as f:
    f.write(str(s.server_address[1]))
s.serve_forever()
PY
python3 "$T/server.py" "$T/site" "$T/port" &
SERVER=$!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
[ -s "$T/port" ] || fail "the test server did not start"
SITE=http://127.0.0.1:$(cat "$T/port")

# run_get NAME ARGS...: box/get with PIGSTY_HOME=$T/NAME/pigsty; output in $T/NAME.log, rc in RC
run_get() {
  local name=$1; shift
  mkdir -p "$T/$name"
  set +e
  PIGSTY_HOME=$T/$name/pigsty HOME=$T/$name "$@" >"$T/$name.log" 2>&1
  RC=$?
  set -e
}
# nothing_left NAME: no pigsty/ and no temp dir were left in $T/NAME
nothing_left() {
  [ ! -e "$T/$1/pigsty" ] || fail "$1: $T/$1/pigsty exists after a refused download"
  [ -z "$(ls -A "$T/$1")" ] || fail "$1: left behind: $(ls -A "$T/$1")"
}

# 1. the one-liner, as a user runs it
run_get good bash -c "curl -fsSL '$SITE/get' | PIGSTY_SITE='$SITE' bash -s $V"
[ "$RC" -eq 0 ] || { cat "$T/good.log" >&2; fail "good download: exit $RC"; }
[ -x "$T/good/pigsty/configure" ] && [ -f "$T/good/pigsty/templates/demo.yml" ] || fail "good download: not unpacked"
grep -q 'signature of SHA256SUMS OK' "$T/good.log" || fail "good download: signature not checked"
grep -q 'SHA256 of pigsty-4.0.0.tgz OK' "$T/good.log" || fail "good download: checksum not reported"
grep -q "cd $T/good/pigsty" "$T/good.log" && grep -q './configure' "$T/good.log" && grep -q 'make install' "$T/good.log" ||
  fail "good download: next commands not printed"
[ "$(ls -A "$T/good")" = pigsty ] || fail "good download: left behind $(ls -A "$T/good")"
ok "curl -fsSL SITE/get | bash -s $V: verified (SHA256 + gpgv) and unpacked"

# 2. a redirect (curl -L)
run_get moved env PIGSTY_SITE="$SITE/moved" sh "$T/site/get" "$V"
[ "$RC" -eq 0 ] || { cat "$T/moved.log" >&2; fail "redirect: exit $RC"; }
[ -x "$T/moved/pigsty/configure" ] || fail "redirect: not unpacked"
ok "302 redirect followed"

# 3. a bad checksum: refused, nothing unpacked
run_get bad env PIGSTY_SITE="$SITE/bad" sh "$T/site/get" "$V"
[ "$RC" -eq 8 ] || { cat "$T/bad.log" >&2; fail "bad checksum: exit $RC, expected 8"; }
grep -q 'SHA256SUMS says' "$T/bad.log" || fail "bad checksum: no message"
nothing_left bad
ok "bad checksum refused (exit 8), nothing unpacked"

# 4. an HTML error page with status 200 instead of the tarball
run_get html env PIGSTY_SITE="$SITE/html" sh "$T/site/get" "$V"
[ "$RC" -eq 8 ] || { cat "$T/html.log" >&2; fail "HTML page: exit $RC, expected 8"; }
grep -q 'HTML page' "$T/html.log" || fail "HTML page: not named as such"
nothing_left html
ok "HTML page instead of the tarball refused (exit 8), nothing unpacked"

# 5. an existing pigsty.yml is kept (the old tree is moved aside, not deleted)
mkdir -p "$T/keep/pigsty"
printf 'mine: true\n' >"$T/keep/pigsty/pigsty.yml"
printf 'old\n' >"$T/keep/pigsty/configure"
run_get keep env PIGSTY_SITE="$SITE" sh "$T/site/get" "$V"
[ "$RC" -eq 0 ] || { cat "$T/keep.log" >&2; fail "keep pigsty.yml: exit $RC"; }
[ "$(cat "$T/keep/pigsty/pigsty.yml")" = "mine: true" ] || fail "pigsty.yml was not kept"
grep -q 'fake configure' "$T/keep/pigsty/configure" || fail "keep pigsty.yml: release not unpacked"
ls -d "$T"/keep/pigsty.bak.* >/dev/null 2>&1 || fail "keep pigsty.yml: the old tree is gone"
ok "existing pigsty.yml kept, old tree moved to pigsty.bak.*"

# 6. a signature by another key than PIGSTY_KEYRING
run_get wrongkey env PIGSTY_SITE="$SITE" PIGSTY_KEYRING="$T/other.gpg" sh "$T/site/get" "$V"
[ "$RC" -eq 5 ] || { cat "$T/wrongkey.log" >&2; fail "wrong key: exit $RC, expected 5"; }
nothing_left wrongkey
ok "signature by another key refused (exit 5)"

# 6a. SHA256SUMS changed after signing: the signature check (before any SHA256) refuses it
run_get badsums env PIGSTY_SITE="$SITE/badsums" sh "$T/site/get" "$V"
[ "$RC" -eq 5 ] || { cat "$T/badsums.log" >&2; fail "changed SHA256SUMS: exit $RC, expected 5"; }
grep -q 'bad signature' "$T/badsums.log" || fail "changed SHA256SUMS: no message"
nothing_left badsums
ok "SHA256SUMS changed after signing refused (exit 5)"

# 6b. no key on the site and no PIGSTY_KEYRING: SHA256 only, and it says so
run_get nokey env PIGSTY_SITE="$SITE/nokey" sh "$T/site/get" "$V"
[ "$RC" -eq 0 ] || { cat "$T/nokey.log" >&2; fail "no key: exit $RC"; }
grep -q 'signature of SHA256SUMS is not checked' "$T/nokey.log" || fail "no key: not said"
! grep -q 'signature of SHA256SUMS OK' "$T/nokey.log" || fail "no key: claims a checked signature"
ok "no key on the site: SHA256 checked, signature skipped and said so"

# 7. a version the site does not have
run_get missing env PIGSTY_SITE="$SITE" sh "$T/site/get" 9.9.9
[ "$RC" -eq 4 ] || { cat "$T/missing.log" >&2; fail "missing version: exit $RC, expected 4"; }
grep -q "download failed: $SITE/9.9.9/SHA256SUMS" "$T/missing.log" || fail "missing version: URL not named"
nothing_left missing
ok "missing version: download failed (exit 4) naming the URL"

# 8. the release's dist/get (placeholders filled) is POSIX sh: dash runs it too
if command -v dash >/dev/null; then
  run_get dash env PIGSTY_SITE="$SITE" dash "$T/site/get" "$V"
  [ "$RC" -eq 0 ] || { cat "$T/dash.log" >&2; fail "dash: exit $RC"; }
  ok "runs under dash"
fi
echo "get-test: all cases passed"
