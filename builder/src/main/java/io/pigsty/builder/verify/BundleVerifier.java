package io.pigsty.builder.verify;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.pigsty.builder.bundle.BundleBuilder;
import io.pigsty.builder.bundle.Manifest;
import io.pigsty.builder.bundle.deb.DebBundleBuilder;
import io.pigsty.builder.bundle.rpm.RpmBundleBuilder;
import io.pigsty.builder.files.Tarball;
import io.pigsty.repo.Digests;
import io.pigsty.repo.Printable;
import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.deb.PackageIndex;
import io.pigsty.repo.deb.ReleaseFile;
import io.pigsty.repo.rpm.MetadataCompression;
import io.pigsty.repo.rpm.PrimaryReader;
import io.pigsty.repo.rpm.Repomd;
import io.pigsty.repo.rpm.RpmMetadataException;
import io.pigsty.repo.sign.ClearSigned;
import io.pigsty.repo.sign.Detached;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Checks a bundle tarball offline, reading it once: every entry stays under {@code pigsty/}, is a
 * plain file or directory and names a path no other entry names ({@link Tarball.Checker}, the rule
 * extraction applies); every file of {@code manifest.json} is present with its size and SHA256 and
 * nothing else is; {@code manifest.json.asc} is a good detached signature over the manifest by the
 * shipped key, so the manifest is as authentic as the repository signature; {@code InRelease}
 * verifies with the shipped {@code pigsty.gpg} whose fingerprint the manifest names, and its Date
 * is not in the future nor its Valid-Until past ({@link ReleaseFile#checkDates}: apt would refuse
 * the bundle as "not valid yet"); Release lists the SHA256 of {@code Packages} and {@code
 * Packages.gz}; every package of {@code Packages} has its .deb with the indexed size and SHA256. An
 * EL bundle (one with {@code repodata/repomd.xml}) is checked the same way with its own index
 * chain: {@code repodata/repomd.xml.asc} verifies with the shipped {@code RPM-GPG-KEY-pigsty},
 * every file repomd lists matches its checksum and size, and every package of primary has its .rpm
 * with the listed size and SHA256.
 *
 * <p>A bundle holds nothing but its packages and the metadata files the builders write: a file that
 * is neither a .deb of {@code Packages} (an .rpm of primary) nor one of {@link #DEB_METADATA}
 * ({@link #EL_METADATA}, the files repomd.xml lists, {@code keys/NAME}) is refused by name, even
 * when the manifest lists it: it would be served from {@code /www/pigsty}.
 *
 * <p>Memory is bounded: package files are hashed as they stream past, and only the metadata the
 * checks parse is held, together at most {@link #METADATA_LIMIT} bytes. Each such entry's size is
 * checked against that limit (and against the manifest, when the manifest came first) from its tar
 * header before it is read; a larger one is a problem naming the file, not an OutOfMemoryError.
 */
public final class BundleVerifier {
  private BundleVerifier() {}

  /**
   * What was checked, and every problem found (empty when the bundle is good).
   *
   * @param unsafe the problems that are entries which would land outside {@code pigsty/} when
   *     unpacked, are not a regular file or directory, or repeat a path ({@link Tarball.Checker});
   *     also in {@code problems}
   * @param signers primary key fingerprints (uppercase hex) of the good signatures over {@code
   *     InRelease} (or {@code repomd.xml}) by the keys the bundle ships, in signature order; empty
   *     when the signature did not verify. A bundle can ship and sign with any key: only a pinned
   *     fingerprint ({@link #verifyPinned}) says who made it.
   * @param manifestSigners primary key fingerprints of the good signatures over {@code
   *     manifest.json} ({@code manifest.json.asc}); empty when it did not verify
   */
  public record Report(
      int files,
      long bytes,
      String keyFingerprint,
      JsonNode manifest,
      List<String> problems,
      List<String> unsafe,
      List<String> signers,
      List<String> manifestSigners) {
    /**
     * @return whether no problem was found
     */
    public boolean ok() {
      return problems.isEmpty();
    }

    /**
     * The problems as a message shows them: sorted, at most {@code limit} of them, then one line
     * {@code ... and N more} when there were more. A bundle damaged throughout can have tens of
     * thousands of problems; a terminal should get the first few, in a stable order.
     *
     * @param limit the most problem lines, at least 1 ({@link #SHOWN_PROBLEMS} for the CLI)
     * @return at most {@code limit + 1} lines
     */
    public List<String> shown(int limit) {
      return bounded(problems, limit);
    }

    /**
     * @return the unsafe entries as {@link #shown} gives the problems
     */
    public List<String> shownUnsafe(int limit) {
      return bounded(unsafe, limit);
    }

    private static List<String> bounded(List<String> all, int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("limit " + limit + " < 1");
      }
      List<String> sorted = new ArrayList<>(all);
      sorted.sort(null);
      if (sorted.size() <= limit) {
        return sorted;
      }
      List<String> out = new ArrayList<>(sorted.subList(0, limit));
      out.add("... and " + (sorted.size() - limit) + " more");
      return out;
    }
  }

  /** How many problems the CLI lists for one bundle ({@link Report#shown}). */
  public static final int SHOWN_PROBLEMS = 20;

  /**
   * The most bytes of metadata (manifest, signatures, Release, Packages, repomd.xml, primary)
   * verify holds in memory for one bundle, together: 64 MiB, about 40 times what a bundle of a few
   * thousand packages needs, and small enough to parse under a 512 MiB heap. A compressed primary
   * may also expand to at most this many bytes.
   */
  public static final long METADATA_LIMIT = 64L << 20;

  /** The metadata files of a Debian bundle besides the manifest and its signature. */
  public static final Set<String> DEB_METADATA =
      Set.of("InRelease", "Release", "Packages", "Packages.gz", DebBundleBuilder.KEYRING);

  /**
   * The fixed metadata files of an EL bundle besides the manifest, its signature, the files
   * repomd.xml lists and the upstream keys under {@code keys/}.
   */
  public static final Set<String> EL_METADATA =
      Set.of(
          "repodata/repomd.xml",
          "repodata/repomd.xml.asc",
          RpmBundleBuilder.KEY_FILE,
          RpmBundleBuilder.REPO_FILE);

  private static final Set<String> KEPT =
      Set.of(
          Manifest.FILE,
          Manifest.SIGNATURE,
          "InRelease",
          "Release",
          "Packages",
          DebBundleBuilder.KEYRING,
          "repodata/repomd.xml",
          "repodata/repomd.xml.asc",
          RpmBundleBuilder.KEY_FILE);

  private static boolean kept(String rel) {
    return KEPT.contains(rel) || (rel.startsWith("repodata/") && rel.contains("-primary.xml"));
  }

  /**
   * Verifies the bundle against the current time.
   *
   * @param tgz the bundle
   * @param expectedFingerprint when non-null, a good signature must be by the key with this
   *     fingerprint (blanks and case ignored)
   * @return the report; problems name the file at fault
   * @throws IOException when the file cannot be opened (missing, not readable); a file that is not
   *     gzip, is truncated or damaged is a problem of the report (the only one then)
   */
  public static Report verify(Path tgz, String expectedFingerprint) throws IOException {
    return verify(tgz, expectedFingerprint, Instant.now());
  }

  /**
   * Verifies the bundle as {@link #verify(Path, String, Instant)} does, requiring a good signature
   * by one of several pinned keys.
   *
   * @param tgz the bundle
   * @param pinned primary key fingerprints (uppercase hex, {@link
   *     TrustedKeys#normalizeFingerprint}); null for no pin, empty to trust no key
   * @param now the time the Release dates are checked against, non-null
   * @return the report; when no good signature is by a pinned key, a problem names the signers and
   *     the pinned keys
   * @throws IOException when the file cannot be opened (missing, not readable); a file that is not
   *     gzip, is truncated or damaged is a problem of the report (the only one then)
   */
  public static Report verifyPinned(Path tgz, Collection<String> pinned, Instant now)
      throws IOException {
    return check(tgz, null, pinned, now, METADATA_LIMIT);
  }

  /**
   * Verifies the bundle as {@link #verify(Path, String)} does, with the clock at {@code now}.
   *
   * @param tgz the bundle
   * @param expectedFingerprint when non-null, the signing key must have this fingerprint
   * @param now the time the Release dates are checked against, non-null
   * @return the report; problems name the file at fault
   * @throws IOException when the file cannot be opened (missing, not readable); a file that is not
   *     gzip, is truncated or damaged is a problem of the report (the only one then)
   */
  public static Report verify(Path tgz, String expectedFingerprint, Instant now)
      throws IOException {
    return verify(tgz, expectedFingerprint, now, METADATA_LIMIT);
  }

  /**
   * Verifies as {@link #verify(Path, String, Instant)} does with another bound on the metadata held
   * in memory (tests use a small one).
   *
   * @param metadataLimit the most bytes of metadata held, together ({@link #METADATA_LIMIT})
   */
  static Report verify(Path tgz, String expectedFingerprint, Instant now, long metadataLimit)
      throws IOException {
    return check(
        tgz,
        expectedFingerprint,
        expectedFingerprint == null
            ? null
            : List.of(TrustedKeys.normalizeFingerprint(expectedFingerprint)),
        now,
        metadataLimit);
  }

  /**
   * The checks of {@link #verify(Path, String, Instant, long)} and {@link #verifyPinned}.
   *
   * @param expectedFpr when non-null, the shipped keys must hold this key
   * @param pinned when non-null, a good signature over {@code InRelease} (or {@code repomd.xml})
   *     and over the manifest must be by one of these keys (uppercase hex); empty to trust no key
   */
  private static Report check(
      Path tgz, String expectedFpr, Collection<String> pinned, Instant now, long metadataLimit)
      throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> unsafe = new ArrayList<>();
    Map<String, long[]> sizes = new HashMap<>();
    Map<String, String> sums = new HashMap<>();
    Map<String, byte[]> kept = new HashMap<>();
    Map<String, Long> listedSizes = null; // from the manifest, once read
    JsonNode manifest = null;
    boolean manifestSeen = false;
    long held = 0;
    long bytes = 0;
    // opened first: a missing or unreadable file is a file system error (exit 9, its reason),
    // whatever is wrong with the content after that is a problem of the bundle (exit 8)
    InputStream opened = Files.newInputStream(tgz);
    try (InputStream fin = new BufferedInputStream(opened, 1 << 20);
        GZIPInputStream gz = new GZIPInputStream(fin, 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      Tarball.Checker checker = new Tarball.Checker(BundleBuilder.ROOT, false);
      TarArchiveEntry e;
      byte[] buf = new byte[1 << 20];
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName();
        String why = checker.check(e);
        if (why != null) {
          String p = tgz + ": entry '" + name + "' " + why; // escaped with every problem
          problems.add(p);
          unsafe.add(p);
          continue;
        }
        if (e.isDirectory()) {
          continue;
        }
        String rel = Tarball.normalize(name).substring(BundleBuilder.ROOT.length() + 1);
        MessageDigest md = sha256();
        long n = 0;
        ByteArrayOutputStream keep = null;
        if (kept(rel)) {
          // decided from the tar header, before a byte is read
          long declared = e.getSize();
          Long listed = listedSizes == null ? null : listedSizes.get(rel);
          if (listed != null && listed != declared) {
            problems.add(
                tgz
                    + ": "
                    + rel
                    + ": the manifest says "
                    + listed
                    + " bytes, the bundle holds "
                    + declared
                    + "; not read");
          } else if (declared > metadataLimit - held) {
            problems.add(
                tgz
                    + ": "
                    + rel
                    + ": "
                    + declared
                    + " bytes of metadata, more than the "
                    + metadataLimit
                    + "-byte limit verify holds (with "
                    + held
                    + " bytes already read); not read");
          } else {
            keep = new ByteArrayOutputStream((int) declared);
            held += declared;
          }
        }
        int r;
        while ((r = tar.read(buf)) > 0) {
          md.update(buf, 0, r);
          n += r;
          if (keep != null) {
            keep.write(buf, 0, r);
          }
        }
        bytes += n;
        sizes.put(rel, new long[] {n});
        sums.put(rel, HexFormat.of().formatHex(md.digest()));
        if (keep != null) {
          kept.put(rel, keep.toByteArray());
        }
        if (rel.equals(Manifest.FILE)) {
          manifestSeen = true;
          if (keep != null) {
            manifest = readManifest(tgz, kept.get(rel), problems);
            listedSizes = manifest == null ? null : listedSizes(manifest);
          }
        }
      }
      // read to the end of the gzip stream, past tar's end-of-archive blocks, so that a cut or
      // damaged tail fails gzip's CRC and length check
      byte[] rest = new byte[1 << 16];
      while (gz.read(rest) >= 0) {
        // draining
      }
    } catch (IOException ex) {
      // the damage is the one problem: entries read before it (even "unsafe" ones) may be garbage
      // that the damage made, so a damaged bundle is reported as damaged, never as hostile
      List<String> damage = new ArrayList<>(List.of(tgz + ": " + damaged(ex)));
      escapeAll(damage);
      return new Report(sums.size(), bytes, null, null, damage, List.of(), List.of(), List.of());
    }
    String fingerprint = null;
    if (!manifestSeen) {
      problems.add(tgz + ": no " + BundleBuilder.ROOT + "/" + Manifest.FILE);
    } else if (manifest != null) {
      Set<String> listed = new HashSet<>();
      for (JsonNode f : manifest.path("files")) {
        String path = f.path("path").asText();
        listed.add(path);
        if (!sums.containsKey(path)) {
          problems.add(tgz + ": " + path + " is in the manifest but missing");
        } else if (sizes.get(path)[0] != f.path("size").asLong()
            || !sums.get(path).equals(f.path("sha256").asText())) {
          problems.add(
              tgz
                  + ": "
                  + path
                  + ": expected "
                  + f.path("size").asLong()
                  + " bytes SHA256 "
                  + f.path("sha256").asText()
                  + ", got "
                  + sizes.get(path)[0]
                  + " bytes SHA256 "
                  + sums.get(path));
        }
      }
      for (String p : sums.keySet()) {
        if (!listed.contains(p) && !p.equals(Manifest.FILE) && !p.equals(Manifest.SIGNATURE)) {
          problems.add(tgz + ": " + p + " is not in the manifest");
        }
      }
      fingerprint = manifest.path("signing_key").path("fingerprint").asText(null);
    }
    Set<String> allowed = new HashSet<>(Set.of(Manifest.FILE, Manifest.SIGNATURE));
    List<String> signers = new ArrayList<>();
    List<String> manifestSigners = new ArrayList<>();
    boolean indexed =
        checkSignatures(
            tgz,
            kept,
            sizes,
            sums,
            fingerprint,
            expectedFpr,
            now,
            metadataLimit,
            allowed,
            problems,
            signers,
            manifestSigners);
    boolean el = sums.containsKey("repodata/repomd.xml");
    allowed.addAll(el ? EL_METADATA : DEB_METADATA);
    List<String> others = new ArrayList<>();
    for (String p : sums.keySet()) {
      boolean known =
          allowed.contains(p)
              || (el && p.startsWith("keys/") && p.indexOf('/', 5) < 0 && p.length() > 5)
              // without a readable index every package file would be named; the index's own
              // problem is already reported
              || (!indexed && p.indexOf('/') < 0 && p.endsWith(el ? ".rpm" : ".deb"));
      if (!known) {
        others.add(p);
      }
    }
    others.sort(null);
    for (String p : others) {
      problems.add(
          tgz
              + ": "
              + p
              + " is neither a package of "
              + (el ? "primary" : "Packages")
              + " nor a metadata file of the bundle; refused (it would be served from "
              + RpmBundleBuilder.NODE_PATH
              + ")");
    }
    if (pinned != null) {
      // no good signature at all is already a problem
      if (!signers.isEmpty() && signers.stream().noneMatch(pinned::contains)) {
        problems.add(
            tgz
                + ": signed by "
                + String.join(", ", signers)
                + ", expected key "
                + (pinned.isEmpty() ? "(none pinned)" : String.join(" or ", pinned)));
      }
      if (!manifestSigners.isEmpty() && manifestSigners.stream().noneMatch(pinned::contains)) {
        problems.add(
            tgz
                + ": "
                + Manifest.SIGNATURE
                + " signed by "
                + String.join(", ", manifestSigners)
                + ", expected key "
                + (pinned.isEmpty() ? "(none pinned)" : String.join(" or ", pinned)));
      }
    }
    escapeAll(problems);
    escapeAll(unsafe);
    return new Report(
        sums.size(), bytes, fingerprint, manifest, problems, unsafe, signers, manifestSigners);
  }

  /**
   * Problems are one line each and name files of the bundle, whose names and contents are the
   * bundle maker's: every control character is escaped ({@link Printable#escape}).
   */
  private static void escapeAll(List<String> lines) {
    lines.replaceAll(Printable::escape);
  }

  /**
   * What is wrong with a tarball that could not be read to its end: gzip's and tar's failures
   * worded for the user (the parser's own message only as a last resort, in parentheses).
   */
  static String damaged(IOException ex) {
    String m = ex.getMessage() == null ? "" : ex.getMessage();
    if (ex instanceof EOFException || m.contains("Unexpected end of ZLIB input stream")) {
      return "truncated: the file ends before the end of the archive (copy it again)";
    }
    if (ex instanceof ZipException && m.contains("Not in GZIP format")) {
      return "not a gzip file: a bundle is a .tgz (a gzip-compressed tar archive)";
    }
    if (ex instanceof ZipException) {
      return "damaged gzip data (" + m + "): copy it again";
    }
    return "damaged tar archive (" + (m.isEmpty() ? ex.getClass().getSimpleName() : m) + ")";
  }

  private static JsonNode readManifest(Path tgz, byte[] json, List<String> problems) {
    try {
      JsonNode m = Manifest.JSON.readTree(json);
      if (m == null || !m.isObject()) {
        problems.add(tgz + ": " + Manifest.FILE + " is not a JSON object");
        return null;
      }
      return m;
    } catch (IOException e) {
      // the parser's message quotes the input and its own internals: the position says enough
      JsonLocation at = e instanceof JsonProcessingException j ? j.getLocation() : null;
      problems.add(
          tgz
              + ": "
              + BundleBuilder.ROOT
              + "/"
              + Manifest.FILE
              + " is not valid JSON"
              + (at == null
                  ? ""
                  : " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
      return null;
    }
  }

  private static Map<String, Long> listedSizes(JsonNode manifest) {
    Map<String, Long> out = new HashMap<>();
    for (JsonNode f : manifest.path("files")) {
      out.put(f.path("path").asText(), f.path("size").asLong());
    }
    return out;
  }

  /**
   * A good detached signature by {@code keys} over the manifest, when both are there; its signers
   * are added to {@code signers}.
   */
  private static void checkManifestSignature(
      Path tgz,
      Map<String, byte[]> kept,
      TrustedKeys keys,
      List<String> problems,
      List<String> signers) {
    byte[] m = kept.get(Manifest.FILE);
    if (m == null) {
      return; // reported: missing, too large or unreadable
    }
    byte[] asc = kept.get(Manifest.SIGNATURE);
    if (asc == null) {
      problems.add(tgz + ": no " + Manifest.SIGNATURE + " (" + Manifest.FILE + " is not signed)");
      return;
    }
    try {
      signers.addAll(Detached.verify(m, asc, keys, tgz + ":" + Manifest.SIGNATURE));
    } catch (SignatureException e) {
      problems.add(e.getMessage());
    }
  }

  /**
   * Checks the signature chain down to every package file, adding the package files of the index to
   * {@code packageFiles}.
   *
   * @return whether the package index was read (so {@code packageFiles} is complete)
   */
  private static boolean checkSignatures(
      Path tgz,
      Map<String, byte[]> kept,
      Map<String, long[]> sizes,
      Map<String, String> sums,
      String manifestFpr,
      String expectedFpr,
      Instant now,
      long metadataLimit,
      Set<String> packageFiles,
      List<String> problems,
      List<String> signers,
      List<String> manifestSigners) {
    if (sums.containsKey("repodata/repomd.xml")) {
      return checkRpm(
          tgz,
          kept,
          sizes,
          sums,
          manifestFpr,
          expectedFpr,
          metadataLimit,
          packageFiles,
          problems,
          signers,
          manifestSigners);
    }
    byte[] keyring = kept.get(DebBundleBuilder.KEYRING);
    byte[] inRelease = kept.get("InRelease");
    if (keyring == null || inRelease == null) {
      problems.add(tgz + ": no " + (keyring == null ? DebBundleBuilder.KEYRING : "InRelease"));
      return false;
    }
    try {
      TrustedKeys keys = TrustedKeys.of(keyring);
      checkKeys(tgz, keys, DebBundleBuilder.KEYRING, manifestFpr, expectedFpr, problems);
      checkManifestSignature(tgz, kept, keys, problems, manifestSigners);
      ClearSigned.Verified v = ClearSigned.verify(inRelease, keys, tgz + ":InRelease");
      signers.addAll(v.goodKeyFingerprints());
      ReleaseFile release = ReleaseFile.parse(v.signedText(), tgz + ":InRelease");
      try {
        release.checkDates(now);
      } catch (MetadataException e) {
        problems.add(e.getMessage()); // names tgz:InRelease
      }
      if (kept.containsKey("Release") && !Arrays.equals(kept.get("Release"), v.signedText())) {
        problems.add(tgz + ": Release differs from the signed text of InRelease");
      }
      for (ReleaseFile.Entry e : release.sha256Entries()) {
        if (!sums.containsKey(e.path())) {
          problems.add(tgz + ": InRelease lists " + e.path() + " which is missing");
        } else if (!sums.get(e.path()).equals(e.sha256()) || sizes.get(e.path())[0] != e.size()) {
          problems.add(tgz + ": " + e.path() + " does not match its SHA256 in InRelease");
        }
      }
      if (release.sha256("Packages").isEmpty()) {
        problems.add(tgz + ": InRelease does not list Packages");
        return false;
      }
      if (!kept.containsKey("Packages")) {
        if (!sums.containsKey("Packages")) {
          problems.add(tgz + ": no Packages");
        }
        return false; // else reported: too large
      }
      for (DebPackage p : PackageIndex.parsePackagesFile(kept.get("Packages"), tgz + ":Packages")) {
        String f = p.filename() == null ? "" : p.filename().replaceFirst("^\\./", "");
        if (!f.endsWith(".deb")) {
          problems.add(tgz + ": Packages lists " + p.id() + " at " + p.filename() + ", not a .deb");
          continue;
        }
        packageFiles.add(f);
        if (!sums.containsKey(f)) {
          problems.add(
              tgz + ": Packages lists " + p.id() + " at " + p.filename() + " which is missing");
        } else if (!sums.get(f).equals(p.sha256()) || sizes.get(f)[0] != p.size()) {
          problems.add(
              tgz + ": " + f + " does not match the Size/SHA256 of " + p.id() + " in Packages");
        }
      }
      return true;
    } catch (SignatureException | MetadataException e) {
      problems.add(tgz + ": " + e.getMessage());
      return false;
    }
  }

  private static void checkKeys(
      Path tgz,
      TrustedKeys keys,
      String file,
      String manifestFpr,
      String expectedFpr,
      List<String> problems) {
    if (expectedFpr != null
        && !keys.fingerprints().contains(TrustedKeys.normalizeFingerprint(expectedFpr))) {
      problems.add(
          tgz + ": " + file + " holds " + keys.fingerprints() + ", expected key " + expectedFpr);
    }
    if (manifestFpr != null && !keys.fingerprints().contains(manifestFpr)) {
      problems.add(
          tgz
              + ": manifest names key "
              + manifestFpr
              + " but "
              + file
              + " holds "
              + keys.fingerprints());
    }
  }

  /** The EL chain: repomd.xml.asc, repomd's checksums, primary's package checksums. */
  private static boolean checkRpm(
      Path tgz,
      Map<String, byte[]> kept,
      Map<String, long[]> sizes,
      Map<String, String> sums,
      String manifestFpr,
      String expectedFpr,
      long metadataLimit,
      Set<String> allowed,
      List<String> problems,
      List<String> signers,
      List<String> manifestSigners) {
    byte[] key = kept.get(RpmBundleBuilder.KEY_FILE);
    byte[] repomd = kept.get("repodata/repomd.xml");
    byte[] asc = kept.get("repodata/repomd.xml.asc");
    if (key == null || asc == null || repomd == null) {
      problems.add(
          tgz
              + ": no "
              + (key == null
                  ? RpmBundleBuilder.KEY_FILE
                  : asc == null ? "repodata/repomd.xml.asc" : "readable repodata/repomd.xml"));
      return false;
    }
    try {
      TrustedKeys keys = TrustedKeys.of(key);
      checkKeys(tgz, keys, RpmBundleBuilder.KEY_FILE, manifestFpr, expectedFpr, problems);
      checkManifestSignature(tgz, kept, keys, problems, manifestSigners);
      signers.addAll(Detached.verify(repomd, asc, keys, tgz + ":repodata/repomd.xml.asc"));
      Repomd md = Repomd.parse(new ByteArrayInputStream(repomd), tgz + ":repodata/repomd.xml");
      for (Repomd.Data d : md.data()) {
        allowed.add(d.href());
        if (!sums.containsKey(d.href())) {
          problems.add(tgz + ": repomd.xml lists " + d.href() + " which is missing");
        } else if (!sums.get(d.href()).equalsIgnoreCase(d.checksum())
            || sizes.get(d.href())[0] != d.size()) {
          problems.add(tgz + ": " + d.href() + " does not match its checksum in repomd.xml");
        }
      }
      var primary = md.find("primary");
      if (primary.isEmpty() || !sums.containsKey(primary.get().href())) {
        problems.add(tgz + ": repomd.xml lists no primary in the bundle");
        return false;
      }
      String href = primary.get().href();
      if (!kept.containsKey(href)) {
        return false; // reported: too large
      }
      try (InputStream in =
          new Bounded(
              MetadataCompression.open(new ByteArrayInputStream(kept.get(href)), href),
              metadataLimit,
              href)) {
        PrimaryReader.read(
            in,
            tgz + ":" + href,
            p -> {
              String f = p.location();
              if (!f.endsWith(".rpm")) {
                problems.add(tgz + ": primary lists " + p.nevra() + " at " + f + ", not an .rpm");
                return;
              }
              allowed.add(f);
              if (!sums.containsKey(f)) {
                problems.add(
                    tgz + ": primary lists " + p.nevra() + " at " + f + " which is missing");
              } else if (!sums.get(f).equalsIgnoreCase(p.checksum())
                  || sizes.get(f)[0] != p.packageSize()) {
                problems.add(
                    tgz
                        + ": "
                        + f
                        + " does not match the size/SHA256 of "
                        + p.nevra()
                        + " in primary");
              }
            });
      }
      return true;
    } catch (SignatureException | RpmMetadataException | IOException e) {
      problems.add(tgz + ": " + e.getMessage());
      return false;
    }
  }

  /** A stream that fails once more than {@code limit} bytes were read from it. */
  private static final class Bounded extends FilterInputStream {
    private final long limit;
    private final String source;
    private long read;

    Bounded(InputStream in, long limit, String source) {
      super(in);
      this.limit = limit;
      this.source = source;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws IOException {
      read += n;
      if (read > limit) {
        throw new IOException(
            source + ": expands to more than " + limit + " bytes, the limit on metadata; not read");
      }
    }
  }

  private static MessageDigest sha256() {
    return Digests.sha256();
  }
}
