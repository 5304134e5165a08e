#!/bin/bash
# docker-clean.sh: remove the multi-node sandbox by name, and nothing else: the containers
# pigsty-node-10 .. pigsty-node-13 and the network pigsty-demo4. Does nothing when docker is
# not installed or not running (then there is nothing of ours to remove). Leaves the daemon
# (tests/docker-down.sh stops the one we started); --all also removes the node image
# pigsty-node:bookworm (its cached tarball goes with sandbox-clean.sh --all).
set -eu
NODES="pigsty-node-10 pigsty-node-11 pigsty-node-12 pigsty-node-13"
NETWORK=pigsty-demo4
IMAGE=${PIGSTY_NODE_IMAGE:-pigsty-node:bookworm}

note() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
    note "docker is not running: no nodes to remove"
    exit 0
fi
for n in $NODES; do
    if docker container inspect "$n" >/dev/null 2>&1; then
        note "removing container $n"
        docker rm -f "$n" >/dev/null
    fi
done
if docker network inspect "$NETWORK" >/dev/null 2>&1; then
    note "removing network $NETWORK"
    docker network rm "$NETWORK" >/dev/null
fi
if [ "${1:-}" = --all ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    note "removing image $IMAGE"
    docker rmi "$IMAGE" >/dev/null
fi
