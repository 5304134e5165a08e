package io.pigsty.repo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA256 as every index of this project writes it: lower-case hex (FIPS 180-4). */
public final class Digests {
  private Digests() {}

  /**
   * @return a new SHA-256 digest (every JDK has one)
   */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * @return the lower-case hex SHA256 of the bytes
   */
  public static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  /**
   * @return the lower-case hex SHA256 of a file's content, read in 1 MiB blocks (never held in
   *     memory whole)
   * @throws IOException when the file cannot be read
   */
  public static String sha256Hex(Path file) throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      for (int n; (n = in.read(buf)) >= 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
