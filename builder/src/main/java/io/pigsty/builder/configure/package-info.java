/**
 * {@code ./configure} on a node: the checks (kernel, arch, OS release, privileges, disk, primary
 * IP), the templates (demo, demo4, tiny, oltp) rendered into pigsty.yml, the bundle's verification
 * and preflight against dpkg's status, and the local APT repository under {@code /www/pigsty} with
 * its {@code Signed-By:} source. Each failure carries its exit code (20-35, {@link
 * io.pigsty.builder.configure.NodeException}); a {@code pg_version} the bundle does not carry is
 * {@link io.pigsty.builder.inventory.PgMajorException} (36).
 */
package io.pigsty.builder.configure;
