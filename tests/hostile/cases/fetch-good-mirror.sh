# shellcheck shell=bash disable=SC2034 # expect, case_run and case_check are read by the runner
# fetch-good-mirror: the control for the fetch-* cases, and issue 12 item 12's modes. A tiny
# signed Debian mirror on 127.0.0.1 (one .deb, Packages, Packages.xz, an InRelease clear-signed
# by a throw-away gpg key) builds a bundle under `umask 077`; the bundle verifies, and every file
# of the output is 0644 and every directory 0755, tarball members included.
#
# The other fetch-* cases source this file for its helpers (fetch_* functions), then set their
# own expect, case_run and case_check. Everything lives under $WORK: the gpg home, the mirror,
# the definition, the cache (--cache) and the bundle key (--key-dir).

FETCH_SUITE=hostile
FETCH_DEB=hostile-hello_1.0_amd64.deb
FETCH_SRV_PID=

# fetch_mirror: makes $WORK/mirror (dists/hostile/{InRelease,main/binary-amd64/Packages{,.xz}},
# pool/...), its key $WORK/def/keys/archive.gpg and the definition $WORK/def/hostile.yml.
fetch_mirror() {
    local m=$WORK/mirror pkg=$WORK/pkg
    export GNUPGHOME=$WORK/gnupg
    mkdir -p "$GNUPGHOME" "$m/pool/main/h/hostile-hello" "$m/dists/$FETCH_SUITE/main/binary-amd64" \
        "$pkg/DEBIAN" "$pkg/usr/share/doc/hostile-hello" "$WORK/def/keys" || return 1
    chmod 700 "$GNUPGHOME"
    gpg --batch --quiet --passphrase '' --pinentry-mode loopback \
        --quick-gen-key 'Hostile Test Archive <archive@example.invalid>' rsa2048 sign never 2>/dev/null || return 1
    gpg --batch --quiet --export >"$WORK/def/keys/archive.gpg" || return 1
    printf 'Package: hostile-hello\nVersion: 1.0\nArchitecture: amd64\nMaintainer: T <t@example.invalid>\nDescription: test package\n' \
        >"$pkg/DEBIAN/control"
    echo hello >"$pkg/usr/share/doc/hostile-hello/README"
    dpkg-deb --root-owner-group -Zgzip --build "$pkg" "$m/pool/main/h/hostile-hello/$FETCH_DEB" >/dev/null || return 1
    python3 - "$m" "$FETCH_SUITE" "$FETCH_DEB" "$pkg/DEBIAN/control" <<'PY' || return 1
import hashlib, lzma, os, sys
m, suite, deb, control = sys.argv[1:]
rel = "pool/main/h/hostile-hello/" + deb
body = open(os.path.join(m, rel), "rb").read()
stanza = open(control).read()
stanza = stanza.replace("Description:", "Filename: %s\nSize: %d\nSHA256: %s\nDescription:"
                        % (rel, len(body), hashlib.sha256(body).hexdigest()))
d = os.path.join(m, "dists", suite, "main/binary-amd64")
open(os.path.join(d, "Packages"), "w").write(stanza + "\n")
open(os.path.join(d, "Packages.xz"), "wb").write(lzma.compress(open(os.path.join(d, "Packages"), "rb").read()))
PY
    fetch_release || return 1
    # shellcheck disable=SC2016 # $v is the catalog's placeholder, not a shell variable
    printf 'postgis: {deb: "postgresql-$v-postgis-3"}\n' >"$WORK/def/extensions.yml"
    cat >"$WORK/def/hostile.yml" <<YML
name: d12
version: "1.0"
target: {os: debian, release: "12", codename: bookworm, arch: amd64}
pg_major: 15
upstreams:
  - {name: hostile, suite: $FETCH_SUITE, components: [main], keys: [keys/archive.gpg]}
packages:
  node: [hostile-hello]
YML
}

