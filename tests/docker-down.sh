#!/bin/bash
# docker-down.sh: stop the dockerd that docker-up.sh started, and nothing else: the PID recorded
# in $PIGSTY_DOCKER_PIDFILE (default /run/pigsty-sandbox/dockerd.pid), only when that process is
# still a dockerd. TERM, then KILL after 30 s. A daemon started some other way is left running.
set -eu
PIDFILE=${PIGSTY_DOCKER_PIDFILE:-/run/pigsty-sandbox/dockerd.pid}

note() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
if [ ! -f "$PIDFILE" ]; then
    note "no $PIDFILE: no dockerd of ours to stop"
    exit 0
fi
pid=$(cat "$PIDFILE")
if [ -z "$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != dockerd ]; then
    note "dockerd $pid from $PIDFILE is gone"
    rm -f -- "$PIDFILE"
    exit 0
fi
note "stopping dockerd $pid"
kill -TERM "$pid"
for _ in $(seq 1 60); do
    [ -d "/proc/$pid" ] || break
    sleep 0.5
done
if [ -d "/proc/$pid" ]; then
    note "dockerd $pid still up after 30 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
fi
rm -f -- "$PIDFILE"
