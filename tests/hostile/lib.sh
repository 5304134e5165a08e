# shellcheck shell=bash disable=SC2034
# (SERVER_PID, SERVER_URL and the like are for the cases that source this)
# tests/hostile/lib.sh: helpers for the hostile battery's cases, sourced by tests/hostile.sh
# before each case (see its header for the case contract). Every helper writes only under the
# directories it is given ($WORK or $SHARED); keys are private to the run.
#
#   pigsty ARGS...            java -jar $JAR ARGS (stdout, stderr as they are)
#   mkdeb DIR NAME VER [LINE...]  a real .deb (dpkg-deb) with extra control LINEs; prints its path
#   new_key NAME              a throw-away RSA key made by gpg (fast; pigsty's own keys take
#                             seconds): $SHARED/gnupg-NAME (GNUPGHOME), $SHARED/NAME/secret.asc
#                             (a --key-dir pigsty reads), $SHARED/NAME.fpr (its fingerprint)
#   bundle_tree DIR           DIR/pigsty/: two .debs and empty postgresql-15, -client-15 and
#                             -15-postgis-3 ones, the index pigsty repo index writes with
#                             --key-dir $SHARED/key, manifest.json (pg_major 15) and its .asc
#   resign DIR [NAME]         after tampering: InRelease, pigsty.gpg, manifest.json (every file
#                             under DIR/pigsty listed) and manifest.json.asc made again with the
#                             gpg key NAME (default key): a consistent bundle signed by that key
#   pack DIR OUT.tgz [TARARGS...] tar DIR/pigsty into OUT.tgz (0644, owned by root)
#   fake_node DIR             a Debian 12 amd64 node root for configure --root (os-release,
#                             an empty dpkg status, etc/apt): nothing outside DIR is touched
#   tree_sum DIR              one line per file under DIR: mode, size, SHA256, path (sorted)
#   free_port                 a free TCP port on 127.0.0.1
#   serve MODE DIR            python3 tests/hostile/server.py on 127.0.0.1 in the background;
#                             sets SERVER_PID and SERVER_URL (http://127.0.0.1:PORT)

# the JIT's first tier only and the serial collector: a short run starts in about half the time
pigsty() { java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx384m -jar "$JAR" "$@"; }

mkdeb() {
    local dir=$1 name=$2 ver=$3 src
    shift 3
    src=$(mktemp -d "$dir/.deb-src.XXXXXX")
    mkdir -p "$src/DEBIAN" "$src/usr/share/doc/$name"
    printf 'hostile battery test package %s\n' "$name" >"$src/usr/share/doc/$name/README"
    {
        printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: Test <t@example.org>\n' "$name" "$ver"
        local l
        for l in "$@"; do printf '%s\n' "$l"; done
        printf 'Description: hostile battery test package\n'
    } >"$src/DEBIAN/control"
    dpkg-deb --root-owner-group -Zgzip --build "$src" "$dir/${name}_${ver}_amd64.deb" >/dev/null
    rm -rf "$src"
    printf '%s\n' "$dir/${name}_${ver}_amd64.deb"
}

