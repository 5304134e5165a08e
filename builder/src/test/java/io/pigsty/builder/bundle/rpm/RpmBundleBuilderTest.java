package io.pigsty.builder.bundle.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pigsty.builder.bundle.BundleBuilder;
import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.bundle.ContentCache;
import io.pigsty.builder.bundle.Manifest;
import io.pigsty.builder.bundle.Mirrors;
import io.pigsty.builder.bundle.deb.DebBundleBuilderTest;
import io.pigsty.builder.bundle.deb.RepoIndexerTest;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.fetch.FetchException;
import io.pigsty.builder.files.Tarball;
import io.pigsty.builder.verify.BundleVerifier;
import io.pigsty.repo.Digests;
import io.pigsty.repo.rpm.ResolutionException;
import io.pigsty.repo.rpm.RpmMetadataException;
import io.pigsty.repo.rpm.RpmSigner;
import io.pigsty.repo.sign.BundleKey;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.sign.TrustedKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EL bundle path end to end against upstream repositories served on 127.0.0.1:
 *
 * <ul>
 *   <li>{@code zfs}: the real el9-zfs-2.1 repodata and its real (unsigned) RPMs; its repomd.xml
 *       signed with gpg by a test "mirror operator" key (repo_gpgcheck on, gpgcheck off);
 *   <li>{@code signed}: real bzip2 RPMs re-signed with {@code rpmsign} by a test "vendor" key,
 *       repodata made by {@code createrepo_c} (gpgcheck on, no repomd signature);
 *   <li>{@code bzip2}: the real el9-bzip2-rebuild repository as published (repomd.xml.asc and
 *       packages signed by a rebuilder key we do not trust).
 * </ul>
 *
 * The result is checked by {@code dnf}, installing from it into an empty installroot with no other
 * repository and with repo_gpgcheck on.
 */
public class RpmBundleBuilderTest {
  @TempDir static Path shared;
  static RpmSigner vendor;
  static RpmSigner operator;
  static Path pristine;

  @TempDir Path tmp;
  Path www;
  StaticServer server;

  static final String[] ZFS_RPMS = {
    "kmod-zfs-devel-2.1.5-1.el9.x86_64.rpm",
    "libnvpair3-2.1.5-1.el9.x86_64.rpm",
    "libuutil3-2.1.5-1.el9.x86_64.rpm",
    "zfs-dracut-2.1.5-1.el9.noarch.rpm"
  };
  static final String[] BZIP2_RPMS = {
    "bzip2-1.0.8-18.el9.x86_64.rpm",
    "bzip2-libs-1.0.8-18.el9.x86_64.rpm",
    "bzip2-devel-1.0.8-18.el9.x86_64.rpm",
    "bzip2-static-1.0.8-18.el9.x86_64.rpm"
  };

  @BeforeAll
  static void upstreams() throws Exception {
    Path fx = RepoIndexerTest.elFixtures();
    vendor = RpmSigner.create(shared, "vendor");
    operator = RpmSigner.create(shared, "operator");
    pristine = Files.createDirectories(shared.resolve("www"));
    // zfs: real repodata, real RPMs at their hrefs, repomd signed by the operator
    Path zfs = pristine.resolve("zfs");
    copyTree(fx.resolve("el9-zfs-2.1/repodata"), zfs.resolve("repodata"));
    Files.createDirectories(zfs.resolve("Packages"));
    for (String r : ZFS_RPMS) {
      Files.copy(fx.resolve("rpms").resolve(r), zfs.resolve("Packages").resolve(r));
    }
    operator.detachSign(zfs.resolve("repodata/repomd.xml"));
    // signed: bzip2 re-signed by the vendor, indexed by createrepo_c
    Path signed = Files.createDirectories(pristine.resolve("signed"));
    for (String r : BZIP2_RPMS) {
      vendor.signRpm(fx.resolve("rpms").resolve(r), signed.resolve(r));
    }
    run(List.of("createrepo_c", "--quiet", signed.toString()));
    Path modules = shared.resolve("modules.yaml");
    Files.writeString(
        modules,
        "---\ndocument: modulemd-defaults\nversion: 1\ndata:\n  module: bzip2x\n"
            + "  stream: \"1\"\n...\n");
    run(
        List.of(
            "modifyrepo_c",
            "--mdtype=modules",
            modules.toString(),
            signed.resolve("repodata").toString()));
    // bzip2: as published
    Path bz = pristine.resolve("bzip2");
    copyTree(fx.resolve("el9-bzip2-rebuild/repodata"), bz.resolve("repodata"));
    for (String r : BZIP2_RPMS) {
      Files.copy(fx.resolve("rpms").resolve(r), bz.resolve(r));
    }
    Files.createDirectories(shared.resolve("keys"));
    Files.write(shared.resolve("keys/vendor.asc"), vendor.publicKey());
    Files.write(shared.resolve("keys/operator.asc"), operator.publicKey());
  }

