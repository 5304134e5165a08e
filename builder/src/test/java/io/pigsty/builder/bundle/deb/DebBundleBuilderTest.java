package io.pigsty.builder.bundle.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.pigsty.builder.bundle.BundleBuilder;
import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.ContentCache;
import io.pigsty.builder.bundle.Mirrors;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.fetch.FetchException;
import io.pigsty.builder.fetch.FetchRequest;
import io.pigsty.builder.fetch.ProgressListener;
import io.pigsty.builder.release.SelfPackages;
import io.pigsty.builder.verify.BundleVerifier;
import io.pigsty.repo.Digests;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.solve.ResolutionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

public class DebBundleBuilderTest {
  @TempDir Path tmp;
  FakeArchive archive;

  public static final ProgressListener QUIET =
      new ProgressListener() {
        @Override
        public void start(int files, long bytes) {}

        @Override
        public void advanced(FetchRequest r, long bytes, boolean fromCache) {}

        @Override
        public void failed(FetchRequest r, FetchException e) {}

        @Override
        public void done() {}
      };

  @BeforeEach
  void start() throws Exception {
    archive = new FakeArchive(tmp, "testsuite", FakeArchive.standard());
  }

  @AfterEach
  void stop() {
    archive.close();
  }

  private Path definition(String... packages) throws Exception {
    Path keys = tmp.resolve("def/keys");
    Files.createDirectories(keys);
    Files.copy(archive.keyFile, keys.resolve("archive.gpg"), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(
        tmp.resolve("def/extensions.yml"), "postgis: {deb: \"postgresql-$v-postgis-3\"}\n");
    String yaml =
        "name: t1\n"
            + "version: \"1.0\"\n"
            + "target: {os: debian, release: \"12\", codename: bookworm, arch: amd64}\n"
            + "pg_major: 15\n"
            + "upstreams:\n"
            + "  - {name: testsuite, suite: testsuite, components: [main], keys: [keys/archive.gpg], url: \""
            + archive.url()
            + "\"}\n"
            + "packages:\n"
            + "  node: ["
            + String.join(", ", packages)
            + "]\n";
    Path def = tmp.resolve("def/t1.yml");
    Files.writeString(def, yaml);
    return def;
  }

  private BundleBuilder.Result build(Path def, Path out) throws Exception {
    return build(def, out, List.of());
  }

  private BundleBuilder.Result build(Path def, Path out, List<Path> localDebs) throws Exception {
    try (Downloader d =
        Downloader.builder()
            .cacheDir(tmp.resolve("cache"))
            .perHostConnections(3)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      DebBundleBuilder b =
          new DebBundleBuilder(
                  d,
                  new ContentCache(tmp.resolve("cache")),
                  new Mirrors(List.of(), null),
                  tmp.resolve("signing-key"),
                  new PrintStream(new ByteArrayOutputStream()))
              .withLocalPackages(localDebs);
      return b.build(BundleDefinition.load(def), out, QUIET);
    }
  }

  /** Every entry of a tarball as "name mode uid mtime sha256", to show what differs. */
  private static List<String> entries(Path tgz) throws Exception {
    List<String> out = new ArrayList<>();
    try (var tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tgz)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        out.add(
            e.getName()
                + " "
                + Integer.toOctalString(e.getMode())
                + " "
                + e.getLongUserId()
                + " "
                + e.getModTime().getTime()
                + " "
                + Digests.sha256Hex(tar.readAllBytes()));
      }
    }
    return out;
  }

  private static boolean emptyOrAbsent(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  @Test
  void build_writesVerifiableBundleWithClosureAndManifest() throws Exception {
    BundleBuilder.Result r = build(definition("server", "client"), tmp.resolve("out"));
    assertThat(r.packages()).isEqualTo(4);
    assertThat(r.bundle().getFileName().toString()).isEqualTo("pigsty-pkg-1.0.t1.amd64.tgz");
    BundleVerifier.Report rep = BundleVerifier.verify(r.bundle(), null);
    assertThat(rep.problems()).isEmpty();
    assertThat(rep.files())
        .isEqualTo(4 + 7); // debs + Packages(.gz), Release, InRelease, key, manifest(.asc)
    JsonNode files = rep.manifest().path("files");
    JsonNode common = null;
    for (JsonNode f : files) {
      if ("common".equals(f.path("package").asText())) {
        common = f;
      }
    }
    assertThat(common).isNotNull();
    assertThat(common.path("requested_by").toString()).isEqualTo("[\"client\",\"server\"]");
    assertThat(common.path("url").asText()).startsWith(archive.url() + "/pool/main/c/common/");
    assertThat(Files.readString(r.repoDir().resolve("Packages")))
        .contains("Filename: ./libserver_1.2-1_amd64.deb");
  }

  /** A small pigsty_9.9_all.deb made by SelfPackages from stand-in files. */
  private Path selfDeb() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("self"));
    Files.writeString(src.resolve("pigsty.jar"), "not a real jar\n");
    Files.writeString(src.resolve("configure"), "#!/bin/sh\necho configure\n");
    Files.writeString(src.resolve("Makefile"), "all:\n");
    return SelfPackages.deb(
        SelfPackages.Contents.ofTree(src, "9.9", Instant.ofEpochSecond(1_700_000_000)),
        tmp.resolve("selfout"));
  }

  @Test
  void build_withLocalDeb_indexesPigstyInPackagesAndManifestAndVerifies() throws Exception {
    Path deb = selfDeb();
    BundleBuilder.Result r = build(definition("server"), tmp.resolve("out"), List.of(deb));
    String packages = Files.readString(r.repoDir().resolve("Packages"));
    assertThat(packages)
        .contains(
            "Package: pigsty\n",
            "Filename: ./pigsty_9.9_all.deb\n",
            "SHA256: " + Digests.sha256Hex(deb) + "\n",
            "Package: libserver\n");
    assertThat(r.packages()).isEqualTo(4);
    BundleVerifier.Report rep = BundleVerifier.verify(r.bundle(), null);
    assertThat(rep.problems()).isEmpty();
    JsonNode self = null;
    for (JsonNode f : rep.manifest().path("files")) {
      if ("pigsty".equals(f.path("package").asText())) {
        self = f;
      }
    }
    assertThat(self).isNotNull();
    assertThat(self.path("upstream").asText()).isEqualTo(BundleBuilder.LOCAL_ORIGIN);
    assertThat(self.path("url").isNull()).isTrue();
    assertThat(self.path("version").asText()).isEqualTo("9.9");
  }

  @Test
  void build_localDebNamedLikeAClosurePackageFailsAndLeavesNothing() throws Exception {
    Path bogus = tmp.resolve("libserver_1.2-1_amd64.deb");
    Files.copy(archive.root.resolve("pool/main/l/libserver/libserver_1.2-1_amd64.deb"), bogus);
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> build(definition("server"), out, List.of(bogus)))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("libserver");
    assertThat(emptyOrAbsent(out)).isTrue();
  }

  /** Copies a bundle, letting {@code edit} change the content of the entries it names. */
  private static Path rewrite(Path tgz, Path out, UnaryOperator<byte[]> edit, String entry)
      throws Exception {
    try (var in = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(tgz)));
        var o = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(out)))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        byte[] body = in.readAllBytes();
        if (e.getName().equals(entry)) {
          body = edit.apply(body);
        }
        e.setSize(body.length);
        o.putArchiveEntry(e);
        o.write(body);
        o.closeArchiveEntry();
      }
    }
    return out;
  }

  @Test
  void verify_reportsATamperedDebAndATamperedPackagesFile() throws Exception {
    BundleBuilder.Result r = build(definition("server"), tmp.resolve("out"));
    Path deb =
        rewrite(
            r.bundle(),
            tmp.resolve("deb.tgz"),
            b -> {
              b[b.length - 1] ^= 1;
              return b;
            },
            "pigsty/libserver_1.2-1_amd64.deb");
    assertThat(BundleVerifier.verify(deb, null).problems())
        .anySatisfy(p -> assertThat(p).contains("libserver_1.2-1_amd64.deb"));
    Path packages =
        rewrite(
            r.bundle(),
            tmp.resolve("pk.tgz"),
            b -> new String(b).replace("Package: common", "Package: commoN").getBytes(),
            "pigsty/Packages");
    assertThat(BundleVerifier.verify(packages, null).problems())
        .anySatisfy(p -> assertThat(p).contains("Packages"));
    byte[] whole = Files.readAllBytes(r.bundle());
    Path cut = Files.write(tmp.resolve("cut.tgz"), Arrays.copyOf(whole, whole.length - 100));
    // a cut bundle is a problem of the bundle (exit 8), not an I/O error (issue 12, item 17)
    assertThat(BundleVerifier.verify(cut, null).problems())
        .anySatisfy(p -> assertThat(p).contains("cut.tgz: truncated"));
    String otherKey = "0".repeat(40);
    assertThat(BundleVerifier.verify(r.bundle(), otherKey).problems())
        .anySatisfy(p -> assertThat(p).contains(otherKey));
    assertThat(BundleVerifier.verify(r.bundle(), null).problems()).isEmpty();
  }

  @Test
  void build_sameInputsGiveByteIdenticalTarballAndSecondBuildDownloadsNothing() throws Exception {
    BundleBuilder.Result a = build(definition("server"), tmp.resolve("a"));
    int downloads = archive.debRequests.get();
    assertThat(downloads).isEqualTo(3);
    BundleBuilder.Result b = build(definition("server"), tmp.resolve("b"));
    assertThat(archive.debRequests.get()).isEqualTo(downloads);
    assertThat(Files.readString(b.repoDir().resolve("manifest.json")))
        .isEqualTo(Files.readString(a.repoDir().resolve("manifest.json")));
    assertThat(entries(b.bundle())).isEqualTo(entries(a.bundle()));
    assertThat(Files.readAllBytes(b.bundle())).isEqualTo(Files.readAllBytes(a.bundle()));
    BundleBuilder.Result again = build(definition("server"), tmp.resolve("a"));
    assertThat(again.upToDate()).isTrue();
  }

  @Test
  void build_corruptIndexFailsNamingItAndLeavesNothing() throws Exception {
    Path xz = archive.root.resolve("dists/testsuite/main/binary-amd64/Packages.xz");
    byte[] b = Files.readAllBytes(xz);
    b[b.length / 2] ^= 0x01;
    archive.overrides.put("dists/testsuite/main/binary-amd64/Packages.xz", b);
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> build(definition("server"), out))
        .isInstanceOfAny(FetchException.class, MetadataException.class)
        .hasMessageContaining("Packages.xz");
    assertThat(emptyOrAbsent(out)).isTrue();
  }

  @Test
  void build_truncatedDebFailsNamingItAndLeavesNothing() throws Exception {
    String rel = "pool/main/l/libserver/libserver_1.2-1_amd64.deb";
    byte[] deb = Files.readAllBytes(archive.root.resolve(rel));
    archive.overrides.put(rel, Arrays.copyOf(deb, deb.length - 10));
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> build(definition("server"), out))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("libserver_1.2-1_amd64.deb");
    assertThat(emptyOrAbsent(out)).isTrue();
    assertThat(
            emptyOrAbsent(tmp.resolve("cache/sha256"))
                || !containsFileNamed(tmp.resolve("cache"), ".deb"))
        .isTrue();
  }

  private static boolean containsFileNamed(Path dir, String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.anyMatch(p -> p.toString().endsWith(suffix));
    }
  }

  @Test
  void build_unknownPackageFailsWithChainAndLeavesNothing() throws Exception {
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> build(definition("server", "no-such-pkg"), out))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("node -> no-such-pkg: no package or Provides named no-such-pkg");
    assertThat(emptyOrAbsent(out)).isTrue();
  }

  @Test
  void build_unsatisfiableVersionFailsNamingIt() throws Exception {
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> build(definition("\"server (>= 9)\""), out))
        .isInstanceOf(ResolutionException.class)
        .hasMessageContaining("server (>= 9)")
        .hasMessageContaining("1.0-1 (testsuite)");
    assertThat(emptyOrAbsent(out)).isTrue();
  }

  @Test
  void build_flippedByteInInReleaseStopsTheBuild() throws Exception {
    Path inRelease = archive.root.resolve("dists/testsuite/InRelease");
    String text = Files.readString(inRelease).replace("Origin: Test", "Origin: Tesu");
    archive.overrides.put("dists/testsuite/InRelease", text.getBytes());
    assertThatThrownBy(() -> build(definition("server"), tmp.resolve("out")))
        .isInstanceOf(SignatureException.class)
        .hasMessageContaining("InRelease");
  }

  @Test
  void build_inReleaseByUntrustedKeyStopsTheBuild() throws Exception {
    Path def = definition("server");
    FakeArchive other = new FakeArchive(tmp.resolve("other"), "testsuite", FakeArchive.standard());
    other.close();
    Files.copy(
        other.keyFile, tmp.resolve("def/keys/archive.gpg"), StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> build(def, tmp.resolve("out"))).isInstanceOf(SignatureException.class);
  }

  @Test
  void build_inReleaseDatedInTheFutureStopsTheBuildWithTheMetadataCode() throws Exception {
    Instant future = Instant.now().plus(Duration.ofDays(1));
    archive.redate(future);
    Path out = tmp.resolve("out");
    MetadataException e =
        catchThrowableOfType(MetadataException.class, () -> build(definition("server"), out));
    assertThat(e).isNotNull();
    assertThat(e.exitCode()).isEqualTo(MetadataException.EXIT_CODE);
    assertThat(e.getMessage())
        .contains(archive.url() + "/dists/testsuite/InRelease")
        .contains("is in the future");
    assertThat(emptyOrAbsent(out)).isTrue();
  }

  @Test
  void build_inReleaseDatedFiveSecondsAheadIsAccepted() throws Exception {
    archive.redate(Instant.now().plusSeconds(5));
    assertThat(build(definition("server"), tmp.resolve("out")).packages()).isPositive();
  }

  @Test
  void verify_reportsABundleWhoseReleaseDateIsInTheFuture() throws Exception {
    BundleBuilder.Result r = build(definition("server"), tmp.resolve("out"));
    Instant yesterday = Instant.now().minus(Duration.ofDays(1));
    assertThat(BundleVerifier.verify(r.bundle(), null, yesterday).problems())
        .singleElement()
        .satisfies(
            p -> assertThat(p).contains(r.bundle() + ":InRelease").contains("is in the future"));
    assertThat(BundleVerifier.verify(r.bundle(), null).problems()).isEmpty();
  }

  private static final String PACKAGES = "main/binary-amd64/Packages";

  /** 16 MiB of zeros, xz-compressed to a few KiB: a small decompression bomb. */
  private static byte[] bomb() throws IOException {
    return FakeArchive.xz(new byte[16 << 20]);
  }

  private static List<Path> filesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains(".pigsty-runs"))
          .collect(Collectors.toList());
    }
  }

  @Test
  void build_badInReleaseSignatureFetchesNoIndexAndCachesNothing() throws Exception {
    Path inRelease = archive.root.resolve("dists/testsuite/InRelease");
    String text = Files.readString(inRelease).replace("Origin: Test", "Origin: Tesu");
    archive.overrides.put("dists/testsuite/InRelease", text.getBytes());
    archive.overrides.put("dists/testsuite/" + PACKAGES + ".xz", bomb());
    Path out = tmp.resolve("out");
    assertThatThrownBy(() -> build(definition("server"), out))
        .isInstanceOf(SignatureException.class);
    assertThat(archive.requests).containsExactly("dists/testsuite/InRelease");
    assertThat(filesUnder(tmp.resolve("cache"))).isEmpty();
    assertThat(emptyOrAbsent(out)).isTrue();
  }

  @Test
  void build_unreadableKeyFileFailsBeforeAnyRequest() throws Exception {
    Path def = definition("server");
    Files.writeString(tmp.resolve("def/keys/archive.gpg"), "not a key\n");
    assertThatThrownBy(() -> build(def, tmp.resolve("out")))
        .isInstanceOfAny(SignatureException.class, IOException.class);
    assertThat(archive.requests).isEmpty();
  }

  @Test
  void build_packagesXzExpandingPastTheSignedPackagesSizeIsRefused() throws Exception {
    byte[] plain = Files.readAllBytes(archive.root.resolve("dists/testsuite/" + PACKAGES + ".xz"));
    plain = new XZInputStream(new ByteArrayInputStream(plain)).readAllBytes();
    byte[] bomb = bomb();
    archive.resign(
        Map.of(PACKAGES, plain, PACKAGES + ".xz", bomb),
        Map.of("dists/testsuite/" + PACKAGES + ".xz", bomb));
    Path out = tmp.resolve("out");
    MetadataException e =
        catchThrowableOfType(MetadataException.class, () -> build(definition("server"), out));
    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains(PACKAGES + ".xz: decompresses to more than " + plain.length + " bytes")
        .contains("the size of " + PACKAGES);
    assertThat(emptyOrAbsent(out)).isTrue();
  }

  @Test
  void build_packagesXzOfUnlistedSizeIsCappedAtThirtyTwoTimesItsSize() throws Exception {
    byte[] bomb = bomb();
    archive.resign(
        Map.of(PACKAGES + ".xz", bomb), Map.of("dists/testsuite/" + PACKAGES + ".xz", bomb));
    MetadataException e =
        catchThrowableOfType(
            MetadataException.class, () -> build(definition("server"), tmp.resolve("out")));
    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("decompresses to more than " + (32L * bomb.length) + " bytes")
        .contains("does not list");
  }

  @Test
  void build_packagesXzWhoseSha256DiffersFromTheReleaseIsNotDecompressed() throws Exception {
    byte[] listed = Files.readAllBytes(archive.root.resolve("dists/testsuite/" + PACKAGES + ".xz"));
    byte[] bomb = bomb();
    archive.resign(
        Map.of(PACKAGES + ".xz", listed), Map.of("dists/testsuite/" + PACKAGES + ".xz", bomb));
    FetchException e =
        catchThrowableOfType(
            FetchException.class, () -> build(definition("server"), tmp.resolve("out")));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains(PACKAGES + ".xz").contains("expected " + listed.length);
    assertThat(e.exitCode()).isEqualTo(FetchException.EXIT_CODE);
  }

  @Test
  void build_releaseOnlyMirrorIsReportedAsNoSignedInRelease() throws Exception {
    archive.releaseOnly();
    Path out = tmp.resolve("out");
    FetchException e =
        catchThrowableOfType(FetchException.class, () -> build(definition("server"), out));
    assertThat(e).isNotNull();
    assertThat(e.exitCode()).isEqualTo(FetchException.EXIT_CODE);
    assertThat(e.getMessage())
        .startsWith(
            "no signed InRelease at "
                + archive.url()
                + "/dists/testsuite/InRelease for suite 'testsuite' (HTTP 404)");
    assertThat(emptyOrAbsent(out)).isTrue();
  }

  private static final String LIBSERVER = "libserver_1.2-1_amd64.deb";

  @Test
  void build_outputDebEditedInPlaceLeavesTheCacheIntactAndARebuildRepairsIt() throws Exception {
    Path def = definition("server");
    BundleBuilder.Result a = build(def, tmp.resolve("a"));
    Path deb = a.repoDir().resolve(LIBSERVER);
    byte[] good = Files.readAllBytes(deb);
    byte[] edited = good.clone();
    edited[edited.length - 1] ^= 1;
    Files.write(deb, edited); // in place: same inode, as an editor or dd would
    int downloads = archive.debRequests.get();

    BundleBuilder.Result again = build(def, tmp.resolve("a"));
    assertThat(again.upToDate()).isFalse();
    assertThat(Files.readAllBytes(deb)).isEqualTo(good);

    BundleBuilder.Result fresh = build(def, tmp.resolve("b"));
    assertThat(archive.debRequests.get()).isEqualTo(downloads); // the cache was never touched
    assertThat(BundleVerifier.verify(fresh.bundle(), null).problems()).isEmpty();
    assertThat(build(def, tmp.resolve("b")).upToDate()).isTrue();
  }

  @Test
  void build_cacheEntryCorruptedInPlaceIsFetchedAgainAndTheBundleVerifies() throws Exception {
    Path def = definition("server");
    build(def, tmp.resolve("a"));
    byte[] good = Files.readAllBytes(archive.root.resolve("pool/main/l/libserver/" + LIBSERVER));
    Path entry = new ContentCache(tmp.resolve("cache")).pathFor(Digests.sha256Hex(good));
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 1;
    Files.write(entry, bad);
    int downloads = archive.debRequests.get();

    BundleBuilder.Result fresh = build(def, tmp.resolve("b"));

    assertThat(archive.debRequests.get()).isEqualTo(downloads + 1);
    assertThat(Files.readAllBytes(entry)).isEqualTo(good);
    assertThat(Files.readAllBytes(fresh.repoDir().resolve(LIBSERVER))).isEqualTo(good);
    assertThat(BundleVerifier.verify(fresh.bundle(), null).problems()).isEmpty();
  }

  @Test
  void build_outputsAreServable_files0644_directories0755_inTheTarballToo() throws Exception {
    BundleBuilder.Result r = build(definition("server"), tmp.resolve("out"));
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> s = Files.walk(tmp.resolve("out"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.toString().contains(".pigsty-runs") || p.equals(tmp.resolve("out"))) {
          continue;
        }
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        String want = Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--";
        if (!mode.equals(want)) {
          wrong.add(tmp.resolve("out").relativize(p) + " " + mode);
        }
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(Files.getAttribute(r.repoDir().resolve(LIBSERVER), "unix:nlink")).isEqualTo(1);
    assertThat(entries(r.bundle()))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(e.split(" ")[1])
                    .isEqualTo(e.split(" ")[0].endsWith("/") ? "40755" : "100644"));
  }

  @Test
  void build_indexSnapshotEditedInTheCacheIsNotBelieved() throws Exception {
    Path def = definition("server");
    build(def, tmp.resolve("a"));
    List<Path> snaps;
    try (Stream<Path> s = Files.list(tmp.resolve("cache/snapshots"))) {
      snaps = s.filter(p -> p.toString().endsWith(".pig2")).toList();
    }
    assertThat(snaps).hasSize(1);
    String text = new String(Files.readAllBytes(snaps.get(0)), StandardCharsets.ISO_8859_1);
    assertThat(text).contains("1.2-1");
    // libserver 1.2-1 becomes 1.9-1 (version and file name): same lengths, so it still parses
    Files.write(snaps.get(0), text.replace("1.2-1", "1.9-1").getBytes(StandardCharsets.ISO_8859_1));

    BundleBuilder.Result r = build(def, tmp.resolve("b"));

    assertThat(Files.readString(r.repoDir().resolve("manifest.json")))
        .contains("libserver_1.2-1_amd64.deb")
        .doesNotContain("1.9-1");
    assertThat(BundleVerifier.verify(r.bundle(), null).problems()).isEmpty();
  }
}
