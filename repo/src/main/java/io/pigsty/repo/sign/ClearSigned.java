package io.pigsty.repo.sign;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.openpgp.PGPSignature;

/**
 * Verifies clear-signed messages such as apt's {@code InRelease} (cleartext signature framework,
 * RFC 4880 §7 / RFC 9580 §7) and assembles them for {@link BundleKey#clearSign}.
 *
 * <p>Parsing is strict, as apt's own splitting of InRelease is: only blank lines may precede the
 * {@code -----BEGIN PGP SIGNED MESSAGE-----} line and follow the {@code -----END PGP
 * SIGNATURE-----} line, the only armor header allowed is {@code Hash:}, and a body line that starts
 * with a dash must be dash-escaped ({@code "- "}).
 */
public final class ClearSigned {

  static final String BEGIN_MESSAGE = "-----BEGIN PGP SIGNED MESSAGE-----";
  static final String BEGIN_SIGNATURE = "-----BEGIN PGP SIGNATURE-----";
  static final String END_SIGNATURE = "-----END PGP SIGNATURE-----";

  private static final Set<Integer> TYPES = Set.of(PGPSignature.CANONICAL_TEXT_DOCUMENT);

  private ClearSigned() {}

  /**
   * Result of a successful verification.
   *
   * @param signedText the signed payload only: dash-escaping removed, trailing spaces and tabs
   *     removed from each line (they are not covered by the signature, RFC 9580 §7.2), every line
   *     ended by "\n" (empty when no line was signed); never null
   * @param goodKeyFingerprints primary key fingerprints (uppercase hex) of the good signatures by
   *     trusted keys, at least one, in signature order
   */
  public record Verified(byte[] signedText, List<String> goodKeyFingerprints) {
    /** Copies both arguments so the record stays immutable. */
    public Verified {
      signedText = signedText.clone();
      goodKeyFingerprints = List.copyOf(goodKeyFingerprints);
    }

    /**
     * @return a copy of the signed payload
     */
    @Override
    public byte[] signedText() {
      return signedText.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Verified v
          && Arrays.equals(signedText, v.signedText)
          && goodKeyFingerprints.equals(v.goodKeyFingerprints);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(signedText) + goodKeyFingerprints.hashCode();
    }

    @Override
    public String toString() {
      return "Verified[" + signedText.length + " bytes, " + goodKeyFingerprints + "]";
    }
  }

  /**
   * Verifies a clear-signed message at the current time; see {@link #verify(byte[], TrustedKeys,
   * String, Instant)}.
   */
  public static Verified verify(byte[] clearsigned, TrustedKeys keys, String source)
      throws SignatureException {
    return verify(clearsigned, keys, source, Instant.now());
  }

  /**
   * Verifies a clear-signed message with the policy apt applies through gpgv: at least one good
   * signature by a trusted key is required; a signature by a trusted key that does not verify fails
   * the whole message; signatures by unknown keys are ignored; signatures using MD5, SHA-1 or
   * RIPEMD-160, made before the key's creation or after its expiry, by a revoked key, or by a key
   * that has expired at {@code now} do not count.
   *
   * @param clearsigned the whole file, not null
   * @param keys trusted keys, not null
   * @param source file or URL named in error messages, not null
   * @param now the time at which key and signature expiry are judged, not null
   * @return the signed text and the keys that signed it
   * @throws SignatureException when the message is malformed (no signed-message header, bad armor,
   *     unsigned data around it, a digest that contradicts the {@code Hash:} header), carries a bad
   *     signature by a trusted key, or has no good signature by a trusted key
   */
  public static Verified verify(byte[] clearsigned, TrustedKeys keys, String source, Instant now)
      throws SignatureException {
    Parsed parsed = parse(clearsigned, source);
    List<PGPSignature> sigs = SignaturePolicy.parseSignatures(parsed.signatureArmor(), source);
    byte[] canonical = canonical(parsed.lines());
    List<String> good =
        SignaturePolicy.check(
            sigs, keys, source, now, TYPES, parsed.hashes(), sig -> sig.update(canonical));
    StringBuilder text = new StringBuilder();
    for (String line : parsed.lines()) {
      text.append(stripWhitespace(line)).append('\n');
    }
    return new Verified(text.toString().getBytes(StandardCharsets.ISO_8859_1), good);
  }

  /** The pieces of a clear-signed message. */
  record Parsed(List<String> lines, List<String> hashes, byte[] signatureArmor) {}