  @BeforeEach
  void serve() throws Exception {
    www = tmp.resolve("www");
    copyTree(pristine, www);
    server = new StaticServer(www);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Path definition(String upstreams, String... packages) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("def"));
    copyTree(shared.resolve("keys"), dir.resolve("keys"));
    String yaml =
        "name: el9\n"
            + "version: \"1.0\"\n"
            + "target: {os: rocky, release: \"9\", arch: x86_64}\n"
            + "pg_major: 17\n"
            + "recommends: false\n"
            + "upstreams:\n"
            + upstreams
            + "packages:\n"
            + "  node: ["
            + String.join(", ", packages)
            + "]\n";
    Path def = dir.resolve("el9.yml");
    Files.writeString(def, yaml);
    return def;
  }

  static final String GOOD_UPSTREAMS =
      "  - {name: zfs, suite: zfs, keys: [keys/operator.asc], gpgcheck: false, repo_gpgcheck: true}\n"
          + "  - {name: signed, suite: signed, keys: [keys/vendor.asc]}\n";

  private BundleBuilder.Result build(Path def, Path out) throws Exception {
    return build(def, out, List.of());
  }

  private BundleBuilder.Result build(Path def, Path out, List<Path> localRpms) throws Exception {
    try (Downloader d =
        Downloader.builder()
            .cacheDir(tmp.resolve("cache"))
            .perHostConnections(3)
            .connectTimeout(Duration.ofSeconds(5))
            .retries(0)
            .build()) {
      // one URL for every upstream, $repo replaced by the repository id
      Mirrors m = new Mirrors(List.of(server.uri("/$repo").toString()), null, null);
      RpmBundleBuilder b =
          new RpmBundleBuilder(
              d,
              new ContentCache(tmp.resolve("cache")),
              m,
              tmp.resolve("signing-key"),
              new PrintStream(new ByteArrayOutputStream()));
      return b.withLocalPackages(localRpms)
          .build(BundleDefinition.load(def), out, DebBundleBuilderTest.QUIET);
    }
  }

  @Test
  void buildsASignedDnfRepositoryThatDnfInstallsFrom() throws Exception {
    // the staged fixture RPMs that need nothing outside them (the rest need glibc & co., whose
    // files the fixtures lack); closures over real edges are checked on the cs9 repodata
    Path def = definition(GOOD_UPSTREAMS, "kmod-zfs-devel", "bzip2-static");
    BundleBuilder.Result r = build(def, tmp.resolve("out"));
    assertThat(r.bundle().getFileName().toString()).isEqualTo("pigsty-pkg-1.0.el9.x86_64.tgz");
    Path repo = r.repoDir();
    assertThat(
            Files.list(repo)
                .map(p -> p.getFileName().toString())
                .filter(n -> n.endsWith(".rpm"))
                .sorted())
        .containsExactly(
            "bzip2-static-1.0.8-18.el9.x86_64.rpm", "kmod-zfs-devel-2.1.5-1.el9.x86_64.rpm");
    assertThat(repo.resolve("repodata/repomd.xml.asc")).exists();
    assertThat(repo.resolve(RpmBundleBuilder.KEY_FILE)).exists();
    assertThat(repo.resolve("keys/vendor.asc")).exists();
    String repoFile = Files.readString(repo.resolve(RpmBundleBuilder.REPO_FILE));
    assertThat(repoFile)
        .contains("repo_gpgcheck=1")
        .contains("gpgcheck=0"); // zfs packages are unsigned

    JsonNode m = new ObjectMapper().readTree(repo.resolve("manifest.json").toFile());
    JsonNode st = null;
    JsonNode kmod = null;
    for (JsonNode f : m.get("files")) {
      if ("bzip2-static".equals(f.path("package").asText())) {
        st = f;
      } else if ("kmod-zfs-devel".equals(f.path("package").asText())) {
        kmod = f;
      }
    }
    assertThat(st).isNotNull();
    assertThat(kmod).isNotNull();
    assertThat(st.get("upstream").asText()).isEqualTo("signed");
    assertThat(st.get("signed_by").get(0).asText())
        .isEqualTo(TrustedKeys.of(vendor.publicKey()).fingerprints().get(0));
    assertThat(kmod.get("signed_by").size()).isZero();
    assertThat(st.get("why").toString()).contains("requested");
    assertThat(m.get("upstreams").get(0).get("signed_by").size()).isEqualTo(1);
    // the signed upstream's modules.yaml is passed through, listed in repomd as type modules
    assertThat(Files.readString(repo.resolve("repodata/repomd.xml")))
        .contains("<data type=\"modules\">");
    try (Stream<Path> s = Files.list(repo.resolve("repodata"))) {
      Path mod = s.filter(p -> p.toString().endsWith("-modules.yaml.gz")).findFirst().orElseThrow();
      try (var in = new GZIPInputStream(Files.newInputStream(mod))) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .contains("module: bzip2x");
      }
    }

    // gpgv (the real tool) accepts the repomd signature with the bundle key
    Path keyring = tmp.resolve("pigsty.gpg");
    run(
        List.of(
            "gpg",
            "--batch",
            "--dearmor",
            "-o",
            keyring.toString(),
            repo.resolve(RpmBundleBuilder.KEY_FILE).toString()));
    run(
        List.of(
            "gpgv",
            "--keyring",
            keyring.toString(),
            repo.resolve("repodata/repomd.xml.asc").toString(),
            repo.resolve("repodata/repomd.xml").toString()));

    // dnf: empty installroot, only this repository, repo_gpgcheck on
    Path reposd = Files.createDirectories(tmp.resolve("reposd"));
    Files.writeString(
        reposd.resolve("pigsty-local.repo"),
        repoFile.replace("file:///www/pigsty", "file://" + repo));
    Path root = Files.createDirectories(tmp.resolve("installroot"));
    String out =
        run(
            List.of(
                "dnf",
                "-y",
                "--installroot=" + root,
                "--setopt=reposdir=" + reposd,
                "--setopt=cachedir=" + tmp.resolve("dnfcache"),
                "--releasever=9",
                "--forcearch=x86_64",
                "--setopt=install_weak_deps=False",
                "--setopt=tsflags=nodocs,noscripts",
                "install",
                "kmod-zfs-devel",
                "bzip2-static"));
    assertThat(out).contains("Complete!");
    assertThat(run(List.of("rpm", "--root=" + root, "-q", "kmod-zfs-devel", "bzip2-static")))
        .contains("kmod-zfs-devel-2.1.5-1.el9.x86_64")
        .contains("bzip2-static-1.0.8-18.el9.x86_64");

    // and dnf's repo_gpgcheck is real: a changed repomd.xml in a copy of the bundle is refused
    Path copy = tmp.resolve("tampered");
    copyTree(repo, copy);
    Path md = copy.resolve("repodata/repomd.xml");
    Files.writeString(md, Files.readString(md).replace("<revision>", "<revision>9"));
    Path reposd2 = Files.createDirectories(tmp.resolve("reposd2"));
    Files.writeString(
        reposd2.resolve("pigsty-local.repo"),
        repoFile.replace("file:///www/pigsty", "file://" + copy));
    Process p =
        new ProcessBuilder(
                "dnf",
                "-y",
                "--installroot=" + Files.createDirectories(tmp.resolve("root2")),
                "--setopt=reposdir=" + reposd2,
                "--setopt=cachedir=" + tmp.resolve("dnfcache2"),
                "--releasever=9",
                "--forcearch=x86_64",
                "makecache")
            .redirectErrorStream(true)
            .start();
    String err = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(err).isNotZero();
  }

  @Test
  void allSignedUpstreamsGiveGpgcheckAndALocalRpmTurnsItOff() throws Exception {
    String ups = "  - {name: signed, suite: signed, keys: [keys/vendor.asc]}\n";
    Path def = definition(ups, "bzip2-static");
    BundleBuilder.Result a = build(def, tmp.resolve("a"));
    String repoFile = Files.readString(a.repoDir().resolve(RpmBundleBuilder.REPO_FILE));
    assertThat(repoFile).contains("gpgcheck=1\n").contains("file:///www/pigsty/keys/vendor.asc");

    Path ours = RepoIndexerTest.elFixtures().resolve("rpms/empty-0-0.x86_64.rpm");
    BundleBuilder.Result b = build(def, tmp.resolve("b"), List.of(ours));
    assertThat(b.repoDir().resolve("empty-0-0.x86_64.rpm")).exists();
    assertThat(Files.readString(b.repoDir().resolve(RpmBundleBuilder.REPO_FILE)))
        .contains("gpgcheck=0\n");
    JsonNode m = new ObjectMapper().readTree(b.repoDir().resolve("manifest.json").toFile());
    assertThat(m.get("files").toString())
        .contains("\"package\":\"empty\"")
        .contains("\"upstream\":\"local\"");
    assertThat(BundleVerifier.verify(b.bundle(), null).problems()).isEmpty();

    Path clash = RepoIndexerTest.elFixtures().resolve("rpms/bzip2-static-1.0.8-18.el9.x86_64.rpm");
    assertThatThrownBy(() -> build(def, tmp.resolve("c"), List.of(clash)))
        .isInstanceOf(BundleException.class)
        .hasMessageContaining("already in the closure");
    assertThat(tmp.resolve("c/pigsty-pkg-1.0.el9.x86_64.tgz")).doesNotExist();
  }

  @Test
  void rebuildIsByteIdenticalAndDownloadsNothing() throws Exception {
    Path def = definition(GOOD_UPSTREAMS, "kmod-zfs-devel", "bzip2-static");
    BundleBuilder.Result a = build(def, tmp.resolve("a"));
    int rpmGets = server.count(".rpm");
    BundleBuilder.Result b = build(def, tmp.resolve("b"));
    assertThat(Files.readAllBytes(b.bundle())).isEqualTo(Files.readAllBytes(a.bundle()));
    assertThat(server.count(".rpm")).isEqualTo(rpmGets);
    BundleBuilder.Result again = build(def, tmp.resolve("a"));
    assertThat(again.upToDate()).isTrue();
  }

  @Test
  void verifyChecksTheElChainAndFindsATamperedRpm() throws Exception {
    BundleBuilder.Result r =
        build(definition(GOOD_UPSTREAMS, "kmod-zfs-devel", "bzip2-static"), tmp.resolve("out"));
    BundleVerifier.Report good = BundleVerifier.verify(r.bundle(), null);
    assertThat(good.problems()).isEmpty();
    assertThat(good.files()).isGreaterThanOrEqualTo(9);
    assertThat(
            BundleVerifier.verify(r.bundle(), "0123456789ABCDEF0123456789ABCDEF01234567")
                .problems())
        .anyMatch(p -> p.contains("expected key 0123456789ABCDEF"));
    // the same tree with one byte of one .rpm flipped, packed again
    Path copy = tmp.resolve("copy/pigsty");
    copyTree(r.repoDir(), copy);
    Path rpm = copy.resolve("bzip2-static-1.0.8-18.el9.x86_64.rpm");
    byte[] b = Files.readAllBytes(rpm);
    b[b.length - 10] ^= 1;
    Files.write(rpm, b);
    Path bad = tmp.resolve("bad.tgz");
    Tarball.write(copy, BundleBuilder.ROOT, Instant.EPOCH, bad);
    assertThat(BundleVerifier.verify(bad, null).problems())
        .anyMatch(
            p -> p.contains("bzip2-static-1.0.8-18.el9.x86_64.rpm does not match the size/SHA256"))
        .anyMatch(p -> p.contains("bzip2-static-1.0.8-18.el9.x86_64.rpm: expected"));
  }

  @Test
  void verify_elBundleWithAnIndexHtmlInASignedManifest_isRefusedByName() throws Exception {
    BundleBuilder.Result r = build(definition(GOOD_UPSTREAMS, "bzip2-static"), tmp.resolve("out"));
    Path copy = tmp.resolve("copy/pigsty");
    copyTree(r.repoDir(), copy);
    byte[] page = "<script>alert(1)</script>\n".getBytes(StandardCharsets.UTF_8);
    Files.write(copy.resolve("index.html"), page);
    ObjectNode manifest =
        (ObjectNode) new ObjectMapper().readTree(copy.resolve("manifest.json").toFile());
    ObjectNode f = ((ArrayNode) manifest.path("files")).addObject();
    f.put("path", "index.html");
    f.put("size", page.length);
    f.put("sha256", Digests.sha256Hex(page));
    byte[] json = new ObjectMapper().writeValueAsBytes(manifest);
    Files.write(copy.resolve("manifest.json"), json);
    BundleKey key = BundleKey.loadOrCreate(tmp.resolve("signing-key"), BundleKey.USER_ID);
    Files.write(copy.resolve("manifest.json.asc"), Manifest.sign(json, key, Instant.now()));
    Path bad = tmp.resolve("html.tgz");
    Tarball.write(copy, BundleBuilder.ROOT, Instant.EPOCH, bad);
    assertThat(BundleVerifier.verify(bad, null).problems())
        .singleElement()
        .satisfies(p -> assertThat(p).contains("index.html is neither a package of primary"));
    Files.delete(copy.resolve("manifest.json.asc"));
    Path unsigned = tmp.resolve("unsigned.tgz");
    Tarball.write(copy, BundleBuilder.ROOT, Instant.EPOCH, unsigned);
    assertThat(BundleVerifier.verify(unsigned, null).problems())
        .anySatisfy(p -> assertThat(p).contains("no manifest.json.asc"));
  }

  @Test
  void repomdSignedByAnotherKeyIsRefused() throws Exception {
    Path repomd = www.resolve("zfs/repodata/repomd.xml");
    Files.delete(Path.of(repomd + ".asc"));
    vendor.detachSign(repomd); // not the operator key the definition trusts
    assertNothingBuilt(
        definition(GOOD_UPSTREAMS, "kmod-zfs-devel"), SignatureException.class, "repomd.xml.asc");
  }

  @Test
  void repomdWithoutSignatureIsRefusedWhenRepoGpgcheckIsOn() throws Exception {
    Files.delete(www.resolve("zfs/repodata/repomd.xml.asc"));
    assertNothingBuilt(
        definition(GOOD_UPSTREAMS, "kmod-zfs-devel"), SignatureException.class, "repo_gpgcheck");
  }

  @Test
  void aTamperedRepomdFailsItsSignature() throws Exception {
    Path repomd = www.resolve("zfs/repodata/repomd.xml");
    Files.writeString(repomd, Files.readString(repomd).replace("<revision>", "<revision>1"));
    assertNothingBuilt(
        definition(GOOD_UPSTREAMS, "kmod-zfs-devel"), SignatureException.class, "repomd.xml.asc");
  }

  @Test
  void aFlippedByteInAnRpmFailsItsSha256() throws Exception {
    Path rpm = www.resolve("zfs/Packages/kmod-zfs-devel-2.1.5-1.el9.x86_64.rpm");
    byte[] b = Files.readAllBytes(rpm);
    b[b.length / 2] ^= 1;
    Files.write(rpm, b);
    assertNothingBuilt(
        definition(GOOD_UPSTREAMS, "kmod-zfs-devel"),
        FetchException.class,
        "kmod-zfs-devel-2.1.5-1.el9.x86_64.rpm");
  }

  @Test
  void aPackageNotSignedByTheTrustedKeyIsRefusedNamingItsKeyId() throws Exception {
    // the vendor's repository now serves the rebuilder-signed original, and repodata to match
    Path signed = www.resolve("signed");
    Files.copy(
        RepoIndexerTest.elFixtures().resolve("rpms/bzip2-static-1.0.8-18.el9.x86_64.rpm"),
        signed.resolve("bzip2-static-1.0.8-18.el9.x86_64.rpm"),
        StandardCopyOption.REPLACE_EXISTING);
    run(List.of("createrepo_c", "--quiet", signed.toString()));
    assertNothingBuilt(
        definition(GOOD_UPSTREAMS, "bzip2-static"),
        SignatureException.class,
        "bzip2-static-1.0.8-18.el9.x86_64",
        "6C431928EF743B4C");
  }

  @Test
  void theRealRebuilderRepositoryIsRefusedWithoutItsKey() throws Exception {
    String ups = "  - {name: bzip2, suite: bzip2, keys: [keys/vendor.asc], repo_gpgcheck: true}\n";
    assertNothingBuilt(
        definition(ups, "bzip2-static"), SignatureException.class, "bzip2/repodata/repomd.xml.asc");
  }

  @Test
  void anUnknownPackageFailsResolution() throws Exception {
    assertNothingBuilt(
        definition(GOOD_UPSTREAMS, "no-such-package"),
        ResolutionException.class,
        "no-such-package");
  }

  private void assertNothingBuilt(Path def, Class<? extends Exception> type, String... inMessage)
      throws Exception {
    Path out = tmp.resolve("out-bad");
    var t = assertThatThrownBy(() -> build(def, out)).isInstanceOf(type);
    for (String s : inMessage) {
      t.hasMessageContaining(s);
    }
    if (Files.exists(out)) {
      try (Stream<Path> s = Files.list(out)) {
        assertThat(s).isEmpty();
      }
    }
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  public static String run(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C.UTF-8");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError(cmd + " failed:\n" + out);
    }
    return out;
  }

  @Test
  void aKeyFileThatIsNotAKeyFailsBeforeAnyRequest() throws Exception {
    Path def = definition(GOOD_UPSTREAMS, "kmod-zfs-devel");
    Files.writeString(tmp.resolve("def/keys/operator.asc"), "not a key\n");
    assertThatThrownBy(() -> build(def, tmp.resolve("out")))
        .isInstanceOfAny(SignatureException.class, IOException.class)
        .hasMessageContaining("operator.asc");
    assertThat(server.count("")).isZero();
  }

  @Test
  void aPrimaryExpandingPastItsRepomdOpenSizeIsRefused() throws Exception {
    Path repomd = www.resolve("signed/repodata/repomd.xml");
    String xml = Files.readString(repomd);
    int primary = xml.indexOf("<data type=\"primary\">");
    int open = xml.indexOf("<open-size>", primary);
    int end = xml.indexOf("</open-size>", open);
    Files.writeString(repomd, xml.substring(0, open) + "<open-size>100" + xml.substring(end));
    assertNothingBuilt(
        definition(GOOD_UPSTREAMS, "bzip2-static"),
        RpmMetadataException.class,
        "primary.xml",
        "expands to more than 100 bytes");
  }

  @Test
  void aCachedPrimaryEditedInPlaceIsFetchedAgainAndAnEditedRepomdIsNotBelieved() throws Exception {
    Path def = definition(GOOD_UPSTREAMS, "kmod-zfs-devel", "bzip2-static");
    build(def, tmp.resolve("a"));
    List<Path> primaries;
    try (Stream<Path> s = Files.walk(tmp.resolve("cache/rpm-md"))) {
      primaries = s.filter(p -> p.getFileName().toString().contains("primary")).toList();
    }
    assertThat(primaries).hasSize(2);
    for (Path p : primaries) {
      byte[] b = Files.readAllBytes(p);
      b[b.length / 2] ^= 1;
      Files.write(p, b); // in place, so the content-cache entry it is linked to changes too
    }
    try (Stream<Path> s = Files.walk(tmp.resolve("cache/rpm-md"))) {
      for (Path p : s.filter(p -> p.endsWith("repomd.xml")).toList()) {
        // a repomd.xml kept from the last build, edited: its checksums must not be believed
        Files.writeString(p, Files.readString(p).replaceAll("<open-size>\\d+", "<open-size>1"));
      }
    }
    int before = server.count("primary.xml.gz") + server.count("primary.xml.zst");
    BundleBuilder.Result r = build(def, tmp.resolve("b"));
    assertThat(server.count("primary.xml.gz") + server.count("primary.xml.zst"))
        .isEqualTo(before + 2);
    assertThat(BundleVerifier.verify(r.bundle(), null).problems()).isEmpty();
  }
}
