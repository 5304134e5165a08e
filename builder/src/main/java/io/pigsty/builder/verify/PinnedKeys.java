package io.pigsty.builder.verify;

import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Fingerprints of the keys a bundle must be signed by: given as one fingerprint, an OpenPGP public
 * key file, or a list of fingerprints such as the release's {@value #RELEASE_FILE}.
 */
public final class PinnedKeys {
  /** The file of the release tarball ({@code pigsty/bundle-keys.txt}) that pins the bundle key. */
  public static final String RELEASE_FILE = "bundle-keys.txt";

  /** A v4 (40 hex digits) or v6 (64 hex digits) fingerprint, RFC 9580 §5.5.4. */
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9A-F]{40}|[0-9A-F]{64}");

  private PinnedKeys() {}

  /**
   * @param s a fingerprint as a user writes it (blanks and case ignored)
   * @return whether it is a v4 or v6 fingerprint
   */
  public static boolean isFingerprint(String s) {
    return FINGERPRINT.matcher(TrustedKeys.normalizeFingerprint(s)).matches();
  }

  /**
   * Reads a {@code --key} argument.
   *
   * @param fingerprintOrFile a fingerprint, or a file as {@link #read(Path)} takes
   * @return primary key fingerprints, uppercase hex, in the order given, at least one
   * @throws IllegalArgumentException when it is neither an existing file nor a fingerprint
   * @throws IOException when the file cannot be read
   * @throws SignatureException when the file is neither a key file nor a fingerprint list
   */
  public static Set<String> parse(String fingerprintOrFile) throws IOException, SignatureException {
    Path f = Path.of(fingerprintOrFile);
    if (Files.isRegularFile(f)) {
      return read(f);
    }
    if (!isFingerprint(fingerprintOrFile)) {
      throw new IllegalArgumentException(
          fingerprintOrFile + ": neither a file nor a 40-digit fingerprint");
    }
    return Set.of(TrustedKeys.normalizeFingerprint(fingerprintOrFile));
  }

  /**
   * Reads a file of pinned keys: either a list of fingerprints, one a line ({@code #} starts a
   * comment, blank lines are skipped), or an OpenPGP public key file, binary or ASCII-armored,
   * whose primary keys are pinned.
   *
   * @param file the file
   * @return primary key fingerprints, uppercase hex, in file order, at least one
   * @throws IOException when the file cannot be read
   * @throws SignatureException naming the file (and line) when it is neither, or pins no key
   */
  public static Set<String> read(Path file) throws IOException, SignatureException {
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    if (!text.contains("-----BEGIN PGP ") && text.chars().allMatch(c -> c >= 9 && c < 127)) {
      Set<String> out = new LinkedHashSet<>();
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String l = lines[i].replaceFirst("#.*", "").strip();
        if (l.isEmpty()) {
          continue;
        }
        if (!isFingerprint(l)) {
          throw new SignatureException(
              file + ":" + (i + 1), "'" + l + "' is not a 40-digit key fingerprint");
        }
        out.add(TrustedKeys.normalizeFingerprint(l));
      }
      if (out.isEmpty()) {
        throw new SignatureException(file.toString(), "pins no key (no fingerprint in it)");
      }
      return out;
    }
    try {
      return new LinkedHashSet<>(TrustedKeys.of(bytes).fingerprints());
    } catch (SignatureException e) {
      throw new SignatureException(
          file.toString(), "neither a fingerprint list nor a public key: " + e.getMessage(), e);
    }
  }
}
