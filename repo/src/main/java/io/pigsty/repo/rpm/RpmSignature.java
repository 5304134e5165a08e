package io.pigsty.repo.rpm;

import io.pigsty.repo.sign.Detached;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * Checks the OpenPGP signatures an {@code .rpm} file carries in its signature header, as {@code
 * rpmkeys --checksig} (rpm's {@code gpgcheck}) does. File layout (RPM file format, rpm 4.x {@code
 * lib/package.c}, {@code lib/signature.h}): a 96-byte lead, the signature header, padding to 8
 * bytes, the main header, then the payload. A header is the magic {@code 8e ad e8 01}, 4 reserved
 * bytes, a big-endian entry count and data size, 16-byte index entries (tag, type, offset, count)
 * and the data store.
 *
 * <p>Checked, in this order:
 *
 * <ol>
 *   <li>a header-only signature ({@code RPMSIGTAG_RSA} 268 or {@code RPMSIGTAG_DSA} 267) over the
 *       main header's bytes, by a trusted key;
 *   <li>the payload: its digest against the signed header's {@code RPMTAG_PAYLOADDIGEST} (5092,
 *       algorithm in 5093) when the header has one, else a header+payload signature ({@code
 *       RPMSIGTAG_PGP} 1002 or {@code RPMSIGTAG_GPG} 1005) by a trusted key.
 * </ol>
 *
 * A package whose only signature is header+payload (rpm before 4.14, no payload digest) passes on
 * step 2 alone. Unsigned packages and packages signed by untrusted keys fail.
 */
public final class RpmSignature {
  static final int SIGTAG_DSA = 267;
  static final int SIGTAG_RSA = 268;
  static final int SIGTAG_PGP = 1002;
  static final int SIGTAG_GPG = 1005;
  static final int TAG_PAYLOADDIGEST = 5092;
  static final int TAG_PAYLOADDIGESTALGO = 5093;
  private static final int LEAD_SIZE = 96;
  private static final int MAX_HEADER = 64 << 20;

  /**
   * What the check found.
   *
   * @param signers uppercase fingerprints of the trusted primary keys that made good signatures
   * @param headerOnly true when a header-only signature was verified
   * @param payloadDigest true when the payload was checked against the signed header's digest
   */
  public record Result(List<String> signers, boolean headerOnly, boolean payloadDigest) {
    /** Copies the list. */
    public Result {
      signers = List.copyOf(signers);
    }
  }

  private RpmSignature() {}

