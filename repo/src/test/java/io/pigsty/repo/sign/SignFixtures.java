package io.pigsty.repo.sign;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared fixtures for the sign tests: Debian keyrings, the bookworm InRelease, keys, gpgv. */
final class SignFixtures {

  static final String BOOKWORM_AUTOMATIC = "B8B80B5B623EAB6AD8775C45B7C5D7D6350947F8";
  static final String BOOKWORM_STABLE = "4D64FEC119C2029067D6E791F8D2585B8783D481";
  static final String TRIXIE_AUTOMATIC = "04B54C3CDCA79751B16BC6B5225629DF75B188BD";
  static final String BOOKWORM_SECURITY = "05AB90340C0C5E797F44A8C8254CF3B5AEC0A8F0";

  /** Key creation time of the shared generated keys, so tests can sign at fixed times. */
  static final Instant KEY_TIME = Instant.parse("2024-01-01T00:00:00Z");

  private static BundleKey keyA;
  private static BundleKey keyB;

  private SignFixtures() {}

  static byte[] resource(String name) {
    try (InputStream in = SignFixtures.class.getResourceAsStream("/sign/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource sign/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(String name) {
    return new String(resource(name), StandardCharsets.UTF_8);
  }

  static TrustedKeys keys(String... keyringNames) throws SignatureException {
    List<byte[]> rings = new ArrayList<>();
    for (String name : keyringNames) {
      rings.add(resource(name + ".gpg"));
    }
    int size = rings.stream().mapToInt(r -> r.length).sum();
    byte[] all = new byte[size];
    int off = 0;
    for (byte[] r : rings) {
      System.arraycopy(r, 0, all, off, r.length);
      off += r.length;
    }
    return TrustedKeys.of(all);
  }

  static synchronized BundleKey keyA() {
    if (keyA == null) {
      keyA = BundleKey.generate("Test A <a@example.org>", KEY_TIME);
    }
    return keyA;
  }

  static synchronized BundleKey keyB() {
    if (keyB == null) {
      keyB = BundleKey.generate("Test B <b@example.org>", KEY_TIME);
    }
    return keyB;
  }

  /** Result of running gpgv. */
  record GpgvResult(int exitCode, String output) {}

  /**
   * Runs the real {@code gpgv --keyring KEYRING ARGS...} in a throw-away home directory. gpgv is an
   * oracle that CI installs: a missing gpgv fails the test.
   */
  static GpgvResult gpgv(Path workDir, byte[] keyring, String... args)
      throws IOException, InterruptedException {
    Path home = Files.createTempDirectory(workDir, "gnupg");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Path ring = workDir.resolve("keyring-" + System.nanoTime() + ".gpg");
    Files.write(ring, keyring);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "gpgv",
                "--homedir",
                home.toString(),
                "--keyring",
                ring.toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("gpgv did not finish: " + out);
    }
    return new GpgvResult(p.exitValue(), out);
  }
}