write_manifest() {
    python3 - "$1/pigsty" "${2:-}" <<'PY'
import hashlib, json, os, sys
root, extra = sys.argv[1], sys.argv[2]
files = []
for d, _, names in os.walk(root):
    for n in names:
        p = os.path.join(d, n)
        rel = os.path.relpath(p, root)
        if rel in ("manifest.json", "manifest.json.asc", ".fpr") or os.path.islink(p):
            continue
        data = open(p, "rb").read()
        files.append({"path": rel, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
files.sort(key=lambda f: f["path"])
fpr = open(os.path.join(root, ".fpr")).read().strip() if os.path.exists(os.path.join(root, ".fpr")) else ""
m = {"format": 1, "name": "hostile", "version": "4.0.0",
     "target": {"os": "debian", "release": "12", "codename": "bookworm", "arch": "amd64"},
     "definition": {"pg_major": 15},
     "signing_key": {"fingerprint": fpr, "file": "pigsty.gpg"}, "files": files}
open(os.path.join(root, "manifest.json"), "w").write(json.dumps(m, indent=2) + "\n")
PY
}

gpgk() { # NAME GPG-ARGS...: gpg with the home of key NAME
    local name=$1
    shift
    GNUPGHOME=$SHARED/gnupg-$name gpg --batch -q --yes "$@"
}

new_key() {
    local name=$1
    mkdir -m 0700 "$SHARED/gnupg-$name" "$SHARED/$name"
    gpgk "$name" --passphrase '' --quick-gen-key "Pigsty hostile $name <$name@example.org>" rsa2048 sign never || return 1
    gpgk "$name" --armor --export-secret-keys >"$SHARED/$name/secret.asc"
    chmod 0600 "$SHARED/$name/secret.asc"
    gpgk "$name" --with-colons --fingerprint | awk -F: '/^fpr/ {print $10; exit}' >"$SHARED/$name.fpr"
    [ -s "$SHARED/$name.fpr" ]
}

bundle_tree() {
    local dir=$1
    mkdir -p "$dir/pigsty"
    mkdeb "$dir/pigsty" libhostile 1.0-1 >/dev/null
    mkdeb "$dir/pigsty" hostile 1.0-1 'Depends: libhostile (>= 1.0)' >/dev/null
    # what the templates' pg_version 15 asks of a bundle (configure's preflight checks it)
    local p
    for p in postgresql-15 postgresql-client-15 postgresql-15-postgis-3; do
        mkdeb "$dir/pigsty" "$p" 15.0-1 >/dev/null
    done
    pigsty repo index --key-dir "$SHARED/key" "$dir/pigsty" >/dev/null || return 1
    resign "$dir" key
}

resign() {
    local dir=$1 name=${2:-key} b=$1/pigsty
    gpgk "$name" --clearsign --digest-algo SHA512 -o "$b/InRelease" "$b/Release" || return 1
    gpgk "$name" --export >"$b/pigsty.gpg"
    cp "$SHARED/$name.fpr" "$b/.fpr"
    write_manifest "$dir"
    rm -f "$b/.fpr"
    gpgk "$name" --armor --detach-sign --digest-algo SHA512 -o "$b/manifest.json.asc" "$b/manifest.json"
}

pack() {
    local dir=$1 out=$2
    shift 2
    tar --owner=0 --group=0 --numeric-owner -C "$dir" -czf "$out" "$@" pigsty
    chmod 0644 "$out"
}

fake_node() {
    local r=$1
    mkdir -p "$r/etc/apt/sources.list.d" "$r/var/lib/dpkg"
    cat >"$r/etc/os-release" <<'OS'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
OS
    : >"$r/var/lib/dpkg/status"
}

tree_sum() {
    (cd "$1" && find . -mindepth 1 \( -type f -o -type l -o -type d \) -printf '%m %s %p\n' | sort) |
        while read -r mode size p; do
            if [ -f "$1/$p" ] && [ ! -L "$1/$p" ]; then
                printf '%s %s %s %s\n' "$mode" "$size" "$(sha256sum <"$1/$p" | cut -c1-64)" "$p"
            else
                printf '%s %s - %s\n' "$mode" "$size" "$p"
            fi
        done
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

serve() {
    local mode=$1 dir=$2 port
    port=$(free_port)
    python3 "$ROOT/tests/hostile/server.py" "$mode" "$dir" "$port" 2>"$WORK/server.log" &
    SERVER_PID=$!
    SERVER_URL=http://127.0.0.1:$port
    local _
    for _ in $(seq 1 50); do
        if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "server did not start" >&2
    return 1
}

# --- configure on a fake node: everything under $WORK/node ------------------------------------
#   node_setup                a fake Debian 12 node at $WORK/node, its state recorded
#   conf ARGS...              pigsty configure --root $WORK/node --skip-apt -n -m tiny -i NODE_IP
#                             -o $WORK/node/pigsty.yml ARGS
#   node_unchanged            0 when $WORK/node is exactly as node_setup left it (diff on stderr)
node_setup() {
    fake_node "$WORK/node"
    tree_sum "$WORK/node" >"$WORK/node.before"
}

conf() {
    pigsty configure --root "$WORK/node" --skip-apt -n -m tiny -i "$(cat "$SHARED/node-ip")" \
        -o "$WORK/node/pigsty.yml" "$@"
}

node_unchanged() {
    diff "$WORK/node.before" <(tree_sum "$WORK/node") >&2
}

# no control character but line feed and tab in a file (what reached the terminal)
no_control_chars() {
    ! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$1"
}

# a copy of the good bundle's tree in $WORK/b, to tamper with
good_copy() {
    cp -a "$SHARED/good" "$WORK/b"
}

# a bundle with one hostile tar entry added: tests/hostile/mktar.py KIND (see there)
hostile_tar() {
    python3 "$ROOT/tests/hostile/mktar.py" "$SHARED/good" "$1" "$2"
}

# a minimal Debian 12 definition whose upstream key is the bundle key, for builds against
# loopback servers: $WORK/def/d12.yml
tiny_def() {
    mkdir -p "$WORK/def"
    cp "$SHARED/good/pigsty/pigsty.gpg" "$WORK/def/upstream.gpg"
    cat >"$WORK/def/d12.yml" <<'YML'
name: t12
version: "4.0.0"
target: {os: debian, release: 12, codename: bookworm, arch: amd64}
pg_major: 16
upstreams:
  - {name: main, suite: bookworm, components: [main], keys: [upstream.gpg]}
packages:
  node: [hostile]
YML
}

# build_from URL [ARGS...]: pigsty build of tiny_def against URL, private cache and key, output
# $WORK/out
build_from() {
    local url=$1
    shift
    pigsty build "$WORK/def/d12.yml" -o "$WORK/out" --mirror "$url" --cache "$WORK/cache" \
        --key-dir "$SHARED/key" --connections 1 "$@"
}