# fetch_release: writes dists/hostile/Release listing the SHA256 and size of
# main/binary-amd64/Packages and Packages.xz as they are on disk (each only if present), and
# InRelease, its clear-signed copy.
fetch_release() {
    local d=$WORK/mirror/dists/$FETCH_SUITE
    python3 - "$d" <<'PY' || return 1
import hashlib, os, sys, time
d = sys.argv[1]
paths = [p for p in ("main/binary-amd64/Packages", "main/binary-amd64/Packages.xz")
         if os.path.exists(os.path.join(d, p))]
out = ["Origin: Hostile", "Suite: hostile", "Codename: hostile", "Architectures: amd64",
       "Components: main", time.strftime("Date: %a, %d %b %Y %H:%M:%S UTC", time.gmtime(time.time() - 60)),
       "SHA256:"]
for p in paths:
    b = open(os.path.join(d, p), "rb").read()
    out.append(" %s %d %s" % (hashlib.sha256(b).hexdigest(), len(b), p))
open(os.path.join(d, "Release"), "w").write("\n".join(out) + "\n")
PY
    rm -f "$d/InRelease"
    gpg --batch --quiet --yes --digest-algo SHA256 --clearsign -o "$d/InRelease" "$d/Release" 2>/dev/null
}

# fetch_bomb FILE: an xz bomb, 1400 MiB of zeros in about 210 KB: 14 concatenated .xz streams
# of 100 MiB each (xz and XZInputStream read concatenated streams as one file).
fetch_bomb() {
    local one i
    one=$(head -c 100M /dev/zero | xz -0 -T1 | base64 -w0) || return 1
    : >"$1"
    for i in $(seq 14); do
        printf '%s' "$one" | base64 -d >>"$1" || return 1
    done
}

# fetch_serve: serves $WORK/mirror on 127.0.0.1 (a free port: $FETCH_PORT); requests are logged
# to $WORK/requests.log. Stopped by fetch_stop (also on exit of the case's subshell).
fetch_serve() {
    FETCH_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 -m http.server "$FETCH_PORT" --bind 127.0.0.1 --directory "$WORK/mirror" \
        >/dev/null 2>"$WORK/requests.log" &
    FETCH_SRV_PID=$!
    trap fetch_stop EXIT
    local _
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$FETCH_PORT") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

fetch_stop() {
    if [ -n "$FETCH_SRV_PID" ]; then
        kill "$FETCH_SRV_PID" 2>/dev/null
        wait "$FETCH_SRV_PID" 2>/dev/null
        FETCH_SRV_PID=
    fi
    return 0
}

# fetch_build OUT [java options]: `pigsty build` of the definition into OUT with the private cache
# and key directory, against the loopback mirror; stdout and stderr to $WORK/build.log.
fetch_build() {
    local out=$1
    shift
    java "$@" -jar "$JAR" build "$WORK/def/hostile.yml" -o "$out" --cache "$WORK/cache" \
        --key-dir "$WORK/signing-key" --mirror "http://127.0.0.1:$FETCH_PORT" >"$WORK/build.log" 2>&1
}

# fetch_nothing_left: no output directory, no .part or .tmp in the cache.
fetch_nothing_left() {
    [ ! -e "$WORK/out" ] || { echo "output left: $(ls -A "$WORK/out")"; return 1; }
    if [ -d "$WORK/cache" ] && [ -n "$(find "$WORK/cache" \( -name '*.part' -o -name '.*.tmp' \) -print -quit)" ]; then
        echo "leftovers in the cache"; return 1
    fi
    return 0
}

expect=0

case_run() {
    fetch_mirror || return 90
    fetch_serve || return 91
    local rc=0
    (umask 077 && fetch_build "$WORK/out") || rc=$?
    fetch_stop
    return "$rc"
}

case_check() {
    java -jar "$JAR" verify "$WORK/out/pigsty-pkg-1.0.d12.amd64.tgz" >/dev/null 2>&1 ||
        { echo "the bundle does not verify"; return 1; }
    local bad
    bad=$(find "$WORK/out" -path '*/.pigsty-runs' -prune -o \
        \( -type f ! -perm 0644 -printf '%m %p\n' \) -o \( -type d ! -path "$WORK/out" ! -perm 0755 -printf '%m %p\n' \))
    [ -z "$bad" ] || { echo "modes: $bad"; return 1; }
    bad=$(tar -tvzf "$WORK/out/pigsty-pkg-1.0.d12.amd64.tgz" | awk '$1 != "-rw-r--r--" && $1 != "drwxr-xr-x"')
    [ -z "$bad" ] || { echo "tar members: $bad"; return 1; }
    return 0
}
