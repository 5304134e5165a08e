package io.pigsty.repo.sign;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * Immutable set of trusted OpenPGP public keys (primary keys and their subkeys), the Java
 * counterpart of the keyring given to {@code gpgv --keyring} or apt's {@code Signed-By:}.
 *
 * <p>Self-signatures are checked when the keys are loaded (RFC 9580 §5.2.1, §10.1): a subkey counts
 * only with a valid subkey binding signature by its primary key and, when it may sign data, a valid
 * embedded primary key binding ("back") signature, as GnuPG requires. Expiry and revocation are
 * taken from verified self-signatures only.
 */
public final class TrustedKeys {

  static final BcPGPContentVerifierBuilderProvider VERIFIERS =
      new BcPGPContentVerifierBuilderProvider();

  /** One key (primary or subkey) that a data signature may name as its issuer. */
  record KeyInfo(
      PGPPublicKey key,
      String fingerprint,
      String primaryFingerprint,
      Instant created,
      Instant expires,
      Instant revoked,
      String unusable) {}

  private final List<String> primaryFingerprints;
  private final Map<Long, List<KeyInfo>> byKeyId;

  private TrustedKeys(List<String> primaryFingerprints, Map<Long, List<KeyInfo>> byKeyId) {
    this.primaryFingerprints = List.copyOf(primaryFingerprints);
    Map<Long, List<KeyInfo>> copy = new LinkedHashMap<>();
    byKeyId.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.byKeyId = Collections.unmodifiableMap(copy);
  }

  /**
   * Reads public keys from files, each either a binary OpenPGP keyring (the {@code .gpg} files in
   * {@code /usr/share/keyrings}) or one or more ASCII-armored public key blocks ({@code .asc}, RFC
   * 9580 §6.2).
   *
   * @param files keyring files, not null; an empty list gives an empty set that trusts nothing
   * @return the union of all keys in the files
   * @throws IOException when a file cannot be read
   * @throws SignatureException when a file is not a public keyring (malformed packets, a GnuPG
   *     keybox, a secret key) or holds no key; the message names the file
   */
  public static TrustedKeys load(List<Path> files) throws IOException, SignatureException {
    Builder builder = new Builder();
    for (Path file : files) {
      builder.add(Files.readAllBytes(file), file.toString());
    }
    return builder.build();
  }

  /**
   * Reads public keys from bytes, binary or ASCII-armored as in {@link #load(List)}.
   *
   * @param keyring the keyring bytes, not null
   * @return the keys it holds
   * @throws SignatureException when the bytes are not a public keyring or hold no key; the message
   *     names the source as {@code <in-memory keyring>}
   */
  public static TrustedKeys of(byte[] keyring) throws SignatureException {
    Builder builder = new Builder();
    builder.add(keyring, "<in-memory keyring>");
    return builder.build();
  }

  /**
   * @return fingerprints of the primary keys, uppercase hex without spaces (40 characters for v4
   *     keys), in file order, never null
   */
  public List<String> fingerprints() {
    return primaryFingerprints;
  }

  /** Keys whose key ID (low 64 bits of the v4 fingerprint) is {@code keyId}; empty if none. */
  List<KeyInfo> byKeyId(long keyId) {
    return byKeyId.getOrDefault(keyId, List.of());
  }

  /** Keys whose fingerprint is {@code fingerprint} (uppercase hex); empty if none. */
  List<KeyInfo> byFingerprint(String fingerprint) {
    List<KeyInfo> out = new ArrayList<>();
    for (List<KeyInfo> infos : byKeyId.values()) {
      for (KeyInfo info : infos) {
        if (info.fingerprint().equals(fingerprint)) {
          out.add(info);
        }
      }
    }
    return out;
  }

  /**
   * @param fingerprint as a user writes it, e.g. {@code 21CB 256A e16f ...}
   * @return without blanks, upper case: the form {@link #fingerprints()} lists
   */
  public static String normalizeFingerprint(String fingerprint) {
    return fingerprint.replace(" ", "").toUpperCase(Locale.ROOT);
  }

