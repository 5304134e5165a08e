#!/bin/bash
# hostile.sh JAR [PATTERN]: the hostile battery (issue 12): broken and hostile inputs and faults,
# each with the exit code it must end with and a check that nothing was changed or left behind.
# Run by `make hostile` (part of `make test`); about 2-3 minutes on 2 cores. PATTERN (a shell
# glob on the case name, e.g. 'tar-*') runs a subset; CASE_TIMEOUT (seconds, default 150) bounds
# each case.
#
# Cases are tests/hostile/cases/*.sh, run in name order. The contract, for every case file:
#   - the runner sources it in a fresh bash subshell (its own process group) whose cwd is $WORK,
#     an empty temporary directory, with these set and exported:
#       JAR     absolute path of the built pigsty.jar
#       ROOT    the repository root
#       WORK    the case's own empty directory (removed afterwards)
#       SHARED  a directory shared by every case of this run (removed at the end), holding what
#               the runner builds once (read it, do not change it; copy to $WORK to tamper):
#                 key/        the bundle signing key (pigsty --key-dir); fpr: its fingerprint;
#                             gnupg-key/: the same key for gpg (lib.sh's resign signs with it)
#                 other-key/  another signing key (gnupg-other-key/); other-fpr: its fingerprint
#                 good/       a good bundle's tree (good/pigsty/: two real .debs, signed
#                             Packages/Release/InRelease, manifest.json, manifest.json.asc)
#                 good.tgz    that bundle packed; other.tgz: the same, signed throughout by
#                             other-key (a consistent re-signing, as an attacker would make it)
#                 node-ip     this host's first IPv4 address (configure -i)
#     and the helpers of tests/hostile/lib.sh defined (pigsty, mkdeb, pack, resign, fake_node,
#     tree_sum, serve, free_port, ...; see its header);
#   - the file sets expect=<exit code> and defines case_run, whose exit status is compared with
#     $expect, and optionally case_check, run afterwards, which returns 0 when nothing was changed
#     or left behind (and may check the messages case_run printed: its stdout and stderr are in
#     $CASE_OUT and $CASE_ERR, files outside $WORK);
#   - a case must never touch the real /etc/apt, /www, ~/.cache/pigsty or ~/.config/pigsty:
#     configure runs with --root (a fake node under $WORK) and --skip-apt, builds with --cache
#     and --key-dir under $WORK or $SHARED.
# After each case the runner kills what is left of its process group (servers it started) and
# removes $WORK. It prints one line per case (name, expected, got, seconds, ok/FAIL, and why),
# then a summary, and exits 1 when any case failed. Needs root (chattr, mknod, chown), python3,
# dpkg-deb, tar, gpg (throw-away keys: fast to make, and read by pigsty as a --key-dir).
set -u

if [ "${1:-}" = --case ]; then
    # one case, inside its own process group: --case FILE RESULT_FILE
    CASE_FILE=$2 RESULT=$3
    cd "$WORK" || exit 99
    # shellcheck source=tests/hostile/lib.sh source-path=..
    . "$ROOT/tests/hostile/lib.sh"
    expect=""
    # shellcheck disable=SC1090
    . "$CASE_FILE"
    if [ -z "$expect" ] || ! declare -F case_run >/dev/null; then
        echo "bad-case - -" >"$RESULT"
        exit 0
    fi
    case_run >"$CASE_OUT" 2>"$CASE_ERR" </dev/null
    got=$?
    check=0
    if declare -F case_check >/dev/null; then
        case_check >>"$CASE_ERR" 2>&1 </dev/null
        check=$?
    fi
    echo "$expect $got $check" >"$RESULT"
    exit 0
fi

[ $# -ge 1 ] || { echo "usage: $0 JAR [PATTERN]" >&2; exit 2; }
JAR=$(readlink -f "$1")
PATTERN=${2:-*}
[ -f "$JAR" ] || { echo "FAIL: no jar: $1" >&2; exit 2; }
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "FAIL: run as root (cases use chattr, mknod, chown)" >&2; exit 2; }
for t in python3 dpkg-deb tar gpg chattr mknod setsid bc; do
    command -v "$t" >/dev/null || { echo "FAIL: $t not found" >&2; exit 2; }
