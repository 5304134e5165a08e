/**
 * The multi-node sandbox (tests only): systemd nodes {@code pigsty-node-10..13} at 10.10.10.10-13
 * on the internal docker network {@code pigsty-demo4}, with no route out, driven through
 * Testcontainers and the docker API ({@link io.pigsty.builder.sandbox.DockerNodes}); the node image
 * comes from {@code tests/docker-node-image.sh}.
 */
package io.pigsty.builder.sandbox;
