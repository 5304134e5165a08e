package io.pigsty.builder.render;

import java.util.Locale;

/**
 * One node of an environment spec.
 *
 * @param name host name (RFC 1123 label, lower case), e.g. {@code meta}, {@code node-1}
 * @param ip fixed private IPv4 address inside the spec's network
 * @param cpu virtual CPUs (1..64)
 * @param memoryMb memory in MiB (512..262144)
 * @param diskGb root disk in GiB (10..2048)
 * @param meta true for the admin node (the first node of the spec), which gets the release and the
 *     bundle and runs {@code ./configure -n} and {@code make install}
 */
public record NodeSpec(String name, String ip, int cpu, int memoryMb, int diskGb, boolean meta) {

  /**
   * @return the size key of {@code spec/clouds.yml}, {@code <cpu>c<memory GiB>g}, e.g. {@code 2c4g}
   */
  public String size() {
    return String.format(Locale.ROOT, "%dc%dg", cpu, memoryMb / 1024);
  }
}
