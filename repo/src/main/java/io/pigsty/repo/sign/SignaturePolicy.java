package io.pigsty.repo.sign;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * The acceptance rule shared by clear-signed and detached verification, modelled on apt's use of
 * gpgv (apt's methods/gpgv.cc): good signatures count, bad ones by trusted keys fail the whole
 * input, signatures by unknown keys are ignored, and "worthless" ones (weak digest, expired or
 * revoked key) do not count.
 */
final class SignaturePolicy {

  /** Feeds the signed data into a signature that has been initialised for verification. */
  interface Feeder {
    void feed(PGPSignature sig);
  }

  private SignaturePolicy() {}

  /**
   * @param sigs signatures found in the input
   * @param keys trusted keys
   * @param source file or URL for messages
   * @param now the verification time (key and signature expiry are judged against it)
   * @param allowedTypes signature types acceptable here (RFC 9580 §5.2.1)
   * @param hashHeader hash names from a cleartext "Hash:" header, or null when there is none
   * @param feeder feeds the signed data
   * @return primary key fingerprints of the good signatures, in order, without duplicates
   * @throws SignatureException on a bad signature by a trusted key or when none is good
   */
  static List<String> check(
      List<PGPSignature> sigs,
      TrustedKeys keys,
      String source,
      Instant now,
      Set<Integer> allowedTypes,
      List<String> hashHeader,
      Feeder feeder)
      throws SignatureException {
    if (sigs.isEmpty()) {
      throw new SignatureException(source, "no signature found");
    }
    Set<String> good = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    List<String> worthless = new ArrayList<>();
    for (PGPSignature sig : sigs) {
      String issuerFpr = issuerFingerprint(sig);
      List<TrustedKeys.KeyInfo> candidates =
          issuerFpr != null ? keys.byFingerprint(issuerFpr) : keys.byKeyId(sig.getKeyID());
      if (candidates.isEmpty()) {
        unknown.add(issuerFpr != null ? issuerFpr : TrustedKeys.hexKeyId(sig.getKeyID()));
        continue;
      }
      String lastProblem = null;
      boolean isGood = false;
      for (TrustedKeys.KeyInfo key : candidates) {
        String problem = judge(sig, key, source, now, allowedTypes, hashHeader, feeder);
        if (problem == null) {
          good.add(key.primaryFingerprint());
          isGood = true;
          break;
        }
        lastProblem = problem;
      }
      if (!isGood) {
        worthless.add(lastProblem);
      }
    }
    if (good.isEmpty()) {
      StringBuilder reason = new StringBuilder("no signature by a trusted key");
      List<String> details = new ArrayList<>(worthless);
      if (!unknown.isEmpty()) {
        details.add(
            "signed by unknown key"
                + (unknown.size() > 1 ? "s " : " ")
                + String.join(", ", unknown));
      }
      if (!details.isEmpty()) {
        reason.append(" (").append(String.join("; ", details)).append(')');
      }
      throw new SignatureException(source, reason.toString());
    }
    return List.copyOf(good);
  }

  /**
   * @return null when the signature is good, else why it does not count; throws when it is bad
   */
  private static String judge(
      PGPSignature sig,
      TrustedKeys.KeyInfo key,
      String source,
      Instant now,
      Set<Integer> allowedTypes,
      List<String> hashHeader,
      Feeder feeder)
      throws SignatureException {
    String who = describe(key);
    String digest = digestName(sig.getHashAlgorithm());
    if (isWeak(sig.getHashAlgorithm())) {
      return "signature by "
          + who
          + " uses weak digest "
          + (digest != null ? digest : "algorithm " + sig.getHashAlgorithm());
    }
    if (digest == null) {
      return "signature by " + who + " uses unsupported digest algorithm " + sig.getHashAlgorithm();
    }
    if (sig.getVersion() != 4 && sig.getVersion() != 6) {
      return "signature by " + who + " has unsupported version " + sig.getVersion();
    }
    if (!allowedTypes.contains(sig.getSignatureType())) {
      return "signature by "
          + who
          + " has unexpected type 0x"
          + Integer.toHexString(sig.getSignatureType());
    }
    if (key.unusable() != null) {
      return "signature by " + who + " does not count: " + key.unusable();
    }
    if (hashHeader != null && !hashHeader.contains(digest)) {
      throw new SignatureException(
          source,
          "signature digest conflict: signature by "
              + who
              + " uses "
              + digest
              + " but the Hash: header says "
              + String.join(",", hashHeader));
    }
    boolean verified;
    try {
      sig.init(TrustedKeys.VERIFIERS, key.key());
      feeder.feed(sig);
      verified = sig.verify();
    } catch (PGPException | RuntimeException e) {
      verified = false;
    }
    if (!verified) {
      throw new SignatureException(source, "bad signature by " + who);
    }
    Instant created = sig.getCreationTime().toInstant();
    if (created.isBefore(key.created())) {
      return "signature by "
          + who
          + " was made "
          + created
          + ", before the key was created "
          + key.created();
    }
    if (created.isAfter(now)) {
      return "signature by " + who + " was made in the future (" + created + ")";
    }
    if (key.revoked() != null) {
      return "signature by " + who + " does not count: key revoked " + key.revoked();
    }
    if (key.expires() != null && !created.isBefore(key.expires())) {
      return "signature by "
          + who
          + " was made "
          + created
          + ", after the key expired "
          + key.expires();
    }
    if (key.expires() != null && !now.isBefore(key.expires())) {
      return "signature by " + who + " does not count: key expired " + key.expires();
    }
    PGPSignatureSubpacketVector hashed = sig.getHashedSubPackets();
    long sigValid = hashed == null ? 0 : hashed.getSignatureExpirationTime();
    if (sigValid > 0 && !now.isBefore(created.plusSeconds(sigValid))) {
      return "signature by " + who + " expired " + created.plusSeconds(sigValid);
    }
    return null;
  }

  /**
   * Decodes the signature packets of a detached or clear-signed signature block.
   *
   * @param bytes binary packets, or armor starting with "-----BEGIN PGP SIGNATURE-----"
   * @param source file or URL for messages
   * @return all signatures found, possibly empty
   * @throws SignatureException on malformed armor (bad CRC, bad base64) or a packet that is not a
   *     signature
   */
  static List<PGPSignature> parseSignatures(byte[] bytes, String source) throws SignatureException {
    byte[] binary = bytes;
    if (TrustedKeys.isArmored(bytes)) {
      try (ArmoredInputStream in =
          ArmoredInputStream.builder().build(new ByteArrayInputStream(bytes))) {
        String header = in.getArmorHeaderLine();
        if (header == null || !header.trim().equals("-----BEGIN PGP SIGNATURE-----")) {
          throw new SignatureException(
              source, "malformed armor: expected -----BEGIN PGP SIGNATURE-----, got " + header);
        }
        binary = in.readAllBytes();
      } catch (IOException | RuntimeException e) {
        throw new SignatureException(source, "malformed armor: " + e.getMessage(), e);
      }
    }
    List<PGPSignature> sigs = new ArrayList<>();
    BcPGPObjectFactory factory = new BcPGPObjectFactory(binary);
    while (true) {
      Object o;
      try {
        o = factory.nextObject();
      } catch (IOException | RuntimeException e) {
        throw new SignatureException(source, "malformed signature packet: " + e.getMessage(), e);
      }
      if (o == null) {
        break;
      }
      if (o instanceof PGPSignatureList list) {
        list.forEach(sigs::add);
      } else if (!(o instanceof PGPMarker)) {
        throw new SignatureException(
            source, "not a detached signature: found " + o.getClass().getSimpleName());
      }
    }
    return sigs;
  }

  private static String describe(TrustedKeys.KeyInfo key) {
    return key.fingerprint().equals(key.primaryFingerprint())
        ? "key " + key.fingerprint()
        : "key " + key.fingerprint() + " (subkey of " + key.primaryFingerprint() + ")";
  }

  private static String issuerFingerprint(PGPSignature sig) {
    for (KeyIdentifier id : sig.getKeyIdentifiers()) {
      if (id.getFingerprint() != null) {
        return TrustedKeys.hex(id.getFingerprint());
      }
    }
    return null;
  }

  /** MD5, SHA-1, RIPEMD-160 and older are rejected as apt does since 1.2.7 (weak digests). */
  static boolean isWeak(int hashAlgorithm) {
    return hashAlgorithm == HashAlgorithmTags.MD5
        || hashAlgorithm == HashAlgorithmTags.SHA1
        || hashAlgorithm == HashAlgorithmTags.RIPEMD160
        || hashAlgorithm == HashAlgorithmTags.MD2
        || hashAlgorithm == HashAlgorithmTags.TIGER_192
        || hashAlgorithm == HashAlgorithmTags.HAVAL_5_160;
  }

  /** The armor "Hash:" name of a hash algorithm (RFC 9580 §9.5), or null if unknown. */
  static String digestName(int hashAlgorithm) {
    switch (hashAlgorithm) {
      case HashAlgorithmTags.MD5:
        return "MD5";
      case HashAlgorithmTags.SHA1:
        return "SHA1";
      case HashAlgorithmTags.RIPEMD160:
        return "RIPEMD160";
      case HashAlgorithmTags.SHA256:
        return "SHA256";
      case HashAlgorithmTags.SHA384:
        return "SHA384";
      case HashAlgorithmTags.SHA512:
        return "SHA512";
      case HashAlgorithmTags.SHA224:
        return "SHA224";
      case HashAlgorithmTags.SHA3_256:
        return "SHA3-256";
      case HashAlgorithmTags.SHA3_512:
        return "SHA3-512";
      default:
        return null;
    }
  }
}
