package io.pigsty.repo.rpm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away OpenPGP key in its own GNUPGHOME, made by the real {@code gpg}, that signs RPMs with
 * the real {@code rpmsign --addsign} (the way a vendor signs its packages) and files with {@code
 * gpg --detach-sign} (the way a repository signs {@code repomd.xml}).
 */
public final class RpmSigner {
  private final Path home;
  private final String uid;

  private RpmSigner(Path home, String uid) {
    this.home = home;
    this.uid = uid;
  }

  /** Generates an RSA 3072 signing key under {@code dir/gnupg}. */
  public static RpmSigner create(Path dir, String name) throws IOException, InterruptedException {
    Path home = Files.createDirectories(dir.resolve("gnupg-" + name));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    String uid = name + " <" + name + "@test.invalid>";
    RpmSigner s = new RpmSigner(home, uid);
    s.run(
        List.of(
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            uid,
            "rsa3072",
            "sign",
            "never"));
    return s;
  }

  /**
   * @return the armored public key, as a vendor publishes RPM-GPG-KEY-*
   */
  public byte[] publicKey() throws IOException, InterruptedException {
    return run(List.of("gpg", "--batch", "--armor", "--export", uid));
  }

  /** Copies {@code rpm} to {@code out} and adds this key's signature with rpmsign. */
  public Path signRpm(Path rpm, Path out) throws IOException, InterruptedException {
    Files.copy(rpm, out, StandardCopyOption.REPLACE_EXISTING);
    run(
        List.of(
            "rpmsign",
            "--define",
            "_gpg_name " + uid,
            "--define",
            "_gpg_path " + home,
            "--define",
            "__gpg /usr/bin/gpg",
            "--addsign",
            out.toString()));
    return out;
  }

  /** Writes {@code file}.asc, an armored detached signature made with gpg. */
  public Path detachSign(Path file) throws IOException, InterruptedException {
    Path asc = Path.of(file + ".asc");
    Files.deleteIfExists(asc);
    run(
        List.of(
            "gpg",
            "--batch",
            "--yes",
            "--armor",
            "--local-user",
            uid,
            "--detach-sign",
            "--output",
            asc.toString(),
            file.toString()));
    return asc;
  }

  private byte[] run(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd));
    pb.environment().put("GNUPGHOME", home.toString());
    pb.redirectError(ProcessBuilder.Redirect.PIPE);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(cmd + " failed: " + err);
    }
    return out;
  }
}
