package io.pigsty.builder.bundle.deb;

import com.sun.net.httpserver.HttpServer;
import io.pigsty.repo.Digests;
import io.pigsty.repo.deb.FlatRepository;
import io.pigsty.repo.sign.BundleKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * A tiny signed Debian archive served over HTTP on 127.0.0.1, for builder tests: real .deb files,
 * {@code dists/<suite>/InRelease} clear-signed by a throwaway key, Packages.xz.
 */
public final class FakeArchive implements AutoCloseable {
  final Path root;

  /** The archive key's public keyring, for a definition's {@code keys:}. */
  public final Path keyFile;

  final HttpServer server;
  final AtomicInteger debRequests = new AtomicInteger();

  /** Every path asked for, in order. */
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());

  final Map<String, byte[]> overrides = new LinkedHashMap<>();
  private final BundleKey key;
  private final String suite;
  private final Map<String, String> releaseFields = new LinkedHashMap<>();
  private final Map<String, byte[]> releaseFiles = new LinkedHashMap<>();

  /** One package: name, version, Depends. */
  record Pkg(String name, String version, String depends) {}

  /**
   * One package as its control text (Package, Version, Architecture amd64 and a Description last)
   * and its .deb, which must carry the same control.
   */
  public record Raw(String name, String version, String control, byte[] deb) {}

  FakeArchive(Path dir, String suite, List<Pkg> pkgs) throws Exception {
    this(suite, dir, raw(pkgs));
  }

  /** An archive serving these packages, in this order, from the suite's main component. */
  public static FakeArchive of(Path dir, String suite, List<Raw> pkgs) throws Exception {
    return new FakeArchive(suite, dir, pkgs);
  }

  private static List<Raw> raw(List<Pkg> pkgs) throws IOException {
    List<Raw> out = new ArrayList<>();
    for (Pkg p : pkgs) {
      String control =
          "Package: "
              + p.name()
              + "\nVersion: "
              + p.version()
              + "\nArchitecture: amd64\nMaintainer: Test <t@example.org>\n"
              + (p.depends() == null ? "" : "Depends: " + p.depends() + "\n")
              + "Description: test package "
              + p.name()
              + "\n";
      out.add(new Raw(p.name(), p.version(), control, deb(control)));
    }
    return out;
  }

  private FakeArchive(String suite, Path dir, List<Raw> pkgs) throws Exception {
    this.root = dir.resolve("archive");
    this.suite = suite;
    this.key = BundleKey.loadOrCreate(dir.resolve("archive-key"), "Fake Archive Signing Key");
    keyFile = dir.resolve("archive-key.gpg");
    Files.write(keyFile, key.publicKeyring());
    StringBuilder packages = new StringBuilder();
    for (Raw p : pkgs) {
      String control = p.control();
      byte[] deb = p.deb();
      String rel =
          "pool/main/"
              + p.name().charAt(0)
              + "/"
              + p.name()
              + "/"
              + p.name()
              + "_"
              + p.version()
              + "_amd64.deb";
      Path f = root.resolve(rel);
      Files.createDirectories(f.getParent());
      Files.write(f, deb);
      packages
          .append(
              control.replace(
                  "Description:",
                  "Filename: "
                      + rel
                      + "\nSize: "
                      + deb.length
                      + "\nSHA256: "
                      + Digests.sha256Hex(deb)
                      + "\nDescription:"))
          .append('\n');
    }
    byte[] plain = packages.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream xz = new ByteArrayOutputStream();
    try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options())) {
      out.write(plain);
    }
    Path dists = root.resolve("dists").resolve(suite);
    Path bin = dists.resolve("main/binary-amd64");
    Files.createDirectories(bin);
    Files.write(bin.resolve("Packages.xz"), xz.toByteArray());
    Map<String, String> fields = releaseFields;
    fields.put("Origin", "Test");
    fields.put("Suite", suite);
    fields.put("Codename", suite);
    fields.put("Architectures", "amd64");
    fields.put("Components", "main");
    Map<String, byte[]> files = releaseFiles;
    files.put("main/binary-amd64/Packages", plain);
    files.put("main/binary-amd64/Packages.xz", xz.toByteArray());
    Instant date = key.keyCreated();
    byte[] release = FlatRepository.releaseFile(fields, date, files);
    Files.write(dists.resolve("InRelease"), key.clearSign(release, date));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath().substring(1);
          requests.add(path);
          byte[] body = overrides.get(path);
          Path file = root.resolve(path).normalize();
          if (body == null && file.startsWith(root) && Files.isRegularFile(file)) {
            body = Files.readAllBytes(file);
          }
          if (path.endsWith(".deb")) {
            debRequests.incrementAndGet();
          }
          if (body == null) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
              o.write(body);
            }
          }
          ex.close();
        });
    server.start();
  }

  /**
   * Serves an InRelease whose Release {@code Date} is {@code date}, validly signed by the archive
   * key (the signature itself made at the key's creation).
   */
  void redate(Instant date) {
    byte[] release = FlatRepository.releaseFile(releaseFields, date, releaseFiles);
    overrides.put("dists/" + suite + "/InRelease", key.clearSign(release, key.keyCreated()));
  }

  /**
   * Serves an InRelease, validly signed by the archive key, whose Release lists exactly {@code
   * listed} (path below {@code dists/<suite>/} to content, for its size and SHA256), and serves
   * {@code served} (path below the archive root to body) in place of the files on disk.
   */
  void resign(Map<String, byte[]> listed, Map<String, byte[]> served) {
    releaseFiles.clear();
    releaseFiles.putAll(listed);
    byte[] release = FlatRepository.releaseFile(releaseFields, key.keyCreated(), releaseFiles);
    overrides.put("dists/" + suite + "/InRelease", key.clearSign(release, key.keyCreated()));
    overrides.putAll(served);
  }

  /**
   * Makes the suite Release-only, as old mirrors are: {@code InRelease} answers 404, {@code
   * Release} and {@code Release.gpg} are served.
   */
  void releaseOnly() throws IOException {
    Path dists = root.resolve("dists").resolve(suite);
    byte[] release = FlatRepository.releaseFile(releaseFields, key.keyCreated(), releaseFiles);
    Files.write(dists.resolve("Release"), release);
    Files.write(dists.resolve("Release.gpg"), key.detachSign(release, true, key.keyCreated()));
    Files.delete(dists.resolve("InRelease"));
    overrides.remove("dists/" + suite + "/InRelease");
  }

  /** The xz compression of {@code plain}. */
  static byte[] xz(byte[] plain) throws IOException {
    ByteArrayOutputStream xz = new ByteArrayOutputStream();
    try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options())) {
      out.write(plain);
    }
    return xz.toByteArray();
  }

  /** The archive's base URL, for a definition's {@code url:}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many .deb files were asked for. */
  public int debRequests() {
    return debRequests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  static byte[] deb(String control) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ArArchiveOutputStream ar = new ArArchiveOutputStream(out)) {
      add(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
      add(ar, "control.tar.gz", tgz(Map.of("./control", control.getBytes(StandardCharsets.UTF_8))));
      add(ar, "data.tar.gz", tgz(Map.of()));
    }
    return out.toByteArray();
  }

  private static void add(ArArchiveOutputStream ar, String name, byte[] data) throws IOException {
    ArArchiveEntry e = new ArArchiveEntry(name, data.length, 0, 0, 0100644, 1_700_000_000L);
    ar.putArchiveEntry(e);
    ar.write(data);
    ar.closeArchiveEntry();
  }

  private static byte[] tgz(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setSize(f.getValue().length);
        tar.putArchiveEntry(e);
        tar.write(f.getValue());
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  static List<Pkg> standard() {
    List<Pkg> l = new ArrayList<>();
    l.add(new Pkg("server", "1.0-1", "libserver (>= 1.0), common"));
    l.add(new Pkg("libserver", "1.2-1", null));
    l.add(new Pkg("common", "2.0-1", null));
    l.add(new Pkg("client", "1.0-1", "common (>= 2.0)"));
    return l;
  }
}
