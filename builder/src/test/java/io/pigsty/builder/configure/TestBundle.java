package io.pigsty.builder.configure;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.builder.files.Tarball;
import io.pigsty.repo.Digests;
import io.pigsty.repo.deb.FlatRepository;
import io.pigsty.repo.sign.BundleKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Crafts small signed bundles for configurator tests: a flat repository of fake .debs (the verifier
 * checks sizes and SHA256, not .deb contents), Release/InRelease signed by a throwaway key shipped
 * as pigsty.gpg, and a manifest.json with target, pg_major and requested specs, signed by the same
 * key in manifest.json.asc.
 */
final class TestBundle {
  private static BundleKey key;

  /** One package: name, version, Depends (or null). */
  record Pkg(String name, String version, String depends) {}

  static synchronized BundleKey key() {
    if (key == null) {
      key = BundleKey.generate("Pigsty test bundle key", Instant.parse("2024-01-01T00:00:00Z"));
    }
    return key;
  }

  /**
   * A bookworm-like bundle for PostgreSQL 15: requested {@code server}, which needs libc6 (>=
   * 2.36), and the packages that follow {@code pg_version: 15} in the templates (server, client,
   * postgis).
   */
  static List<Pkg> standard() {
    return standard(15);
  }

  /** {@link #standard()} for other PostgreSQL majors: their server, client and postgis each. */
  static List<Pkg> standard(int... pgMajors) {
    List<Pkg> out = new ArrayList<>();
    out.add(new Pkg("server", "1.0-1", "libserver (>= 1.0), libc6 (>= 2.36)"));
    out.add(new Pkg("libserver", "1.2-1", null));
    for (int v : pgMajors) {
      out.add(new Pkg("postgresql-" + v, v + ".8-0+deb12u1", null));
      out.add(new Pkg("postgresql-client-" + v, v + ".8-0+deb12u1", null));
      out.add(new Pkg("postgresql-" + v + "-postgis-3", "3.3.2+dfsg-1", null));
    }
    return out;
  }

  /**
   * @return the bundle; its source tree is {@code <bundle without .tgz>/pigsty}
   */
  static Path build(
      Path dir, String os, String release, String arch, List<Pkg> pkgs, List<String> requested)
      throws Exception {
    return build(dir, os, release, arch, pkgs, requested, key());
  }

  /**
   * @param key signs InRelease and manifest.json, is shipped as pigsty.gpg and named by the
   *     manifest, so the bundle is consistent whatever key it is
   * @return the bundle; its source tree is {@code <bundle without .tgz>/pigsty}
   */
  static Path build(
      Path dir,
      String os,
      String release,
      String arch,
      List<Pkg> pkgs,
      List<String> requested,
      BundleKey key)
      throws Exception {
    return build(dir, os, release, arch, pkgs, requested, key, List.of(15));
  }

