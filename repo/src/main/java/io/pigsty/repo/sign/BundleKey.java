package io.pigsty.repo.sign;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * The bundle's own OpenPGP signing key: a v4 RSA key without passphrase or expiry that signs the
 * repository metadata of a bundle (InRelease, Release.gpg, repomd.xml.asc).
 */
public final class BundleKey {

  /** Name of the secret key file inside the key directory. */
  public static final String SECRET_FILE = "secret.asc";

  /** RSA modulus size of generated keys, in bits. */
  public static final int RSA_BITS = 3072;

  /** User ID of the key {@code pigsty} makes on first use in its key directory. */
  public static final String USER_ID = "Pigsty bundle signing key";

  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");

  private final PGPSecretKeyRing secretRing;
  private final PGPPublicKey publicKey;
  private final PGPPrivateKey privateKey;

  BundleKey(PGPSecretKeyRing secretRing, String source) throws SignatureException {
    this.secretRing = secretRing;
    PGPSecretKey secret = secretRing.getSecretKey();
    this.publicKey = secret.getPublicKey();
    int alg = publicKey.getAlgorithm();
    if (alg != PublicKeyAlgorithmTags.RSA_GENERAL && alg != PublicKeyAlgorithmTags.RSA_SIGN) {
      throw new SignatureException(source, "primary key is not an RSA key (algorithm " + alg + ")");
    }
    if (secret.getKeyEncryptionAlgorithm() != SymmetricKeyAlgorithmTags.NULL) {
      throw new SignatureException(
          source, "secret key is passphrase-protected; only unprotected keys are supported");
    }
    try {
      this.privateKey = secret.extractPrivateKey(null);
    } catch (PGPException e) {
      throw new SignatureException(source, "cannot read the secret key: " + e.getMessage(), e);
    }
    if (privateKey == null) {
      throw new SignatureException(source, "secret key holds no private key material");
    }
  }

