package io.pigsty.repo.sign;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/** Keys with properties BundleKey never gives its own keys: an expiry date, a revocation. */
final class TestKeys {

  private TestKeys() {}

  /** An RSA 2048 key created at {@code created} that expires {@code validity} later. */
  static BundleKey expiringKey(Instant created, Duration validity) throws Exception {
    Date when = Date.from(created);
    RSAKeyPairGenerator rsa = new RSAKeyPairGenerator();
    rsa.init(
        new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), new SecureRandom(), 2048, 100));
    PGPKeyPair pair =
        new BcPGPKeyPair(PublicKeyAlgorithmTags.RSA_GENERAL, rsa.generateKeyPair(), when);
    PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
    hashed.setSignatureCreationTime(false, when);
    hashed.setKeyFlags(false, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
    hashed.setKeyExpirationTime(false, validity.getSeconds());
    PGPKeyRingGenerator gen =
        new PGPKeyRingGenerator(
            PGPSignature.POSITIVE_CERTIFICATION,
            pair,
            "Expiring <expiring@example.org>",
            new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1),
            hashed.generate(),
            null,
            new BcPGPContentSignerBuilder(
                PublicKeyAlgorithmTags.RSA_GENERAL, HashAlgorithmTags.SHA512),
            null);
    return new BundleKey(gen.generateSecretKeyRing(), "expiring test key");
  }

  /** The public key of {@code key} with a key revocation signature made at {@code at}. */
  static byte[] revokedPublicKeyring(BundleKey key, Instant at) throws Exception {
    PGPPublicKey pub = key.publicKey();
    PGPSignatureGenerator gen =
        new PGPSignatureGenerator(
            new BcPGPContentSignerBuilder(pub.getAlgorithm(), HashAlgorithmTags.SHA512), pub);
    gen.init(PGPSignature.KEY_REVOCATION, key.privateKey());
    PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
    hashed.setSignatureCreationTime(false, Date.from(at));
    hashed.setRevocationReason(false, RevocationReasonTags.KEY_COMPROMISED, "test");
    hashed.setIssuerFingerprint(false, pub);
    gen.setHashedSubpackets(hashed.generate());
    PGPSignature revocation = gen.generateCertification(pub);
    PGPPublicKey revoked = PGPPublicKey.addCertification(pub, revocation);
    return new PGPPublicKeyRing(List.of(revoked)).getEncoded(true);
  }
}