  /**
   * Verifies an RPM file's signatures with the given keys.
   *
   * @param rpm the package file, never null
   * @param keys trusted keys, never null
   * @return the signers and what was covered
   * @throws SignatureException naming the file when it has no signature, a signature by no trusted
   *     key, a bad signature, or a payload that does not match its signed digest
   * @throws RpmMetadataException naming the file when it is not an RPM (bad lead or header magic,
   *     truncated header)
   * @throws IOException when the file cannot be read
   */
  public static Result verify(Path rpm, TrustedKeys keys)
      throws SignatureException, RpmMetadataException, IOException {
    String src = rpm.toString();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(rpm), 1 << 16)) {
      byte[] lead = in.readNBytes(LEAD_SIZE);
      if (lead.length < LEAD_SIZE
          || (lead[0] & 0xff) != 0xed
          || (lead[1] & 0xff) != 0xab
          || (lead[2] & 0xff) != 0xee
          || (lead[3] & 0xff) != 0xdb) {
        throw new RpmMetadataException(src + ": not an RPM file (no lead magic)");
      }
      byte[] sigHeader = readHeader(in, src, "signature header");
      int pad = (8 - (sigHeader.length % 8)) % 8;
      if (in.readNBytes(pad).length != pad) {
        throw new RpmMetadataException(src + ": truncated after the signature header");
      }
      byte[] header = readHeader(in, src, "header");
      Map<Integer, byte[]> sig = entries(sigHeader, src);
      byte[] headerSig = sig.containsKey(SIGTAG_RSA) ? sig.get(SIGTAG_RSA) : sig.get(SIGTAG_DSA);
      byte[] fullSig = sig.containsKey(SIGTAG_PGP) ? sig.get(SIGTAG_PGP) : sig.get(SIGTAG_GPG);
      if (headerSig == null && fullSig == null) {
        throw new SignatureException(src, "is not signed (no RSA, DSA, PGP or GPG signature tag)");
      }
      List<String> signers = new ArrayList<>();
      boolean headerOnly = false;
      if (headerSig != null) {
        signers.addAll(Detached.verify(header, headerSig, keys, src + " (header signature)"));
        headerOnly = true;
      }
      Map<Integer, byte[]> main = entries(header, src);
      byte[] digest = main.get(TAG_PAYLOADDIGEST);
      if (headerOnly && digest != null) {
        String algo = digestAlgorithm(main.get(TAG_PAYLOADDIGESTALGO), src);
        MessageDigest md = md(algo);
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
        }
        String want = firstString(digest);
        String got = HexFormat.of().formatHex(md.digest());
        if (!got.equalsIgnoreCase(want)) {
          throw new SignatureException(
              src,
              "payload "
                  + algo
                  + " "
                  + got
                  + " does not match the signed header's payload digest "
                  + want);
        }
        return new Result(dedupe(signers), true, true);
      }
      if (fullSig == null) {
        throw new SignatureException(
            src,
            "has a header signature but neither a payload digest"
                + " nor a header+payload signature; its payload is not covered");
      }
      byte[] payload = in.readAllBytes();
      byte[] signed = new byte[header.length + payload.length];
      System.arraycopy(header, 0, signed, 0, header.length);
      System.arraycopy(payload, 0, signed, header.length, payload.length);
      signers.addAll(Detached.verify(signed, fullSig, keys, src + " (header+payload signature)"));
      return new Result(dedupe(signers), headerOnly, false);
    }
  }

  /**
   * The key IDs (uppercase hex, 16 digits) named by an RPM's signatures, without checking them, for
   * messages such as "signed by 702D426D350D275D, which is not trusted".
   *
   * @param rpm the package file, never null
   * @return issuer key IDs in tag order, empty when unsigned
   * @throws RpmMetadataException when the file is not an RPM
   * @throws IOException when the file cannot be read
   */
  public static List<String> issuers(Path rpm) throws RpmMetadataException, IOException {
    String src = rpm.toString();
    try (InputStream in = Files.newInputStream(rpm)) {
      byte[] lead = in.readNBytes(LEAD_SIZE);
      if (lead.length < LEAD_SIZE || (lead[0] & 0xff) != 0xed) {
        throw new RpmMetadataException(src + ": not an RPM file (no lead magic)");
      }
      Map<Integer, byte[]> sig = entries(readHeader(in, src, "signature header"), src);
      List<String> out = new ArrayList<>();
      for (int tag : new int[] {SIGTAG_RSA, SIGTAG_DSA, SIGTAG_PGP, SIGTAG_GPG}) {
        byte[] s = sig.get(tag);
        if (s == null) {
          continue;
        }
        try {
          PGPObjectFactory f = new PGPObjectFactory(s, new BcKeyFingerprintCalculator());
          Object o = f.nextObject();
          if (o instanceof PGPSignatureList l && !l.isEmpty()) {
            String id = String.format("%016X", l.get(0).getKeyID());
            if (!out.contains(id)) {
              out.add(id);
            }
          }
        } catch (IOException e) {
          // malformed: verify() reports it
        }
      }
      return out;
    }
  }

  private static List<String> dedupe(List<String> in) {
    return List.copyOf(new LinkedHashSet<>(in));
  }

  /** Reads one header structure (magic through data store) and returns its bytes. */
  private static byte[] readHeader(InputStream in, String src, String what)
      throws IOException, RpmMetadataException {
    byte[] intro = in.readNBytes(16);
    if (intro.length < 16
        || (intro[0] & 0xff) != 0x8e
        || (intro[1] & 0xff) != 0xad
        || (intro[2] & 0xff) != 0xe8
        || intro[3] != 1) {
      throw new RpmMetadataException(src + ": " + what + ": bad magic or truncated");
    }
    long count = u32(intro, 8);
    long size = u32(intro, 12);
    long rest = count * 16 + size;
    if (count > 100_000 || rest > MAX_HEADER) {
      throw new RpmMetadataException(
          src + ": " + what + ": implausible size (" + count + " entries, " + size + " bytes)");
    }
    byte[] out = new byte[16 + (int) rest];
    System.arraycopy(intro, 0, out, 0, 16);
    if (in.readNBytes(out, 16, (int) rest) != rest) {
      throw new RpmMetadataException(src + ": " + what + " is truncated");
    }
    return out;
  }

  /** The raw data of each index entry (BIN bytes, or the NUL-separated strings), by tag. */
  static Map<Integer, byte[]> entries(byte[] h, String src) throws RpmMetadataException {
    int count = (int) u32(h, 8);
    int size = (int) u32(h, 12);
    int store = 16 + count * 16;
    Map<Integer, byte[]> out = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      int e = 16 + i * 16;
      int tag = (int) u32(h, e);
      int type = (int) u32(h, e + 4);
      long off = u32(h, e + 8);
      long cnt = u32(h, e + 12);
      if (off > size) {
        throw new RpmMetadataException(
            src + ": header entry " + tag + " points outside the data store");
      }
      int from = store + (int) off;
      int to;
      switch (type) {
        case 7 -> to = (int) Math.min((long) from + cnt, store + (long) size); // BIN
        case 6, 8, 9 -> { // STRING, STRING_ARRAY, I18NSTRING
          int p = from;
          for (long k = 0; k < cnt && p < store + size; k++) {
            while (p < store + size && h[p] != 0) {
              p++;
            }
            p++;
          }
          to = Math.min(p, store + size);
        }
        case 4 -> to = (int) Math.min((long) from + 4 * cnt, store + (long) size); // INT32
        default -> {
          continue;
        }
      }
      out.put(tag, Arrays.copyOfRange(h, from, to));
    }
    return out;
  }

  private static String firstString(byte[] b) {
    int end = 0;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    return new String(b, 0, end, StandardCharsets.US_ASCII);
  }

  /** OpenPGP hash algorithm ids as rpm stores them in RPMTAG_PAYLOADDIGESTALGO (RFC 9580 §9.5). */
  private static String digestAlgorithm(byte[] algo, String src) throws SignatureException {
    long id = algo == null || algo.length < 4 ? 8 : u32(algo, 0); // rpm's default is SHA256
    return switch ((int) id) {
      case 8 -> "SHA-256";
      case 9 -> "SHA-384";
      case 10 -> "SHA-512";
      case 11 -> "SHA-224";
      default ->
          throw new SignatureException(src, "payload digest algorithm " + id + " is not supported");
    };
  }

  private static MessageDigest md(String algo) {
    try {
      return MessageDigest.getInstance(algo);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long u32(byte[] b, int at) {
    return ((b[at] & 0xffL) << 24)
        | ((b[at + 1] & 0xffL) << 16)
        | ((b[at + 2] & 0xffL) << 8)
        | (b[at + 3] & 0xffL);
  }
}
