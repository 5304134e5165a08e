package io.pigsty.builder.ssh;

import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The admin key: the ed25519 key pair the admin node logs in to every node with ({@code
 * ~/.ssh/id_ed25519} of the user running Pigsty, as Pigsty's {@code configure} makes it), made by
 * {@code ssh-keygen} when absent, and put in this node's own {@code authorized_keys} so the admin
 * node reaches itself like any other.
 */
public final class AdminKey {
  private AdminKey() {}

  /**
   * @param sshDir the {@code .ssh} directory of the user running Pigsty
   * @return the private key file
   */
  public static Path file(Path sshDir) {
    return sshDir.resolve("id_ed25519");
  }

  /**
   * Creates the key pair when absent (0600 private key, no passphrase, comment {@code
   * pigsty-admin}) and adds its public half to {@code authorized_keys} of the same directory when
   * it is not there yet.
   *
   * @param sshDir the {@code .ssh} directory (created 0700 when absent)
   * @param runner runs {@code ssh-keygen} on this node
   * @return what was done: "created", "authorized" or nothing when both were already in place
   * @throws SshException when ssh-keygen is missing or fails, or a file cannot be written
   */
  public static List<String> ensure(Path sshDir, CommandRunner runner) throws SshException {
    Path key = file(sshDir);
    Path pub = sshDir.resolve("id_ed25519.pub");
    java.util.ArrayList<String> done = new java.util.ArrayList<>();
    try {
      if (!Files.isDirectory(sshDir)) {
        Files.createDirectories(
            sshDir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      if (!Files.exists(key)) {
        try {
          runner.check(
              Command.of(
                  Duration.ofSeconds(30),
                  "ssh-keygen",
                  "-q",
                  "-t",
                  "ed25519",
                  "-N",
                  "",
                  "-C",
                  "pigsty-admin",
                  "-f",
                  key.toString()));
        } catch (CommandException e) {
          throw new SshException(
              "cannot create the admin key "
                  + key
                  + " (ssh-keygen comes with openssh-client): "
                  + e.getMessage(),
              e);
        }
        done.add("created admin key " + key);
      }
      if (!Files.isReadable(pub)) {
        throw new SshException(
            "admin key " + key + " has no public half " + pub + " (ssh-keygen -y -f makes it)",
            null);
      }
      String line = Files.readString(pub, StandardCharsets.UTF_8).strip();
      Path auth = sshDir.resolve("authorized_keys");
      Optional<String> have =
          Files.exists(auth)
              ? Files.readAllLines(auth, StandardCharsets.UTF_8).stream()
                  .filter(l -> sameKey(l, line))
                  .findFirst()
              : Optional.empty();
      if (have.isEmpty()) {
        if (!Files.exists(auth)) {
          Files.createFile(
              auth,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        byte[] old = Files.readAllBytes(auth);
        String sep = old.length > 0 && old[old.length - 1] != '\n' ? "\n" : "";
        Files.writeString(
            auth,
            sep + line + "\n",
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.APPEND);
        done.add("authorized admin key in " + auth);
      }
      return List.copyOf(done);
    } catch (IOException e) {
      throw new SshException("admin key in " + sshDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * @return the {@code type base64} part of a public key line, or the line when it has no such part
   */
  static String keyPart(String line) {
    String[] w = line.strip().split("\\s+");
    for (int i = 0; i + 1 < w.length; i++) {
      if (w[i].startsWith("ssh-") || w[i].startsWith("ecdsa-")) {
        return w[i] + " " + w[i + 1];
      }
    }
    return line.strip();
  }

  private static boolean sameKey(String a, String b) {
    return !a.isBlank() && !a.startsWith("#") && keyPart(a).equals(keyPart(b));
  }
}
