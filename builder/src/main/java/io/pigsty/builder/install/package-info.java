/**
 * {@code pigsty install} and {@code pigsty status} on the admin node: from the inventory and the
 * node's observed state, a {@link io.pigsty.builder.install.Plan} per phase (packages, postgres,
 * sql, services) of {@link io.pigsty.builder.install.Step}s, then applied ({@link
 * io.pigsty.builder.install.Installer}); the text of every file written ({@link
 * io.pigsty.builder.install.Configs}), the SQL of roles and databases ({@link
 * io.pigsty.builder.install.Provisioning}), tuning ({@link io.pigsty.builder.install.Tuning}) and
 * the health report of a node ({@link io.pigsty.builder.install.HealthCheck}) and of the whole
 * inventory ({@link io.pigsty.builder.install.StatusReport}: the other nodes' over SSH by {@link
 * io.pigsty.builder.install.RemoteStatus}, the clusters' by {@link
 * io.pigsty.builder.install.ClusterHealth}). It reads pigsty.yml only through {@code inventory} and
 * runs programs only through {@code exec} (on another node, through {@code ssh}).
 */
package io.pigsty.builder.install;