done
SHARED=$(mktemp -d "${TMPDIR:-/tmp}/pigsty-hostile.XXXXXX")
LOGS=$SHARED/.logs
mkdir -p "$LOGS"
cleanup() {
    local g
    for g in "$SHARED"/gnupg-*; do
        [ -d "$g" ] && GNUPGHOME=$g gpgconf --kill all 2>/dev/null
    done
    chattr -R -i "$SHARED" 2>/dev/null
    rm -rf --one-file-system "$SHARED"
}
trap cleanup EXIT
export JAR ROOT SHARED
T0=$(date +%s.%N)

# --- shared fixtures, built once ---------------------------------------------------------------
(
    WORK=$SHARED
    # shellcheck source=tests/hostile/lib.sh source-path=..
    . "$ROOT/tests/hostile/lib.sh"
    # the two keys at once (RSA key generation is the slow part), with the full JIT
    new_key key || exit 1
    new_key other-key || exit 1
    cp "$SHARED/key.fpr" "$SHARED/fpr"
    cp "$SHARED/other-key.fpr" "$SHARED/other-fpr"
    bundle_tree "$SHARED/good" || exit 1
    pack "$SHARED/good" "$SHARED/good.tgz"
    cp -a "$SHARED/good" "$SHARED/.other"
    resign "$SHARED/.other" other-key
    pack "$SHARED/.other" "$SHARED/other.tgz"
    rm -rf "$SHARED/.other"
    ip=$(hostname -I 2>/dev/null | awk '{print $1}')
    printf '%s\n' "${ip:-127.0.0.1}" >"$SHARED/node-ip"
    [ -s "$SHARED/fpr" ] && [ -s "$SHARED/other-fpr" ] && [ -s "$SHARED/good.tgz" ] && [ -s "$SHARED/other.tgz" ]
) >"$LOGS/setup.log" 2>&1 || { echo "FAIL: setting up the shared fixtures:" >&2; cat "$LOGS/setup.log" >&2; exit 1; }
chmod -R go-w "$SHARED"
printf 'hostile battery: fixtures in %.1f s\n' "$(echo "$(date +%s.%N) - $T0" | bc)"

# --- the cases ---------------------------------------------------------------------------------
n=0 failed=0 failures=""
for f in "$ROOT"/tests/hostile/cases/*.sh; do
    name=$(basename "$f" .sh)
    # shellcheck disable=SC2254
    case $name in $PATTERN) ;; *) continue ;; esac
    n=$((n + 1))
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/pigsty-hostile-case.XXXXXX")
    CASE_OUT=$LOGS/$name.out CASE_ERR=$LOGS/$name.err
    export WORK CASE_OUT CASE_ERR
    t=$(date +%s.%N)
    setsid bash "$ROOT/tests/hostile.sh" --case "$f" "$LOGS/$name.result" &
    pid=$!
    # a case that runs past CASE_TIMEOUT seconds (default 150) is killed, and fails
    deadline=$((SECONDS + ${CASE_TIMEOUT:-150}))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        sleep 0.1
    done
    kill -KILL -- -"$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    secs=$(echo "$(date +%s.%N) - $t" | bc)
    read -r expect got check 2>/dev/null <"$LOGS/$name.result" || { expect='?' got=timeout check=1; }
    chattr -R -i "$WORK" 2>/dev/null
    rm -rf --one-file-system "$WORK"
    verdict=ok why=""
    if [ "$expect" = bad-case ]; then
        verdict=FAIL why="(no expect= or case_run)"
    elif [ "$got" != "$expect" ]; then
        verdict=FAIL why="(exit $got, expected $expect)"
    elif [ "$check" != 0 ]; then
        verdict=FAIL why="(case_check failed: something changed, was left behind or was not said)"
    fi
    printf '%-44s expect %3s got %7s %6.1f s  %s %s\n' "$name" "$expect" "$got" "$secs" "$verdict" "$why"
    if [ "$verdict" != ok ]; then
        failed=$((failed + 1))
        failures="$failures $name"
        sed -e 's/^/    | /' "$CASE_ERR" 2>/dev/null | tail -15
    fi
done
total=$(echo "$(date +%s.%N) - $T0" | bc)
printf 'hostile battery: %d cases, %d failed, %.0f s%s\n' "$n" "$failed" "$total" "${failures:+ (failed:$failures)}"
[ "$n" -gt 0 ] && [ "$failed" = 0 ]
