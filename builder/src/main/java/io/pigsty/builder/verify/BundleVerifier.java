package io.pigsty.builder.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.pigsty.builder.bundle.BundleBuilder;
import io.pigsty.builder.bundle.Manifest;
import io.pigsty.builder.bundle.deb.DebBundleBuilder;
import io.pigsty.builder.bundle.rpm.RpmBundleBuilder;
import io.pigsty.builder.files.Tarball;
import io.pigsty.repo.Digests;
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
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Checks a bundle tarball offline, reading it once: every entry stays under {@code pigsty/}, is a
 * plain file or directory and names a path no other entry names ({@link Tarball.Checker}, the rule
 * extraction applies); every file of {@code manifest.json} is present with its size and SHA256 and
 * nothing else is; {@code InRelease} verifies with the shipped {@code pigsty.gpg} whose fingerprint
 * the manifest names, and its Date is not in the future nor its Valid-Until past ({@link
 * ReleaseFile#checkDates}: apt would refuse the bundle as "not valid yet"); Release lists the
 * SHA256 of {@code Packages} and {@code Packages.gz}; every package of {@code Packages} has its
 * .deb with the indexed size and SHA256. An EL bundle (one with {@code repodata/repomd.xml}) is
 * checked the same way with its own index chain: {@code repodata/repomd.xml.asc} verifies with the
 * shipped {@code RPM-GPG-KEY-pigsty}, every file repomd lists matches its checksum and size, and
 * every package of primary has its .rpm with the listed size and SHA256.
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
   */
  public record Report(
      int files,
      long bytes,
      String keyFingerprint,
      JsonNode manifest,
      List<String> problems,
      List<String> unsafe,
      List<String> signers) {
    /**
     * @return whether no problem was found
     */
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private static final Set<String> KEPT =
      Set.of(
          "manifest.json",
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
   * @throws IOException when the tarball cannot be read at all (not gzip, truncated)
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
   * @throws IOException when the tarball cannot be read at all (not gzip, truncated)
   */
  public static Report verifyPinned(Path tgz, Collection<String> pinned, Instant now)
      throws IOException {
    Report r = verify(tgz, null, now);
    if (pinned == null
        || r.signers().isEmpty()
        || r.signers().stream().anyMatch(pinned::contains)) {
      return r; // no pin, or no good signature at all (already a problem)
    }
    List<String> problems = new ArrayList<>(r.problems());
    problems.add(
        tgz
            + ": signed by "
            + String.join(", ", r.signers())
            + ", expected key "
            + (pinned.isEmpty() ? "(none pinned)" : String.join(" or ", pinned)));
    return new Report(
        r.files(), r.bytes(), r.keyFingerprint(), r.manifest(), problems, r.unsafe(), r.signers());
  }

  /**
   * Verifies the bundle as {@link #verify(Path, String)} does, with the clock at {@code now}.
   *
   * @param tgz the bundle
   * @param expectedFingerprint when non-null, the signing key must have this fingerprint
   * @param now the time the Release dates are checked against, non-null
   * @return the report; problems name the file at fault
   * @throws IOException when the tarball cannot be read at all (not gzip, truncated)
   */
  public static Report verify(Path tgz, String expectedFingerprint, Instant now)
      throws IOException {
    if (expectedFingerprint != null) {
      return verifyPinned(tgz, List.of(TrustedKeys.normalizeFingerprint(expectedFingerprint)), now);
    }
    List<String> problems = new ArrayList<>();
    List<String> unsafe = new ArrayList<>();
    Map<String, long[]> sizes = new HashMap<>();
    Map<String, String> sums = new HashMap<>();
    Map<String, byte[]> kept = new HashMap<>();
    long bytes = 0;
    try (InputStream fin = new BufferedInputStream(Files.newInputStream(tgz), 1 << 20);
        GZIPInputStream gz = new GZIPInputStream(fin, 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      Tarball.Checker checker = new Tarball.Checker(BundleBuilder.ROOT, false);
      TarArchiveEntry e;
      byte[] buf = new byte[1 << 20];
      while ((e = tar.getNextEntry()) != null) {
        String name = e.getName();
        String why = checker.check(e);
        if (why != null) {
          String p = tgz + ": entry '" + name + "' " + why;
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
        ByteArrayOutputStream keep = kept(rel) ? new ByteArrayOutputStream() : null;
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
      }
      // read to the end of the gzip stream, past tar's end-of-archive blocks, so that a cut or
      // damaged tail fails gzip's CRC and length check
      byte[] rest = new byte[1 << 16];
      while (gz.read(rest) >= 0) {
        // draining
      }
    } catch (EOFException ex) {
      throw new IOException(tgz + ": truncated (unexpected end of archive)", ex);
    } catch (NoSuchFileException ex) {
      throw new NoSuchFileException(tgz + " (no such file)");
    } catch (IOException ex) {
      throw new IOException(tgz + ": not a readable bundle (" + ex.getMessage() + ")", ex);
    }
    JsonNode manifest = null;
    String fingerprint = null;
    if (!kept.containsKey("manifest.json")) {
      problems.add(tgz + ": no " + BundleBuilder.ROOT + "/manifest.json");
    } else {
      manifest = Manifest.JSON.readTree(kept.get("manifest.json"));
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
        if (!listed.contains(p) && !p.equals("manifest.json")) {
          problems.add(tgz + ": " + p + " is not in the manifest");
        }
      }
      fingerprint = manifest.path("signing_key").path("fingerprint").asText(null);
    }
    List<String> signers = new ArrayList<>();
    checkSignatures(tgz, kept, sizes, sums, fingerprint, now, problems, signers);
    return new Report(sums.size(), bytes, fingerprint, manifest, problems, unsafe, signers);
  }

  private static void checkSignatures(
      Path tgz,
      Map<String, byte[]> kept,
      Map<String, long[]> sizes,
      Map<String, String> sums,
      String manifestFpr,
      Instant now,
      List<String> problems,
      List<String> signers) {
    if (kept.containsKey("repodata/repomd.xml")) {
      checkRpm(tgz, kept, sizes, sums, manifestFpr, problems, signers);
      return;
    }
    byte[] keyring = kept.get(DebBundleBuilder.KEYRING);
    byte[] inRelease = kept.get("InRelease");
    if (keyring == null || inRelease == null) {
      problems.add(tgz + ": no " + (keyring == null ? DebBundleBuilder.KEYRING : "InRelease"));
      return;
    }
    try {
      TrustedKeys keys = TrustedKeys.of(keyring);
      checkKeys(tgz, keys, DebBundleBuilder.KEYRING, manifestFpr, problems);
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
      if (release.sha256("Packages").isEmpty() || !kept.containsKey("Packages")) {
        problems.add(tgz + ": InRelease does not list Packages");
        return;
      }
      for (DebPackage p : PackageIndex.parsePackagesFile(kept.get("Packages"), tgz + ":Packages")) {
        String f = p.filename() == null ? "" : p.filename().replaceFirst("^\\./", "");
        if (!sums.containsKey(f)) {
          problems.add(
              tgz + ": Packages lists " + p.id() + " at " + p.filename() + " which is missing");
        } else if (!sums.get(f).equals(p.sha256()) || sizes.get(f)[0] != p.size()) {
          problems.add(
              tgz + ": " + f + " does not match the Size/SHA256 of " + p.id() + " in Packages");
        }
      }
    } catch (SignatureException | MetadataException e) {
      problems.add(tgz + ": " + e.getMessage());
    }
  }

  private static void checkKeys(
      Path tgz, TrustedKeys keys, String file, String manifestFpr, List<String> problems) {
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
  private static void checkRpm(
      Path tgz,
      Map<String, byte[]> kept,
      Map<String, long[]> sizes,
      Map<String, String> sums,
      String manifestFpr,
      List<String> problems,
      List<String> signers) {
    byte[] key = kept.get(RpmBundleBuilder.KEY_FILE);
    byte[] repomd = kept.get("repodata/repomd.xml");
    byte[] asc = kept.get("repodata/repomd.xml.asc");
    if (key == null || asc == null) {
      problems.add(
          tgz + ": no " + (key == null ? RpmBundleBuilder.KEY_FILE : "repodata/repomd.xml.asc"));
      return;
    }
    try {
      TrustedKeys keys = TrustedKeys.of(key);
      checkKeys(tgz, keys, RpmBundleBuilder.KEY_FILE, manifestFpr, problems);
      signers.addAll(Detached.verify(repomd, asc, keys, tgz + ":repodata/repomd.xml.asc"));
      Repomd md = Repomd.parse(new ByteArrayInputStream(repomd), tgz + ":repodata/repomd.xml");
      for (Repomd.Data d : md.data()) {
        if (!sums.containsKey(d.href())) {
          problems.add(tgz + ": repomd.xml lists " + d.href() + " which is missing");
        } else if (!sums.get(d.href()).equalsIgnoreCase(d.checksum())
            || sizes.get(d.href())[0] != d.size()) {
          problems.add(tgz + ": " + d.href() + " does not match its checksum in repomd.xml");
        }
      }
      var primary = md.find("primary");
      if (primary.isEmpty() || !kept.containsKey(primary.get().href())) {
        problems.add(tgz + ": repomd.xml lists no primary in the bundle");
        return;
      }
      String href = primary.get().href();
      try (InputStream in =
          MetadataCompression.open(new ByteArrayInputStream(kept.get(href)), href)) {
        PrimaryReader.read(
            in,
            tgz + ":" + href,
            p -> {
              String f = p.location();
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
    } catch (SignatureException | RpmMetadataException | IOException e) {
      problems.add(tgz + ": " + e.getMessage());
    }
  }

  private static MessageDigest sha256() {
    return Digests.sha256();
  }
}
