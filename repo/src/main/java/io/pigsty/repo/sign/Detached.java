package io.pigsty.repo.sign;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.bouncycastle.openpgp.PGPSignature;

/**
 * Verifies detached OpenPGP signatures such as apt's {@code Release.gpg} or a yum repository's
 * {@code repomd.xml.asc} (RFC 9580 §11.4).
 */
public final class Detached {

  private static final Set<Integer> TYPES =
      Set.of(PGPSignature.BINARY_DOCUMENT, PGPSignature.CANONICAL_TEXT_DOCUMENT);

  private Detached() {}

  /**
   * Verifies at the current time; see {@link #verify(byte[], byte[], TrustedKeys, String,
   * Instant)}.
   */
  public static List<String> verify(byte[] data, byte[] signature, TrustedKeys keys, String source)
      throws SignatureException {
    return verify(data, signature, keys, source, Instant.now());
  }

  /**
   * Verifies a detached signature over {@code data} with the same policy as {@link
   * ClearSigned#verify(byte[], TrustedKeys, String, Instant)}: at least one good signature by a
   * trusted key, none bad by a trusted key, unknown keys ignored, weak digests and expired or
   * revoked keys not counted.
   *
   * @param data the signed bytes, not null
   * @param signature binary signature packets or ASCII armor ({@code -----BEGIN PGP
   *     SIGNATURE-----}), not null
   * @param keys trusted keys, not null
   * @param source file or URL of the signature, named in error messages, not null
   * @param now the time at which key and signature expiry are judged, not null
   * @return primary key fingerprints (uppercase hex) of the good signatures, at least one
   * @throws SignatureException when the signature is malformed, bad for a trusted key, or no
   *     trusted key made a good one
   */
  public static List<String> verify(
      byte[] data, byte[] signature, TrustedKeys keys, String source, Instant now)
      throws SignatureException {
    List<PGPSignature> sigs = SignaturePolicy.parseSignatures(signature, source);
    return SignaturePolicy.check(sigs, keys, source, now, TYPES, null, sig -> sig.update(data));
  }
}
