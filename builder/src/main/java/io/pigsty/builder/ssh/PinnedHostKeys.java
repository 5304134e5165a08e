package io.pigsty.builder.ssh;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Host keys pinned on first contact, in a known_hosts file of OpenSSH's format (sshd(8),
 * "SSH_KNOWN_HOSTS FILE FORMAT"): a host without a line gets one (trust on first use, as {@code ssh
 * -o StrictHostKeyChecking=accept-new} does); a host whose key differs from its line is refused,
 * and {@link #changed()} says which and how. One instance per connection; the file is created 0600.
 */
final class PinnedHostKeys extends OpenSSHKnownHosts {
  private static final Object APPEND = new Object();

  private String changed;
  private String pinned;

  private PinnedHostKeys(File file) throws IOException {
    super(file);
  }

  /**
   * @param file the known_hosts file; it and its directory are created (0600, 0700) when absent
   * @throws IOException when it cannot be created or read
   */
  static PinnedHostKeys open(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    synchronized (APPEND) {
      if (!Files.exists(file)) {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
    }
    return new PinnedHostKeys(file.toFile());
  }

  @Override
  protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
    try {
      synchronized (APPEND) {
        write(new HostEntry(null, hostname, KeyType.fromKey(key), key));
      }
      pinned = hostname + " " + KeyType.fromKey(key) + " " + fingerprint(key);
      return true;
    } catch (IOException e) {
      changed = "cannot record its host key in " + getFile() + ": " + e.getMessage();
      return false;
    }
  }

  @Override
  protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
    changed =
        "its host key changed: it offers "
            + KeyType.fromKey(key)
            + " "
            + fingerprint(key)
            + ", not the key pinned for "
            + hostname
            + " in "
            + getFile()
            + " (if the node was re-installed, delete its line there and run again)";
    return false;
  }

  /**
   * @return why the last verification failed, or null
   */
  String changed() {
    return changed;
  }

  /**
   * @return {@code host type SHA256:...} when the last verification pinned a new key, else null
   */
  String pinned() {
    return pinned;
  }

  /**
   * @return the key's fingerprint as OpenSSH prints it: {@code SHA256:} and the unpadded base64 of
   *     the SHA-256 of its wire encoding (RFC 4253 6.6)
   */
  static String fingerprint(PublicKey key) {
    byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
