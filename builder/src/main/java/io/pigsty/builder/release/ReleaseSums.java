package io.pigsty.builder.release;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.deb.RepoIndexer;
import io.pigsty.repo.Digests;
import io.pigsty.repo.sign.BundleKey;
import io.pigsty.repo.sign.Detached;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The release's {@code SHA256SUMS} (the format {@code sha256sum} writes and {@code sha256sum -c}
 * reads: 64 lowercase hex digits, two spaces or space and {@code *}, a file name; GNU coreutils'
 * md5sum(1)), its detached OpenPGP signature {@code SHA256SUMS.asc} made with the bundle key, and
 * the check of both.
 */
public final class ReleaseSums {
  /** File name of the checksum list. */
  public static final String SUMS = "SHA256SUMS";

  private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");

  private ReleaseSums() {}

  /** One line of {@code SHA256SUMS}: lowercase hex digest and a plain file name. */
  public record Entry(String sha256, String name) {}

  /** What a check found: the files checked, their total size in bytes, and the signer. */
  public record Report(List<Entry> entries, long bytes, String keyFingerprint) {}

  /**
   * Parses {@code SHA256SUMS}.
   *
   * @param text the file's bytes (UTF-8, "\n" line ends; a CR before "\n" is dropped)
   * @param source the file, named in errors
   * @return the entries in file order, at least one
   * @throws BundleException naming {@code source:line} for a malformed line, a name with a
   *     directory part, or a name listed twice; or when no line is present
   */
  public static List<Entry> parse(byte[] text, String source) throws BundleException {
    List<Entry> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String[] lines = new String(text, StandardCharsets.UTF_8).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (l.isEmpty()) {
        continue;
      }
      Matcher m = LINE.matcher(l);
      if (!m.matches()) {
        throw new BundleException(source + ":" + (i + 1) + ": not a sha256sum line: '" + l + "'");
      }
      String name = m.group(2);
      if (name.contains("/") || name.equals(".") || name.equals("..") || name.startsWith("\\")) {
        throw new BundleException(
            source
                + ":"
                + (i + 1)
                + ": '"
                + name
                + "' is not a plain file name (a release lists files next to "
                + SUMS
                + ")");
      }
      if (!seen.add(name)) {
        throw new BundleException(source + ":" + (i + 1) + ": '" + name + "' is listed twice");
      }
      out.add(new Entry(m.group(1).toLowerCase(Locale.ROOT), name));
    }
    if (out.isEmpty()) {
      throw new BundleException(source + ": lists no file");
    }
    return out;
  }

  /**
   * Signs a file with the bundle key: writes {@code FILE.asc} (detached, armored, SHA-512, RFC 9580
   * §5.2.1.1) by temp file and rename. Equal bytes, key and time give an equal signature.
   *
   * @param file the file to sign, e.g. {@code dist/SHA256SUMS}
   * @param key the bundle key
   * @param when signature time; raised to the key's creation time when earlier
   * @return the signature file written
   * @throws IOException when the file cannot be read or the signature written
   */
  public static Path sign(Path file, BundleKey key, Instant when) throws IOException {
    byte[] sig = key.detachSign(Files.readAllBytes(file), true, key.notBeforeCreation(when));
    Path out = file.resolveSibling(file.getFileName() + ".asc");
    RepoIndexer.writeReadable(out, sig);
    return out;
  }

  /**
   * Writes the key's public keyring (binary OpenPGP, as apt's {@code Signed-By:} and {@code gpgv
   * --keyring} read it) by temp file and rename.
   */
  public static void writeKeyring(Path file, BundleKey key) throws IOException {
    RepoIndexer.writeReadable(file, key.publicKeyring());
  }

  /**
   * Checks a release directory offline: first the signature {@code SHA256SUMS.asc} over {@code
   * SHA256SUMS}, then every listed file (next to it) against its SHA256.
   *
   * @param sums the {@code SHA256SUMS} file; the signature is {@code sums + ".asc"}
   * @param keys the trusted keys; at least one must have made a good signature
   * @param fingerprint when non-null, the key (40 uppercase hex digits) that must be among the good
   *     signers
   * @return the files checked and the signer
   * @throws SignatureException when the signature is missing, malformed, bad, or by no key of
   *     {@code keys} (a changed byte in {@code SHA256SUMS} lands here)
   * @throws BundleException listing every file that is missing or whose SHA256 differs, and for a
   *     malformed {@code SHA256SUMS}
   * @throws IOException when {@code SHA256SUMS} cannot be read
   */
  public static Report verify(Path sums, TrustedKeys keys, String fingerprint)
      throws IOException, SignatureException, BundleException {
    byte[] text;
    try {
      text = Files.readAllBytes(sums);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(sums.toString(), null, "No such file or directory");
    }
    Path sigFile = sums.resolveSibling(sums.getFileName() + ".asc");
    if (!Files.isRegularFile(sigFile)) {
      throw new SignatureException(sigFile.toString(), "missing: " + sums + " is not signed");
    }
    List<String> signers =
        Detached.verify(text, Files.readAllBytes(sigFile), keys, sigFile.toString());
    if (fingerprint != null && !signers.contains(fingerprint)) {
      throw new SignatureException(
          sigFile.toString(), "signed by " + signers + ", not by the expected key " + fingerprint);
    }
    List<Entry> entries = parse(text, sums.toString());
    List<String> problems = new ArrayList<>();
    long bytes = 0;
    for (Entry e : entries) {
      Path f = sums.resolveSibling(e.name());
      if (!Files.isRegularFile(f)) {
        problems.add(f + ": listed in " + sums.getFileName() + " but missing");
        continue;
      }
      String got = Digests.sha256Hex(f);
      if (!got.equals(e.sha256())) {
        problems.add(f + ": SHA256 " + got + ", " + sums.getFileName() + " says " + e.sha256());
      }
      bytes += Files.size(f);
    }
    if (!problems.isEmpty()) {
      StringBuilder sb =
          new StringBuilder(
              sums + ": " + problems.size() + " of " + entries.size() + " file(s) failed:");
      problems.forEach(p -> sb.append("\n  ").append(p));
      throw new BundleException(sb.toString());
    }
    return new Report(entries, bytes, signers.get(0));
  }
}
