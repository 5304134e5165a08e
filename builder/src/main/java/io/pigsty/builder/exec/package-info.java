/**
 * Running external programs: the one {@link io.pigsty.builder.exec.CommandRunner} interface every
 * command line goes through (apt-get, dpkg-query, systemctl, psql, pg_dropcluster, mmdebstrap),
 * with one policy: a timeout on every command, output captured (and optionally passed on line by
 * line), a non-zero exit a result rather than an exception unless the caller asks {@link
 * io.pigsty.builder.exec.CommandRunner#check}. Tests replace the runner with a fake node.
 */
package io.pigsty.builder.exec;
