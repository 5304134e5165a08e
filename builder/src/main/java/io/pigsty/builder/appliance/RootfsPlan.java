package io.pigsty.builder.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import io.pigsty.builder.bundle.deb.BaseSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a root file system is built from, read from a verified bundle's {@code manifest.json}: the
 * target suite and architecture, whether Recommends are followed (as the bundle's closure did), and
 * the packages to pre-install.
 *
 * @param fileName the bundle's file name, {@code pigsty-pkg-<version>.<os>.<arch>.tgz}
 * @param version the bundle (and release) version
 * @param codename target suite codename, e.g. {@code bookworm}: mmdebstrap's SUITE, matched against
 *     the bundle's {@code Release} {@code Codename} to select the Essential and Priority
 *     required/important packages
 * @param arch target Debian architecture, e.g. {@code amd64}
 * @param recommends whether apt in the build installs Recommends (the definition's {@code
 *     recommends}, so the pre-installed set matches the closure's rule)
 * @param include package names for {@code mmdebstrap --include}: the definition's requested
 *     packages (version relations dropped: the bundle holds one version of each), then {@link
 *     #BOOT_PACKAGES}, no name twice
 */
public record RootfsPlan(
    String fileName,
    String version,
    String codename,
    String arch,
    boolean recommends,
    List<String> include) {

  /**
   * Installed in every image whatever the definition requests: PID 1 and remote login ({@link
   * io.pigsty.builder.bundle.deb.BaseSystem#BOOT}, which base_system puts in the bundle).
   */
  public static final List<String> BOOT_PACKAGES = BaseSystem.BOOT;

  /** Copies the list. */
  public RootfsPlan {
    include = List.copyOf(include);
  }

  /**
   * Reads the plan from a manifest (format 1, see {@code io.pigsty.builder.bundle.Manifest}).
   *
   * @param bundle the bundle the manifest came from (named in messages)
   * @param manifest its parsed {@code manifest.json}
   * @return the plan
   * @throws RootfsException when the target is not a deb OS, a field is missing, or the bundle was
   *     built without {@code base_system: true} (it cannot bootstrap a system alone)
   */
  public static RootfsPlan of(Path bundle, JsonNode manifest) throws RootfsException {
    JsonNode target = manifest.path("target");
    JsonNode def = manifest.path("definition");
    String os = text(bundle, target, "target.os");
    String codename = text(bundle, target, "target.codename");
    String arch = text(bundle, target, "target.arch");
    String version = text(bundle, manifest, "version");
    if (!os.equals("debian") && !os.equals("ubuntu")) {
      throw new RootfsException(
          bundle
              + ": target os '"
              + os
              + "' is not a Debian-family OS; "
              + "image rootfs builds with mmdebstrap (deb targets only)");
    }
    if (!def.path("base_system").asBoolean(false)) {
      throw new RootfsException(
          bundle
              + ": built without the OS base set, so it cannot bootstrap "
              + "a system alone; add 'base_system: true' to "
              + def.path("file").asText("its definition")
              + " and rebuild it (pigsty build)");
    }
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode r : def.path("requested")) {
      String spec = r.path("spec").asText("").strip();
      String name = spec.split("[\\s(]", 2)[0];
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    names.addAll(BOOT_PACKAGES);
    return new RootfsPlan(
        bundle.getFileName().toString(),
        version,
        codename,
        arch,
        def.path("recommends").asBoolean(true),
        new ArrayList<>(names));
  }

  private static String text(Path bundle, JsonNode node, String path) throws RootfsException {
    JsonNode v = node.path(path.substring(path.lastIndexOf('.') + 1));
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new RootfsException(bundle + ": manifest.json has no " + path);
    }
    return v.asText();
  }

  /**
   * The Debian architecture of the running JVM's machine, the only one mmdebstrap can build for
   * without qemu-user.
   *
   * @return {@code amd64}, {@code arm64}, or {@code os.arch} as reported for others
   */
  public static String hostArch() {
    String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return switch (a) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> a;
    };
  }
}
