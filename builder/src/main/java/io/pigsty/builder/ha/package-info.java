/**
 * Day-2 operations on highly available clusters through Patroni's REST API: reading a cluster's
 * members ({@link io.pigsty.builder.ha.PatroniApi}) and a planned switchover that waits until the
 * new leader takes writes and the old one streams from it ({@link
 * io.pigsty.builder.ha.Switchover}). No console I/O; errors are {@link
 * io.pigsty.builder.ha.HaException} naming the cluster, member or URL.
 */
package io.pigsty.builder.ha;