  /**
   * @param pgMajors the PostgreSQL majors it carries: the first is the manifest's {@code
   *     definition.pg_major}; with more than one they are all in {@code definition.pg_majors}
   * @return the bundle; its source tree is {@code <bundle without .tgz>/pigsty}
   */
  static Path build(
      Path dir,
      String os,
      String release,
      String arch,
      List<Pkg> pkgs,
      List<String> requested,
      BundleKey key,
      List<Integer> pgMajors)
      throws Exception {
    Path repo =
        Files.createTempDirectory(dir, "src-" + os + release + arch + "-").resolve("pigsty");
    Files.createDirectories(repo);
    StringBuilder packages = new StringBuilder();
    List<Map<String, Object>> files = new ArrayList<>();
    for (Pkg p : pkgs) {
      String file = p.name() + "_" + p.version() + "_" + arch + ".deb";
      byte[] deb =
          ("fake deb " + p.name() + " " + p.version() + "\n").getBytes(StandardCharsets.UTF_8);
      Files.write(repo.resolve(file), deb);
      packages
          .append("Package: ")
          .append(p.name())
          .append("\nVersion: ")
          .append(p.version())
          .append("\nArchitecture: ")
          .append(arch)
          .append('\n');
      if (p.depends() != null) {
        packages.append("Depends: ").append(p.depends()).append('\n');
      }
      packages
          .append("Filename: ./")
          .append(file)
          .append("\nSize: ")
          .append(deb.length)
          .append("\nSHA256: ")
          .append(Digests.sha256Hex(deb))
          .append("\nDescription: test ")
          .append(p.name())
          .append("\n\n");
      files.add(entry(file, deb));
    }
    byte[] plain = packages.toString().getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> indexes = new LinkedHashMap<>();
    indexes.put("Packages", plain);
    indexes.put("Packages.gz", FlatRepository.gzip(plain));
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("Origin", "Pigsty");
    fields.put("Label", "Pigsty");
    Instant date = key.keyCreated();
    byte[] releaseFile = FlatRepository.releaseFile(fields, date, indexes);
    Map<String, byte[]> meta = new LinkedHashMap<>(indexes);
    meta.put("Release", releaseFile);
    meta.put("InRelease", key.clearSign(releaseFile, date));
    meta.put("pigsty.gpg", key.publicKeyring());
    for (Map.Entry<String, byte[]> m : meta.entrySet()) {
      Files.write(repo.resolve(m.getKey()), m.getValue());
      files.add(entry(m.getKey(), m.getValue()));
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", 1);
    manifest.put("name", "test");
    manifest.put("version", "1.0");
    manifest.put(
        "target", Map.of("os", os, "release", release, "codename", "bookworm", "arch", arch));
    List<Map<String, Object>> req = new ArrayList<>();
    requested.forEach(r -> req.add(Map.of("module", "node", "spec", r)));
    Map<String, Object> definition = new LinkedHashMap<>();
    definition.put("pg_major", pgMajors.get(0));
    if (pgMajors.size() > 1) {
      definition.put("pg_majors", pgMajors);
    }
    definition.put("requested", req);
    manifest.put("definition", definition);
    manifest.put("signing_key", Map.of("fingerprint", key.fingerprint(), "file", "pigsty.gpg"));
    manifest.put("files", files);
    byte[] json = new ObjectMapper().writeValueAsBytes(manifest);
    Files.write(repo.resolve("manifest.json"), json);
    Files.write(repo.resolve("manifest.json.asc"), key.detachSign(json, true, date));
    Path out = repo.getParent().resolveSibling(repo.getParent().getFileName() + ".tgz");
    Tarball.write(repo, "pigsty", date, out);
    return out;
  }

  private static Map<String, Object> entry(String path, byte[] data) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("size", data.length);
    m.put("sha256", Digests.sha256Hex(data));
    return m;
  }

  /**
   * Copies a bundle and appends one hostile entry.
   *
   * @param kind {@code dotdot} (pigsty/../../etc/evil), {@code absolute} (/etc/evil), {@code
   *     symlink} (pigsty/evil -> /etc), {@code chardev} / {@code blockdev} / {@code fifo}
   *     (pigsty/evil as that type), or {@code duplicate} (a second pigsty/./Packages holding
   *     "evil")
   */
  static Path withHostileEntry(Path good, Path out, String kind) throws IOException {
    try (var in = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(good)));
        OutputStream fo = Files.newOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(fo))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        tar.putArchiveEntry(e);
        in.transferTo(tar);
        tar.closeArchiveEntry();
      }
      byte[] evil = "evil\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry h;
      switch (kind) {
        case "symlink" -> {
          h = new TarArchiveEntry("pigsty/evil", TarArchiveEntry.LF_SYMLINK);
          h.setLinkName("/etc");
        }
        case "chardev", "blockdev", "fifo" -> {
          h =
              new TarArchiveEntry(
                  "pigsty/evil",
                  switch (kind) {
                    case "chardev" -> TarArchiveEntry.LF_CHR;
                    case "blockdev" -> TarArchiveEntry.LF_BLK;
                    default -> TarArchiveEntry.LF_FIFO;
                  });
          h.setDevMajor(1);
          h.setDevMinor(3);
        }
        case "duplicate" -> {
          h = new TarArchiveEntry("pigsty/./Packages");
          h.setSize(evil.length);
        }
        case "absolute" -> {
          h = new TarArchiveEntry("/etc/evil", true);
          h.setSize(evil.length);
        }
        default -> {
          h = new TarArchiveEntry("pigsty/../../etc/evil", true);
          h.setSize(evil.length);
        }
      }
      tar.putArchiveEntry(h);
      if (h.getSize() > 0) {
        tar.write(evil);
      }
      tar.closeArchiveEntry();
    }
    return out;
  }
}