  /**
   * Loads {@code dir/secret.asc}, or generates a new key and stores it there when the file does not
   * exist. A new directory is created with mode 0700; the secret file is written with mode 0600 to
   * a temporary file in {@code dir}, then hard-linked to its name, which fails when the name exists
   * (create-new, as {@code link(2)} never replaces its target). Two processes or threads creating
   * the key at the same moment therefore end with one key: the one that lost discards its own and
   * loads the winner's, so both return the same key.
   *
   * @param dir directory holding the key, created if missing, not null
   * @param userId user ID for a new key, e.g. {@code "Pigsty bundle <ops@example.org>"}; ignored
   *     when the key exists, not null
   * @return the key
   * @throws IOException when the directory or file cannot be read or written
   * @throws SignatureException when the existing file is not an unprotected RSA secret key, or is
   *     readable by group or others (as ssh refuses such private keys)
   */
  public static BundleKey loadOrCreate(Path dir, String userId)
      throws IOException, SignatureException {
    Path file = dir.resolve(SECRET_FILE);
    if (Files.exists(file)) {
      return load(file);
    }
    if (!Files.isDirectory(dir)) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        Files.setPosixFilePermissions(dir, DIR_MODE);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(dir)) {
          throw e;
        }
        // another process made it a moment ago
      }
    }
    BundleKey key = generate(userId, Instant.now());
    return writeNew(file, key.secretArmored()) ? key : load(file);
  }

  /**
   * Reads an unprotected ASCII-armored or binary secret key file.
   *
   * @param file the secret key file, not null
   * @return the key
   * @throws IOException when the file cannot be read
   * @throws SignatureException when it is not an unprotected RSA secret key or is readable by group
   *     or others
   */
  public static BundleKey load(Path file) throws IOException, SignatureException {
    String source = file.toString();
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.stream()
          .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        throw new SignatureException(
            source,
            "secret key file is accessible by group or others (mode "
                + PosixFilePermissions.toString(mode)
                + "); chmod 600 it");
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    }
    byte[] bytes = Files.readAllBytes(file);
    try (InputStream in =
        TrustedKeys.isArmored(bytes)
            ? ArmoredInputStream.builder().build(new ByteArrayInputStream(bytes))
            : new ByteArrayInputStream(bytes)) {
      return new BundleKey(new PGPSecretKeyRing(in, new BcKeyFingerprintCalculator()), source);
    } catch (IOException | PGPException | RuntimeException e) {
      throw new SignatureException(source, "not an OpenPGP secret key: " + e.getMessage(), e);
    }
  }

  /**
   * Generates a new key in memory (RSA {@value #RSA_BITS}, v4, positive self-certification with
   * SHA-512, flags certify+sign, no expiry, no passphrase; RFC 9580 §5.5, §5.2.3).
   *
   * @param userId the user ID, not null
   * @param created key creation time, truncated to seconds, not null
   * @return the key; it is not stored anywhere
   */
  public static BundleKey generate(String userId, Instant created) {
    Date when = Date.from(created.truncatedTo(ChronoUnit.SECONDS));
    try {
      RSAKeyPairGenerator rsa = new RSAKeyPairGenerator();
      rsa.init(
          new RSAKeyGenerationParameters(
              BigInteger.valueOf(0x10001), new SecureRandom(), RSA_BITS, 100));
      AsymmetricCipherKeyPair pair = rsa.generateKeyPair();
      PGPKeyPair keyPair = new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, pair, when);

      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setSignatureCreationTime(false, when);
      hashed.setIssuerFingerprint(false, keyPair.getPublicKey());
      hashed.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
      hashed.setPreferredHashAlgorithms(
          false,
          new int[] {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA256});
      hashed.setPreferredSymmetricAlgorithms(
          false, new int[] {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128});
      hashed.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
      hashed.setPrimaryUserID(false, true);

      PGPDigestCalculator sha1 = new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1);
      PGPKeyRingGenerator generator =
          new PGPKeyRingGenerator(
              PGPSignature.POSITIVE_CERTIFICATION,
              keyPair,
              userId,
              sha1,
              hashed.generate(),
              null,
              new BcPGPContentSignerBuilder(
                  PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA512),
              null);
      return new BundleKey(generator.generateSecretKeyRing(), "<generated key>");
    } catch (PGPException | SignatureException e) {
      throw new IllegalStateException("OpenPGP key generation failed: " + e.getMessage(), e);
    }
  }

  /**
   * @return the primary key fingerprint, 40 uppercase hex characters
   */
  public String fingerprint() {
    return TrustedKeys.hex(publicKey.getFingerprint());
  }

  /**
   * @return the key creation time; signatures must not be dated before it
   */
  public Instant keyCreated() {
    return publicKey.getCreationTime().toInstant();
  }

  /**
   * @param when a wanted signature time
   * @return {@code when}, or the key's creation time when {@code when} is earlier (a signature may
   *     not predate its key)
   */
  public Instant notBeforeCreation(Instant when) {
    return when.isBefore(keyCreated()) ? keyCreated() : when;
  }

  /**
   * @return the transferable public key in binary OpenPGP format, suitable as a {@code .gpg} file
   *     for apt's {@code Signed-By:} or {@code gpgv --keyring}
   */
  public byte[] publicKeyring() {
    try {
      return secretRing.toCertificate().getEncoded(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @return the public key ASCII-armored ({@code -----BEGIN PGP PUBLIC KEY BLOCK-----}), "\n" line
   *     ends
   */
  public String publicKeyArmored() {
    return new String(armor(publicKeyring()), StandardCharsets.US_ASCII);
  }

  /** Clear-signs at the current time; see {@link #clearSign(byte[], Instant)}. */
  public byte[] clearSign(byte[] text) {
    return clearSign(text, Instant.now());
  }

  /**
   * Clear-signs text in apt's InRelease format (RFC 9580 §7): {@code -----BEGIN PGP SIGNED
   * MESSAGE-----}, {@code Hash: SHA512}, the text dash-escaped, then a SHA-512 canonical-text
   * signature, armored. Lines are split on "\n" (a CR before it is dropped) and each is written
   * with "\n"; a final "\n" in {@code text} is optional and gives the same output. Trailing spaces
   * and tabs are kept in the output but, per RFC 9580 §7.2, not signed. Equal text, key and {@code
   * created} give byte-identical output (RSA PKCS#1 v1.5 is deterministic).
   *
   * @param text the text to sign, not null
   * @param created signature creation time, truncated to seconds, not before {@link #keyCreated()}
   * @return the clear-signed message
   * @throws IllegalArgumentException when {@code created} is before the key's creation time
   */
  public byte[] clearSign(byte[] text, Instant created) {
    List<String> lines = ClearSigned.splitLines(text);
    PGPSignature sig =
        sign(
            PGPSignature.CANONICAL_TEXT_DOCUMENT,
            HashAlgorithmTags.SHA512,
            ClearSigned.canonical(lines),
            created);
    return ClearSigned.assemble(lines, "SHA512", List.of(sig));
  }

  /** Signs at the current time; see {@link #detachSign(byte[], boolean, Instant)}. */
  public byte[] detachSign(byte[] data, boolean armored) {
    return detachSign(data, armored, Instant.now());
  }

  /**
   * Makes a detached SHA-512 binary-document signature (RFC 9580 §5.2.1.1), as in {@code
   * Release.gpg} or {@code repomd.xml.asc}. Deterministic for equal inputs.
   *
   * @param data the bytes to sign, not null
   * @param armored true for ASCII armor ({@code -----BEGIN PGP SIGNATURE-----}), false for binary
   * @param created signature creation time, truncated to seconds, not before {@link #keyCreated()}
   * @return the signature
   * @throws IllegalArgumentException when {@code created} is before the key's creation time
   */
  public byte[] detachSign(byte[] data, boolean armored, Instant created) {
    PGPSignature sig = sign(PGPSignature.BINARY_DOCUMENT, HashAlgorithmTags.SHA512, data, created);
    if (armored) {
      return ClearSigned.armorSignatures(List.of(sig));
    }
    try {
      return sig.getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The private key, for signatures the public methods do not make (tests of the verifier). */
  PGPPrivateKey privateKey() {
    return privateKey;
  }

  /** The public primary key with its self-signatures. */
  PGPPublicKey publicKey() {
    return publicKey;
  }

  /** Makes one signature of {@code type} over {@code data} with hash {@code hashAlgorithm}. */
  PGPSignature sign(int type, int hashAlgorithm, byte[] data, Instant created) {
    Instant when = created.truncatedTo(ChronoUnit.SECONDS);
    if (when.isBefore(keyCreated())) {
      throw new IllegalArgumentException(
          "signature time "
              + when
              + " is before the creation of key "
              + fingerprint()
              + " at "
              + keyCreated());
    }
    try {
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(
              new BcPGPContentSignerBuilder(publicKey.getAlgorithm(), hashAlgorithm), publicKey);
      generator.init(type, privateKey);
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setSignatureCreationTime(false, Date.from(when));
      hashed.setIssuerFingerprint(false, publicKey);
      generator.setHashedSubpackets(hashed.generate());
      PGPSignatureSubpacketGenerator unhashed = new PGPSignatureSubpacketGenerator();
      unhashed.setIssuerKeyID(false, publicKey.getKeyID());
      generator.setUnhashedSubpackets(unhashed.generate());
      generator.update(data);
      return generator.generate();
    } catch (PGPException e) {
      throw new IllegalStateException(
          "signing with key " + fingerprint() + " failed: " + e.getMessage(), e);
    }
  }

  private byte[] secretArmored() {
    try {
      return armor(secretRing.getEncoded());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] armor(byte[] packets) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ArmoredOutputStream armored =
        ArmoredOutputStream.builder().clearHeaders().enableCRC(true).build(buf)) {
      armored.write(packets);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = buf.toString(StandardCharsets.US_ASCII).replace("\r\n", "\n");
    return (text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Writes {@code content} to a fresh file and links it to {@code file} only if that name is free.
   *
   * @return true when {@code file} now holds {@code content}, false when it existed already
   */
  private static boolean writeNew(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp =
        Files.createTempFile(
            dir, ".secret-", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
    try {
      Files.setPosixFilePermissions(tmp, FILE_MODE);
      try (FileChannel channel =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.createLink(file, tmp);
      } catch (UnsupportedOperationException e) {
        // no hard links on this file system: a rename that refuses an existing target
        Files.move(tmp, file);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
