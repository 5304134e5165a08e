package io.pigsty.builder.install;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 secrets as PostgreSQL stores them in {@code pg_authid.rolpassword} ({@code
 * SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}, RFC 5802 / RFC 7677, PostgreSQL's
 * src/common/scram-common.c). Used to tell whether a role's password already is the one in the
 * inventory, so that a second install does not re-hash it (a new salt would change pgbouncer's
 * userlist on every run).
 */
public final class Scram {

  private Scram() {}

  /**
   * Checks a clear-text password against a stored secret.
   *
   * @param secret the stored value, may be null (no password) or in another format (md5)
   * @param password the clear-text password (ASCII passwords need no SASLprep)
   * @return true only when the secret is SCRAM-SHA-256 and derives from this password
   */
  public static boolean matches(String secret, String password) {
    if (secret == null || !secret.startsWith("SCRAM-SHA-256$")) {
      return false;
    }
    try {
      String[] parts = secret.substring("SCRAM-SHA-256$".length()).split("[$:]");
      if (parts.length != 4) {
        return false;
      }
      int iterations = Integer.parseInt(parts[0]);
      byte[] salt = Base64.getDecoder().decode(parts[1]);
      byte[] stored = Base64.getDecoder().decode(parts[2]);
      return MessageDigest.isEqual(stored, storedKey(password, salt, iterations));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Builds a secret in PostgreSQL's format.
   *
   * @param password clear text
   * @param salt random salt (PostgreSQL uses 16 bytes)
   * @param iterations PBKDF2 iterations (PostgreSQL's default is 4096)
   * @return {@code SCRAM-SHA-256$<i>:<salt>$<StoredKey>:<ServerKey>}
   * @throws GeneralSecurityException when the JDK lacks HmacSHA256 or PBKDF2WithHmacSHA256
   */
  public static String secret(String password, byte[] salt, int iterations)
      throws GeneralSecurityException {
    byte[] salted = salted(password, salt, iterations);
    byte[] stored = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key"));
    byte[] server = hmac(salted, "Server Key");
    Base64.Encoder b = Base64.getEncoder();
    return "SCRAM-SHA-256$"
        + iterations
        + ":"
        + b.encodeToString(salt)
        + "$"
        + b.encodeToString(stored)
        + ":"
        + b.encodeToString(server);
  }

  private static byte[] storedKey(String password, byte[] salt, int iterations)
      throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-256")
        .digest(hmac(salted(password, salt, iterations), "Client Key"));
  }

  private static byte[] salted(String password, byte[] salt, int iterations)
      throws GeneralSecurityException {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
    return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
  }

  private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
  }
}
