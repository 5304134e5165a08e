#!/bin/bash
# apt-oracle-selftest.sh: prove that apt-oracle.sh passes a good bundle and catches bad ones.
#
# Builds a small reference bundle (jq curl lz4) with handmade-bundle.sh, and a replay jar
# whose `resolve DEF [--requested]` prints the `requested` / `closure.tsv` files next to DEF
# (compiled here with javac; it stands in for the CLI so that only the oracle is under test).
# Then runs the oracle on:
#   good                 the handmade bundle and its closure          -> exit 0
#   closure-missing      closure without one package apt installs      -> check a fails
#   closure-version      closure with one version apt would not pick   -> check a fails
#   closure-extra        closure lists a package the bundle lacks      -> check b fails
#   signed-other-key     InRelease signed by a key not in pigsty.gpg   -> check b fails
#   missing-deb          one .deb removed from the bundle              -> check b fails
#   packages-tampered    Packages edited after Release was signed      -> check b fails
#   two-root-dirs        an extra top-level dir in the tarball         -> check b fails
# Prints one `PASS name` / `FAIL name` line per case; exits 1 if any case is wrong. Needs
# root, a JDK and the host's Debian archive; removes everything it made on exit.
set -eu

HERE=$(dirname "$(readlink -f "$0")")
# shellcheck source-path=SCRIPTDIR source=sandbox-lib.sh
. "$HERE/sandbox-lib.sh"
sandbox_init
ensure_tools
command -v javac >/dev/null 2>&1 || die "javac not found (a JDK is needed for the replay jar)"

W=$(mktemp -d "$PIGSTY_TEST_WORK/selftest.XXXXXX")
sandbox_track "$W"

# --- replay jar ---------------------------------------------------------------------------
mkdir -p "$W/jar"
cat >"$W/jar/Replay.java" <<'EOF'
import java.nio.file.Files;
import java.nio.file.Path;

/** Test double for `pigsty resolve DEF [--requested]`: prints the lists stored next to DEF. */
public class Replay {
    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !args[0].equals("resolve")) {
            System.err.println("usage: resolve DEF [--requested]");
            System.exit(2);
        }
        Path dir = Path.of(args[1]).toAbsolutePath().getParent();
        boolean requested = args.length > 2 && args[2].equals("--requested");
        System.out.print(Files.readString(dir.resolve(requested ? "requested" : "closure.tsv")));
    }
}
EOF
printf 'Main-Class: Replay\n' >"$W/jar/manifest.txt"
(cd "$W/jar" && javac -d . Replay.java && jar cfm replay.jar manifest.txt Replay.class)
JAR="$W/jar/replay.jar"

# --- reference bundle ---------------------------------------------------------------------
mkdir -p "$W/good"
printf '%s\n' jq curl lz4 >"$W/good/requested"
: >"$W/good/def.yml"
"$HERE/handmade-bundle.sh" "$W/good/requested" "$W/good" >/dev/null
GOOD="$W/good/pigsty-pkg-handmade.d12.amd64.tgz"

# case DIR: a definition dir holding requested + closure.tsv (copies of the good ones)
def_dir() {
    mkdir -p "$W/$1"
    cp "$W/good/requested" "$W/good/closure.tsv" "$W/good/def.yml" "$W/$1/"
}
# bundle_copy NAME: unpack the good bundle to $W/NAME/tree for editing
bundle_copy() {
    mkdir -p "$W/$1/tree"
    tar -xzf "$GOOD" -C "$W/$1/tree"
}
# bundle_pack NAME: pack $W/NAME/tree into $W/NAME/bundle.tgz
bundle_pack() {
    (cd "$W/$1/tree" && tar -czf "../bundle.tgz" ./*)
}

def_dir closure-missing
victim=$(awk -F'\t' '$1 != "jq" && $1 != "curl" && $1 != "lz4" { print $1; exit }' "$W/good/closure.tsv")
awk -F'\t' -v v="$victim" '$1 != v' "$W/good/closure.tsv" >"$W/closure-missing/closure.tsv"

def_dir closure-version
awk -F'\t' -v OFS='\t' '$1 == "jq" { $2 = $2 "~older" } { print }' "$W/good/closure.tsv" >"$W/closure-version/closure.tsv"

def_dir closure-extra
printf 'pigsty-not-built\t1.0-1\tall\tbookworm\n' >>"$W/closure-extra/closure.tsv"
sort -o "$W/closure-extra/closure.tsv" "$W/closure-extra/closure.tsv"

bundle_copy signed-other-key
(
    GNUPGHOME="$W/signed-other-key/gnupg"
    export GNUPGHOME
    mkdir -m 700 "$GNUPGHOME"
    gpg --batch -q --passphrase '' --quick-gen-key 'Other key <other@example.org>' default default never
    gpg --batch -q --yes --clearsign -o "$W/signed-other-key/tree/pigsty/InRelease" \
        "$W/signed-other-key/tree/pigsty/Release"
    gpgconf --kill all 2>/dev/null || true
)
bundle_pack signed-other-key

bundle_copy missing-deb
debs=("$W/missing-deb/tree/pigsty/${victim}_"*.deb)
rm -f "${debs[@]}"
bundle_pack missing-deb

bundle_copy packages-tampered
sed -i 's/^Maintainer: .*/Maintainer: Someone Else <x@example.org>/' "$W/packages-tampered/tree/pigsty/Packages"
bundle_pack packages-tampered

bundle_copy two-root-dirs
mkdir -p "$W/two-root-dirs/tree/extra"
bundle_pack two-root-dirs

# --- run the cases ------------------------------------------------------------------------
WRONG=0
# expect NAME DEF_DIR BUNDLE WANT_RC WANT_TEXT
expect() {
    local name=$1 def=$2 bundle=$3 want=$4 text=$5 rc=0
    "$HERE/apt-oracle.sh" "$JAR" "$W/$def/def.yml" "$bundle" >"$W/$name.out" 2>&1 || rc=$?
    if [ "$rc" -eq "$want" ] && grep -qF -- "$text" "$W/$name.out"; then
        printf 'PASS %s\n' "$name"
    else
        printf 'FAIL %s: exit %s (want %s), output lacks "%s":\n' "$name" "$rc" "$want" "$text"
        sed 's/^/    /' "$W/$name.out"
        WRONG=$((WRONG + 1))
    fi
}
expect good good "$GOOD" 0 'check b passed'
expect closure-missing closure-missing "$GOOD" 1 "missing from resolve (1): $victim"
expect closure-version closure-version "$GOOD" 1 'version differs from apt (1)'
expect closure-extra closure-extra "$GOOD" 1 'not in the bundle'"'"'s Packages: pigsty-not-built 1.0-1'
expect signed-other-key good "$W/signed-other-key/bundle.tgz" 1 'NO_PUBKEY'
expect missing-deb good "$W/missing-deb/bundle.tgz" 1 'check b: offline apt-get install of the requested list failed'
expect packages-tampered good "$W/packages-tampered/bundle.tgz" 1 'check b: offline apt-get update'
expect two-root-dirs good "$W/two-root-dirs/bundle.tgz" 1 "must hold exactly one root dir"
[ "$WRONG" -eq 0 ] || die "$WRONG self-test case(s) wrong"