  static Parsed parse(byte[] input, String source) throws SignatureException {
    String[] raw = new String(input, StandardCharsets.ISO_8859_1).split("\n", -1);
    int n = raw.length;
    int i = 0;
    while (i < n && isBlank(raw[i])) {
      i++;
    }
    if (i == n || !TrustedKeys.stripTrailing(raw[i]).equals(BEGIN_MESSAGE)) {
      throw new SignatureException(
          source, "not a clear-signed message: it does not start with " + BEGIN_MESSAGE);
    }
    i++;
    List<String> hashes = null;
    while (true) {
      if (i == n) {
        throw new SignatureException(source, "malformed armor: headers not ended by a blank line");
      }
      String header = TrustedKeys.stripTrailing(raw[i++]);
      if (header.isEmpty()) {
        break;
      }
      if (!header.startsWith("Hash: ")) {
        throw new SignatureException(
            source, "malformed armor: unexpected header on line " + i + ": '" + header + "'");
      }
      if (hashes == null) {
        hashes = new ArrayList<>();
      }
      for (String h : header.substring(6).split(",")) {
        hashes.add(h.trim().toUpperCase(Locale.ROOT));
      }
    }
    List<String> lines = new ArrayList<>();
    while (true) {
      if (i == n) {
        throw new SignatureException(source, "malformed armor: no " + BEGIN_SIGNATURE + " line");
      }
      String line = stripCr(raw[i++]);
      if (line.startsWith("- ")) {
        lines.add(line.substring(2));
      } else if (line.startsWith("-")) {
        if (TrustedKeys.stripTrailing(line).equals(BEGIN_SIGNATURE)) {
          break;
        }
        throw new SignatureException(
            source, "malformed armor: line " + i + " starts with a dash but is not dash-escaped");
      } else {
        lines.add(line);
      }
    }
    StringBuilder armor = new StringBuilder(BEGIN_SIGNATURE).append('\n');
    boolean ended = false;
    while (i < n) {
      String line = TrustedKeys.stripTrailing(raw[i++]);
      armor.append(line).append('\n');
      if (line.equals(END_SIGNATURE)) {
        ended = true;
        break;
      }
      if (line.startsWith("-----")) {
        throw new SignatureException(
            source, "malformed armor: unexpected line " + i + " in the signature block");
      }
    }
    if (!ended) {
      throw new SignatureException(source, "malformed armor: no " + END_SIGNATURE + " line");
    }
    while (i < n) {
      if (!isBlank(raw[i++])) {
        throw new SignatureException(source, "unsigned data after the signature, line " + i);
      }
    }
    return new Parsed(lines, hashes, armor.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * The bytes a cleartext signature covers (RFC 9580 §7.2): trailing spaces and tabs removed, lines
   * joined with CR LF, no line ending after the last line.
   */
  static byte[] canonical(List<String> lines) {
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < lines.size(); k++) {
      if (k > 0) {
        sb.append("\r\n");
      }
      sb.append(stripWhitespace(lines.get(k)));
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Splits text into lines on "\n" (a CR before it is dropped); a final "\n" ends the last line.
   */
  static List<String> splitLines(byte[] text) {
    List<String> lines = new ArrayList<>();
    if (text.length == 0) {
      return lines;
    }
    String[] raw = new String(text, StandardCharsets.ISO_8859_1).split("\n", -1);
    int count = raw[raw.length - 1].isEmpty() ? raw.length - 1 : raw.length;
    for (int k = 0; k < count; k++) {
      lines.add(stripCr(raw[k]));
    }
    return lines;
  }

  /**
   * Writes a clear-signed message: header, dash-escaped lines each ended by "\n", then the armored
   * signatures (no Version header, with CRC, "\n" line endings).
   */
  static byte[] assemble(List<String> lines, String hashName, List<PGPSignature> sigs) {
    StringBuilder sb = new StringBuilder();
    sb.append(BEGIN_MESSAGE).append('\n').append("Hash: ").append(hashName).append("\n\n");
    for (String line : lines) {
      if (line.startsWith("-")) {
        sb.append("- ");
      }
      sb.append(line).append('\n');
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(armorSignatures(sigs));
    return out.toByteArray();
  }

  /**
   * ASCII-armors signature packets (RFC 9580 §6.2) with "\n" line endings and no Version header.
   */
  static byte[] armorSignatures(List<PGPSignature> sigs) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored =
        ArmoredOutputStream.builder().clearHeaders().enableCRC(true).build(buf)) {
      for (PGPSignature sig : sigs) {
        sig.encode(armored);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = buf.toString(StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
    if (!text.endsWith("\n")) {
      text += "\n";
    }
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static String stripWhitespace(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
      end--;
    }
    return line.substring(0, end);
  }

  private static boolean isBlank(String line) {
    return TrustedKeys.stripTrailing(line).isEmpty();
  }
}
