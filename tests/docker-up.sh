#!/bin/bash
# docker-up.sh: a working Docker engine for the multi-node sandbox, idempotent.
#
# Installs Debian's docker.io with apt-get when `dockerd` is missing (a docker CLI alone, e.g.
# /usr/local/bin/docker, is not enough), then starts `dockerd` in the background when
# `docker info` fails, recording its PID in $PIGSTY_DOCKER_PIDFILE (default
# /run/pigsty-sandbox/dockerd.pid) so that docker-down.sh stops only a daemon this script
# started. There is no service manager here, so nothing else would start it. apt-get waits up
# to 10 min for the dpkg lock (other test runs install host tools too).
#
# The daemon is started with --bridge=none (no default docker0 bridge with NAT: the sandbox
# uses only its own internal network) and --ip-forward=false (the host's net.ipv4.ip_forward
# is left as it is). Its log goes to $PIGSTY_DOCKER_LOG (default /var/log/pigsty-dockerd.log).
set -eu
PIDFILE=${PIGSTY_DOCKER_PIDFILE:-/run/pigsty-sandbox/dockerd.pid}
LOG=${PIGSTY_DOCKER_LOG:-/var/log/pigsty-dockerd.log}

note() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}
[ "$(id -u)" = 0 ] || die "must run as root (apt-get, dockerd)"

if ! command -v dockerd >/dev/null 2>&1; then
    note "installing docker.io (dockerd is missing)"
    if ! apt-cache show docker.io >/dev/null 2>&1; then
        apt-get update -q >/dev/null || die "apt-get update failed on the host"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends docker.io >/dev/null ||
        die "apt-get install docker.io failed"
    command -v dockerd >/dev/null 2>&1 || die "docker.io is installed but dockerd is not on the PATH"
fi

if docker info >/dev/null 2>&1; then
    note "docker is running ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"
    exit 0
fi

# a PID file of ours whose daemon still lives but does not answer: wait for it, do not start another
if [ -f "$PIDFILE" ]; then
    pid=$(cat "$PIDFILE")
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
        note "dockerd $pid (ours) is starting; waiting"
    else
        rm -f -- "$PIDFILE"
    fi
fi
if [ ! -f "$PIDFILE" ]; then
    mkdir -p "$(dirname "$PIDFILE")"
    note "starting dockerd (log $LOG)"
    setsid dockerd --bridge=none --ip-forward=false >>"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    pid=$!
fi
for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then
        note "docker is running ($(docker version -f '{{.Server.Version}}' 2>/dev/null), dockerd PID $pid)"
        exit 0
    fi
    if [ ! -d "/proc/$pid" ]; then
        rm -f -- "$PIDFILE"
        tail -n 20 "$LOG" >&2
        die "dockerd exited during start-up (log $LOG)"
    fi
    sleep 0.5
done
tail -n 20 "$LOG" >&2
die "dockerd $pid does not answer after 60 s (log $LOG)"
