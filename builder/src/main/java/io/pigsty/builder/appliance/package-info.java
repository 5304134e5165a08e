/**
 * Image root file systems: a bundle and a release bootstrapped by mmdebstrap into a ready-to-boot
 * tarball.
 */
package io.pigsty.builder.appliance;