  static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      sb.append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)));
      sb.append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
    }
    return sb.toString();
  }

  static String hexKeyId(long keyId) {
    return String.format("%016X", keyId);
  }

  /** Collects key rings from several inputs. */
  private static final class Builder {
    private final List<String> primaries = new ArrayList<>();
    private final Map<Long, List<KeyInfo>> byKeyId = new LinkedHashMap<>();

    void add(byte[] bytes, String source) throws SignatureException {
      List<PGPPublicKeyRing> rings = new ArrayList<>();
      if (isArmored(bytes)) {
        List<byte[]> blocks = armorBlocks(bytes, source);
        for (byte[] block : blocks) {
          try (ArmoredInputStream in =
              ArmoredInputStream.builder().build(new ByteArrayInputStream(block))) {
            rings.addAll(parse(in, source));
          } catch (IOException e) {
            throw new SignatureException(source, "malformed armor: " + e.getMessage(), e);
          }
        }
      } else {
        if (bytes.length >= 12
            && bytes[8] == 'K'
            && bytes[9] == 'B'
            && bytes[10] == 'X'
            && bytes[11] == 'f') {
          throw new SignatureException(
              source, "is a GnuPG keybox, not an OpenPGP keyring; export it with gpg --export");
        }
        try {
          rings.addAll(parse(new ByteArrayInputStream(bytes), source));
        } catch (IOException e) {
          throw new SignatureException(source, "malformed keyring: " + e.getMessage(), e);
        }
      }
      if (rings.isEmpty()) {
        throw new SignatureException(source, "holds no public key");
      }
      for (PGPPublicKeyRing ring : rings) {
        addRing(ring);
      }
    }

    private void addRing(PGPPublicKeyRing ring) {
      PGPPublicKey primary = ring.getPublicKey();
      String primaryFpr = hex(primary.getFingerprint());
      if (!primaries.contains(primaryFpr)) {
        primaries.add(primaryFpr);
      }
      for (KeyInfo info : analyse(ring)) {
        List<KeyInfo> list = byKeyId.computeIfAbsent(info.key().getKeyID(), k -> new ArrayList<>());
        if (list.stream().noneMatch(i -> i.fingerprint().equals(info.fingerprint()))) {
          list.add(info);
        }
      }
    }

    TrustedKeys build() {
      return new TrustedKeys(primaries, byKeyId);
    }
  }

  private static List<PGPPublicKeyRing> parse(InputStream in, String source)
      throws IOException, SignatureException {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
    Object o;
    while ((o = nextObject(factory, source)) != null) {
      if (o instanceof PGPPublicKeyRing ring) {
        rings.add(ring);
      } else if (o instanceof PGPMarker) {
        continue;
      } else if (o instanceof PGPSecretKeyRing) {
        throw new SignatureException(source, "holds a secret key; give the public key only");
      } else if (o instanceof PGPSignatureList) {
        throw new SignatureException(source, "holds a signature, not a public key");
      } else {
        throw new SignatureException(
            source, "unexpected OpenPGP packet " + o.getClass().getSimpleName() + " in a keyring");
      }
    }
    return rings;
  }

  private static Object nextObject(BcPGPObjectFactory factory, String source)
      throws SignatureException {
    try {
      return factory.nextObject();
    } catch (IOException | RuntimeException e) {
      throw new SignatureException(source, "malformed OpenPGP data: " + e.getMessage(), e);
    }
  }

  /**
   * True when the bytes hold ASCII armor: a line starting with "-----BEGIN PGP " (RFC 9580 §6.2);
   * text before it is allowed, as in a key file with a comment on top.
   */
  static boolean isArmored(byte[] bytes) {
    byte[] marker = "-----BEGIN PGP ".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + marker.length <= bytes.length; i++) {
      if ((i == 0 || bytes[i - 1] == '\n')
          && Arrays.equals(bytes, i, i + marker.length, marker, 0, marker.length)) {
        return true;
      }
    }
    return false;
  }

  /** Splits text holding one or more armored blocks into the blocks, each BEGIN..END line. */
  private static List<byte[]> armorBlocks(byte[] bytes, String source) throws SignatureException {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    List<byte[]> blocks = new ArrayList<>();
    StringBuilder current = null;
    for (String line : text.split("\n", -1)) {
      String l = stripTrailing(line);
      if (current == null) {
        if (l.startsWith("-----BEGIN PGP ")) {
          current = new StringBuilder();
          current.append(l).append('\n');
        }
      } else {
        current.append(l).append('\n');
        if (l.startsWith("-----END PGP ")) {
          blocks.add(current.toString().getBytes(StandardCharsets.ISO_8859_1));
          current = null;
        }
      }
    }
    if (current != null) {
      throw new SignatureException(source, "malformed armor: no -----END PGP line");
    }
    return blocks;
  }

  static String stripTrailing(String line) {
    int end = line.length();
    while (end > 0
        && (line.charAt(end - 1) == ' '
            || line.charAt(end - 1) == '\t'
            || line.charAt(end - 1) == '\r')) {
      end--;
    }
    return line.substring(0, end);
  }

  // ---- self-signature checks (RFC 9580 §5.2.1, §5.2.3.13 key expiration, §10.1) ----

  private static List<KeyInfo> analyse(PGPPublicKeyRing ring) {
    PGPPublicKey primary = ring.getPublicKey();
    String primaryFpr = hex(primary.getFingerprint());
    List<KeyInfo> out = new ArrayList<>();

    PGPSignature self = latestSelfSignature(primary);
    Instant primaryCreated = primary.getCreationTime().toInstant();
    Instant primaryExpires =
        self == null ? null : expiry(primaryCreated, self.getHashedSubPackets());
    Instant primaryRevoked = revocation(primary, primary, PGPSignature.KEY_REVOCATION);
    String primaryUnusable = null;
    if (self == null) {
      primaryUnusable = "primary key " + primaryFpr + " has no valid self-signature";
    } else {
      int flags = flags(self);
      if (flags != 0 && (flags & KeyFlags.SIGN_DATA) == 0) {
        primaryUnusable = "primary key " + primaryFpr + " is not flagged for signing";
      }
    }
    out.add(
        new KeyInfo(
            primary,
            primaryFpr,
            primaryFpr,
            primaryCreated,
            primaryExpires,
            primaryRevoked,
            primaryUnusable));

    Iterator<PGPPublicKey> keys = ring.getPublicKeys();
    while (keys.hasNext()) {
      PGPPublicKey sub = keys.next();
      if (sub.isMasterKey()) {
        continue;
      }
      String fpr = hex(sub.getFingerprint());
      Instant created = sub.getCreationTime().toInstant();
      PGPSignature binding = latestBinding(primary, sub);
      String unusable = null;
      Instant expires = null;
      if (self == null) {
        unusable = primaryUnusable;
      } else if (binding == null) {
        unusable = "subkey " + fpr + " has no valid binding signature by " + primaryFpr;
      } else {
        expires = expiry(created, binding.getHashedSubPackets());
        int flags = flags(binding);
        if (flags != 0 && (flags & KeyFlags.SIGN_DATA) == 0) {
          unusable = "subkey " + fpr + " is not flagged for signing";
        } else if (!hasBackSignature(binding, primary, sub)) {
          unusable =
              "signing subkey "
                  + fpr
                  + " is not cross-certified (no primary key binding signature)";
        }
      }
      Instant revoked = revocation(primary, sub, PGPSignature.SUBKEY_REVOCATION);
      out.add(
          new KeyInfo(
              sub,
              fpr,
              primaryFpr,
              created,
              earliest(expires, primaryExpires),
              earliest(revoked, primaryRevoked),
              unusable));
    }
    return out;
  }

  private static Instant earliest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }

  private static int flags(PGPSignature sig) {
    PGPSignatureSubpacketVector hashed = sig.getHashedSubPackets();
    return hashed == null ? 0 : hashed.getKeyFlags();
  }

  private static Instant expiry(Instant created, PGPSignatureSubpacketVector hashed) {
    if (hashed == null) {
      return null;
    }
    long seconds = hashed.getKeyExpirationTime();
    return seconds <= 0 ? null : created.plusSeconds(seconds);
  }

  private static PGPSignature latestSelfSignature(PGPPublicKey primary) {
    PGPSignature latest = null;
    Iterator<byte[]> ids = primary.getRawUserIDs();
    while (ids.hasNext()) {
      byte[] id = ids.next();
      Iterator<PGPSignature> sigs = primary.getSignaturesForID(id);
      while (sigs != null && sigs.hasNext()) {
        PGPSignature sig = sigs.next();
        if (sig.getKeyID() == primary.getKeyID()
            && isUserIdCertification(sig.getSignatureType())
            && verifies(
                () -> {
                  sig.init(VERIFIERS, primary);
                  return sig.verifyCertification(id, primary);
                })) {
          latest = later(latest, sig);
        }
      }
    }
    Iterator<PGPSignature> direct = primary.getSignaturesOfType(PGPSignature.DIRECT_KEY);
    while (direct.hasNext()) {
      PGPSignature sig = direct.next();
      if (sig.getKeyID() == primary.getKeyID()
          && verifies(
              () -> {
                sig.init(VERIFIERS, primary);
                return sig.verifyCertification(primary);
              })) {
        latest = later(latest, sig);
      }
    }
    return latest;
  }

  private static boolean isUserIdCertification(int type) {
    return type == PGPSignature.DEFAULT_CERTIFICATION
        || type == PGPSignature.NO_CERTIFICATION
        || type == PGPSignature.CASUAL_CERTIFICATION
        || type == PGPSignature.POSITIVE_CERTIFICATION;
  }

  private static PGPSignature latestBinding(PGPPublicKey primary, PGPPublicKey sub) {
    PGPSignature latest = null;
    Iterator<PGPSignature> sigs = sub.getSignaturesOfType(PGPSignature.SUBKEY_BINDING);
    while (sigs.hasNext()) {
      PGPSignature sig = sigs.next();
      if (sig.getKeyID() == primary.getKeyID()
          && verifies(
              () -> {
                sig.init(VERIFIERS, primary);
                return sig.verifyCertification(primary, sub);
              })) {
        latest = later(latest, sig);
      }
    }
    return latest;
  }

  private static boolean hasBackSignature(
      PGPSignature binding, PGPPublicKey primary, PGPPublicKey sub) {
    for (PGPSignatureSubpacketVector area :
        new PGPSignatureSubpacketVector[] {
          binding.getHashedSubPackets(), binding.getUnhashedSubPackets()
        }) {
      if (area == null) {
        continue;
      }
      PGPSignatureList embedded;
      try {
        embedded = area.getEmbeddedSignatures();
      } catch (PGPException e) {
        continue;
      }
      for (PGPSignature back : embedded) {
        if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING
            && verifies(
                () -> {
                  back.init(VERIFIERS, sub);
                  return back.verifyCertification(primary, sub);
                })) {
          return true;
        }
      }
    }
    return false;
  }

  /** Earliest creation time of a verified revocation of {@code key} by {@code primary}, or null. */
  private static Instant revocation(PGPPublicKey primary, PGPPublicKey key, int type) {
    Instant earliest = null;
    Iterator<PGPSignature> sigs = key.getSignaturesOfType(type);
    while (sigs.hasNext()) {
      PGPSignature sig = sigs.next();
      if (sig.getKeyID() != primary.getKeyID()) {
        continue;
      }
      boolean ok =
          verifies(
              () -> {
                sig.init(VERIFIERS, primary);
                return key == primary
                    ? sig.verifyCertification(primary)
                    : sig.verifyCertification(primary, key);
              });
      if (ok) {
        earliest = earliest(earliest, sig.getCreationTime().toInstant());
      }
    }
    return earliest;
  }

  private static PGPSignature later(PGPSignature a, PGPSignature b) {
    if (a == null) {
      return b;
    }
    return b.getCreationTime().after(a.getCreationTime()) ? b : a;
  }

  private interface Check {
    boolean run() throws PGPException;
  }

  private static boolean verifies(Check check) {
    try {
      return check.run();
    } catch (PGPException | RuntimeException e) {
      return false;
    }
  }
}
