package io.pigsty.builder.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.files.Tarball;
import io.pigsty.builder.inventory.InventoryCases;
import io.pigsty.builder.inventory.InventoryException;
import io.pigsty.builder.inventory.InventoryLoader;
import io.pigsty.builder.inventory.PgMajorException;
import io.pigsty.repo.Digests;
import io.pigsty.repo.sign.BundleKey;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfiguratorTest {
  @TempDir Path tmp;
  Path root;
  FakeNode node;
  Path bundle;
  final List<String> lines = new ArrayList<>();
  String answer;

  /** The test bundles' key, pinned as the release's bundle-keys.txt would. */
  KeyPins pins = new KeyPins(Set.of(TestBundle.key().fingerprint()), "bundle-keys.txt");

  @BeforeEach
  void setUp() throws Exception {
    root = tmp.resolve("root");
    node = new FakeNode(root);
    bundle =
        TestBundle.build(tmp, "debian", "12", "amd64", TestBundle.standard(), List.of("server"));
  }

  Configurator configurator() {
    return new Configurator(
        node,
        new Configurator.Console() {
          @Override
          public void line(String text) {
            lines.add(text);
          }

          @Override
          public String ask(String prompt) {
            lines.add(prompt);
            return answer;
          }
        });
  }

  Configurator.Options opts(String mode, String ip, Path pkg) {
    return new Configurator.Options(
        mode,
        ip,
        pkg,
        true,
        tmp.resolve("home/pigsty.yml"),
        false,
        null,
        true,
        false,
        false,
        pins,
        null);
  }

  /** Every path under the root with its type, mode and content digest. */
  static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        String mode =
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        String what =
            Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                ? "d " + mode
                : "f " + mode + " " + Digests.sha256Hex(p);
        out.put(dir.relativize(p).toString(), what);
      }
    }
    return out;
  }

  /**
   * Runs the configurator expecting a failure of that kind, and checks nothing under the root
   * changed.
   */
  NodeException failsLeavingNodeAsItWas(Configurator.Options o, NodeException.Kind kind)
      throws Exception {
    Map<String, String> before = snapshot(root);
    NodeException e = Assertions.assertThrows(NodeException.class, () -> configurator().run(o));
    assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(Files.exists(o.output())).isFalse();
    assertThat(lines).last().asString().startsWith("[FAIL]");
    return e;
  }

  @Test
  void run_goodBundleOnAFittingNodeInstallsTheLocalRepo() throws Exception {
    Configurator.Outcome out = configurator().run(opts(null, null, bundle));
    assertThat(out.template()).isEqualTo("tiny");
    assertThat(out.ip()).isEqualTo("10.10.10.10");
    Path repo = root.resolve("www/pigsty");
    assertThat(repo.resolve("Packages")).exists();
    assertThat(repo.resolve("server_1.0-1_amd64.deb")).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(repo)))
        .isEqualTo("rwxr-xr-x");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(repo.resolve("InRelease"))))
        .isEqualTo("rw-r--r--");
    try (Stream<Path> s = Files.list(root.resolve("www"))) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactly("pigsty"); // no temp dir left
    }
    String src = Files.readString(root.resolve(LocalRepo.SOURCES));
    assertThat(src)
        .contains("URIs: file:/www/pigsty", "Suites: ./", "Signed-By: /www/pigsty/pigsty.gpg")
        .doesNotContain("trusted");
    // offline and -n: the other sources are moved aside, restorable
    assertThat(root.resolve("etc/apt/sources.list.d/debian.sources")).doesNotExist();
    assertThat(root.resolve(LocalRepo.BACKUP).resolve("sources.list.d/debian.sources")).exists();
    Path yml = tmp.resolve("home/pigsty.yml");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(yml)))
        .isEqualTo("rw-------");
    assertThat(InventoryLoader.load(yml, true).clusters().get(0).pgConf()).isEqualTo("tiny.yml");
    assertThat(lines)
        .contains(
            "[ OK ] kernel = Linux",
            "[ OK ] os = debian 12 (bookworm)",
            "[ OK ] ip = 10.10.10.10 (the only address)");
    assertThat(lines).last().isEqualTo("configure done, run 'make install'");
    assertThat(lines).noneMatch(l -> l.startsWith("[FAIL]"));
  }

  @Test
  void run_twiceReplacesTheRepoAndRunsAptUpdateWhenAsked() throws Exception {
    configurator().run(opts("demo", null, bundle));
    Configurator.Options o =
        new Configurator.Options(
            "oltp",
            null,
            bundle,
            false,
            tmp.resolve("home/pigsty.yml"),
            true,
            null,
            false,
            false,
            true,
            pins,
            null);
    node.online = true;
    Configurator.Outcome out = configurator().run(o);
    assertThat(out.template()).isEqualTo("oltp");
    assertThat(out.passwords()).hasSize(6);
    // the node lacks make, which 'make install' needs: it comes from the local repo
    assertThat(node.ran)
        .containsExactly(
            List.of("apt-get", "update"),
            List.of(
                "env",
                "DEBIAN_FRONTEND=noninteractive",
                "apt-get",
                "install",
                "-y",
                "--no-install-recommends",
                "make"));
    assertThat(lines).anyMatch(l -> l.contains("make installed from the local repo"));
    assertThat(lines).anyMatch(l -> l.startsWith("  all.vars.pg_admin_password = "));
    try (Stream<Path> s = Files.list(root.resolve("www"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("pigsty");
    }
  }

  Configurator.Options withFlags(Configurator.Options o, boolean generate, boolean force) {
    return new Configurator.Options(
        o.mode(),
        o.ip(),
        o.bundle(),
        o.nonInteractive(),
        o.output(),
        generate,
        o.inventory(),
        o.skipApt(),
        o.strict(),
        force,
        o.keys(),
        o.pgVersion());
  }

  List<Path> backups(Path yml) throws Exception {
    try (Stream<Path> s = Files.list(yml.getParent())) {
      return s.filter(p -> p.getFileName().toString().matches("pigsty\\.yml\\.[0-9-]+\\.bak"))
          .toList();
    }
  }

  @Test
  void run_secondRunKeepsAnEditedPigstyYmlAndStillInstallsTheRepo() throws Exception {
    Configurator.Options first = opts("demo", null, bundle);
    configurator().run(first);
    Path yml = first.output().toAbsolutePath();
    String edited = Files.readString(yml).replace("DBUser.Meta", "My.Own.Secret-1");
    assertThat(edited).contains("My.Own.Secret-1");
    Files.writeString(yml, edited);
    lines.clear();
    Files.delete(root.resolve(LocalRepo.SOURCES));

    Configurator.Outcome out =
        configurator().run(withFlags(opts("oltp", null, bundle), true, false));

    assertThat(Files.readString(yml)).isEqualTo(edited);
    assertThat(out.inventory()).isEqualTo(yml);
    assertThat(out.passwords()).isEmpty();
    assertThat(lines)
        .contains("[ OK ] config = " + yml + " (kept; --force to replace)")
        .anyMatch(l -> l.startsWith("[WARN] -m oltp and -g not applied: " + yml))
        .noneMatch(l -> l.contains("DEFAULT PASSWORDS"))
        .noneMatch(l -> l.startsWith("[FAIL]"));
    assertThat(lines).last().isEqualTo("configure done, run 'make install'");
    // the rest of configure went on: the apt source is written again
    assertThat(root.resolve(LocalRepo.SOURCES)).exists();
    assertThat(backups(yml)).isEmpty();
  }

  @Test
  void run_keptPigstyYmlThatIsBrokenFailsBeforeAnythingChanges() throws Exception {
    Path yml = tmp.resolve("home/pigsty.yml");
    Files.createDirectories(yml.getParent());
    String broken =
        Files.readString(InventoryCases.DEMO)
            .replace("pg_cluster: pg-meta", "pg_cluster: [pg-meta");
    Files.writeString(yml, broken);
    Map<String, String> before = snapshot(root);
    InventoryException e =
        Assertions.assertThrows(
            InventoryException.class, () -> configurator().run(opts(null, null, bundle)));
    assertThat(e).hasMessageContaining("pigsty.yml");
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(Files.readString(yml)).isEqualTo(broken);
    assertThat(lines).anyMatch(l -> l.startsWith("[FAIL] config = "));
    assertThat(lines).last().asString().contains("--force");
  }

  @Test
  void run_forceReplacesPigstyYmlAndLeavesA0600Backup() throws Exception {
    Configurator.Options first = opts("demo", null, bundle);
    configurator().run(first);
    Path yml = first.output().toAbsolutePath();
    String edited = Files.readString(yml).replace("DBUser.Meta", "My.Own.Secret-1");
    Files.writeString(yml, edited);
    lines.clear();

    configurator().run(withFlags(opts("demo", null, bundle), true, true));

    assertThat(Files.readString(yml)).doesNotContain("My.Own.Secret-1", "DBUser.Meta");
    List<Path> bak = backups(yml);
    assertThat(bak).hasSize(1);
    assertThat(Files.readString(bak.get(0))).isEqualTo(edited);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bak.get(0))))
        .isEqualTo("rw-------");
    assertThat(lines)
        .contains("[ OK ] config = " + yml + " (mode 0600)")
        .anyMatch(l -> l.startsWith("[ OK ] config backup = " + bak.get(0)));
  }

  @Test
  void run_defaultPasswordsWarnWithoutDashGAndNotWithIt() throws Exception {
    configurator().run(opts("demo", null, bundle));
    assertThat(lines)
        .anyMatch(
            l ->
                l.startsWith("[WARN] DEFAULT PASSWORDS: ")
                    && l.contains("published default passwords")
                    && l.contains("-g"));
    lines.clear();
    Files.delete(tmp.resolve("home/pigsty.yml"));
    configurator().run(withFlags(opts("demo", null, bundle), true, false));
    assertThat(lines).noneMatch(l -> l.contains("DEFAULT PASSWORDS"));
    assertThat(Files.readString(tmp.resolve("home/pigsty.yml"))).doesNotContain("DBUser.Meta");
  }

  @Test
  void run_bundleForAnotherReleaseIsATargetMismatch() throws Exception {
    Path d13 =
        TestBundle.build(tmp, "debian", "13", "amd64", TestBundle.standard(), List.of("server"));
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, null, d13), NodeException.Kind.BUNDLE_TARGET);
    assertThat(e).hasMessageContaining("debian 13 amd64").hasMessageContaining("debian 12 amd64");
  }

  @Test
  void run_bundleForAnotherArchIsATargetMismatch() throws Exception {
    Path arm =
        TestBundle.build(tmp, "debian", "12", "arm64", TestBundle.standard(), List.of("server"));
    failsLeavingNodeAsItWas(opts(null, null, arm), NodeException.Kind.BUNDLE_TARGET);
  }

  @Test
  void run_bundleWithOneFlippedByteIsInvalid() throws Exception {
    byte[] b = Files.readAllBytes(bundle);
    b[b.length / 2] ^= 0x01;
    Path bad = Files.write(tmp.resolve("flipped.tgz"), b);
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, null, bad), NodeException.Kind.BUNDLE_INVALID);
    assertThat(e).hasMessageContaining("flipped.tgz");
  }

  @Test
  void run_flippedByteInsideADebIsASha256Failure() throws Exception {
    Path src = Path.of(bundle.toString().replaceFirst("\\.tgz$", "")).resolve("pigsty");
    Path deb = src.resolve("libserver_1.2-1_amd64.deb");
    byte[] b = Files.readAllBytes(deb);
    b[0] ^= 0x01;
    Files.write(deb, b);
    Path bad = tmp.resolve("deb-flipped.tgz");
    Tarball.write(src, "pigsty", Instant.EPOCH, bad);
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, null, bad), NodeException.Kind.BUNDLE_INVALID);
    assertThat(e).hasMessageContaining("libserver_1.2-1_amd64.deb");
  }

  @Test
  void run_truncatedBundleIsInvalid() throws Exception {
    byte[] b = Files.readAllBytes(bundle);
    Path bad = Files.write(tmp.resolve("truncated.tgz"), Arrays.copyOf(b, b.length - 100));
    failsLeavingNodeAsItWas(opts(null, null, bad), NodeException.Kind.BUNDLE_INVALID);
  }

  @Test
  void run_missingBundleIsInvalidAndSaysWhereToPutIt() throws Exception {
    NodeException e =
        failsLeavingNodeAsItWas(
            opts(null, null, tmp.resolve("nope.tgz")), NodeException.Kind.BUNDLE_INVALID);
    assertThat(e).hasMessageContaining("nope.tgz not found");
  }

  @Test
  void run_tarEntriesThatWouldLandOutsideWwwAreRefused() throws Exception {
    for (String kind : List.of("dotdot", "absolute", "symlink")) {
      Path bad = TestBundle.withHostileEntry(bundle, tmp.resolve(kind + ".tgz"), kind);
      NodeException e =
          failsLeavingNodeAsItWas(opts(null, null, bad), NodeException.Kind.UNSAFE_ENTRY);
      assertThat(e).as(kind).hasMessageContaining("evil");
    }
    assertThat(root.resolve("etc/evil")).doesNotExist();
    assertThat(tmp.resolve("etc/evil")).doesNotExist();
  }

  @Test
  void run_devicesFifosAndDuplicateEntriesAreRefusedNamingTheEntry() throws Exception {
    for (String kind : List.of("chardev", "blockdev", "fifo", "duplicate")) {
      Path bad = TestBundle.withHostileEntry(bundle, tmp.resolve(kind + ".tgz"), kind);
      NodeException e =
          failsLeavingNodeAsItWas(opts(null, null, bad), NodeException.Kind.UNSAFE_ENTRY);
      assertThat(e)
          .as(kind)
          .hasMessageContaining(kind.equals("duplicate") ? "'pigsty/./Packages'" : "'pigsty/evil'");
    }
  }

  @Test
  void extract_refusesDevicesFifosAndDuplicatesEvenWithoutVerification() throws Exception {
    for (String kind : List.of("chardev", "blockdev", "fifo", "duplicate")) {
      Path bad = TestBundle.withHostileEntry(bundle, tmp.resolve("x-" + kind + ".tgz"), kind);
      Map<String, String> before = snapshot(root);
      assertThatThrownBy(() -> LocalRepo.extract(bad, root.resolve("www")))
          .as(kind)
          .isInstanceOfSatisfying(
              NodeException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(NodeException.Kind.UNSAFE_ENTRY);
                assertThat(e).hasMessageContaining(kind.equals("duplicate") ? "twice" : "is a");
              });
      assertThat(snapshot(root)).isEqualTo(before);
    }
  }

  @Test
  void extract_refusesAHostileEntryEvenWithoutVerification() throws Exception {
    Path bad = TestBundle.withHostileEntry(bundle, tmp.resolve("dd.tgz"), "dotdot");
    Map<String, String> before = snapshot(root);
    assertThatThrownBy(() -> LocalRepo.extract(bad, root.resolve("www")))
        .isInstanceOfSatisfying(
            NodeException.class,
            e -> assertThat(e.kind()).isEqualTo(NodeException.Kind.UNSAFE_ENTRY));
    assertThat(snapshot(root)).isEqualTo(before);
  }

  @Test
  void run_bundleResignedConsistentlyWithAnotherKeyIsUntrusted() throws Exception {
    BundleKey other = BundleKey.generate("Someone else", Instant.parse("2024-01-01T00:00:00Z"));
    Path resigned =
        TestBundle.build(
            tmp, "debian", "12", "amd64", TestBundle.standard(), List.of("server"), other);
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, null, resigned), NodeException.Kind.BUNDLE_UNTRUSTED);
    assertThat(e)
        .hasMessageContaining(resigned.toString())
        .hasMessageContaining("signed by " + other.fingerprint())
        .hasMessageContaining(TestBundle.key().fingerprint())
        .hasMessageContaining("bundle-keys.txt");
    assertThat(NodeException.Kind.BUNDLE_UNTRUSTED.exitCode).isEqualTo(34);
  }

  @Test
  void run_noPinnedKeyIsRefusedUnlessAnyKeyIsAccepted() throws Exception {
    pins = null;
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.BUNDLE_UNTRUSTED);
    assertThat(e).hasMessageContaining("--key").hasMessageContaining("--insecure-any-key");
    pins = KeyPins.anyKey();
    configurator().run(opts(null, null, bundle));
    assertThat(lines)
        .anyMatch(
            l ->
                l.startsWith("[WARN] bundle: signed by " + TestBundle.key().fingerprint())
                    && l.contains("not pinned"));
    assertThat(root.resolve("www/pigsty/Packages")).exists();
  }

  @Test
  void run_goodBundleSaysWhichPinTrustedIt() throws Exception {
    configurator().run(opts(null, null, bundle));
    assertThat(lines)
        .anyMatch(
            l ->
                l.startsWith("[ OK ] bundle = " + bundle)
                    && l.contains("signature by " + TestBundle.key().fingerprint())
                    && l.endsWith("pinned by bundle-keys.txt)"));
  }

  @Test
  void run_bundleWritableByGroupOrOthersIsRefusedNamingIt() throws Exception {
    for (String mode : List.of("rw-rw-rw-", "rw-rw----", "rw-r---w-")) {
      Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString(mode));
      NodeException e =
          failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.BUNDLE_INVALID);
      assertThat(e)
          .as(mode)
          .hasMessageContaining(bundle.toString())
          .hasMessageContaining("group- or world-writable");
    }
    Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(configurator().run(opts(null, null, bundle)).template()).isEqualTo("tiny");
  }

  @Test
  void run_bundleOwnedByAnotherUserIsRefusedNamingIt() throws Exception {
    Assumptions.assumeTrue(
        (Integer) Files.getAttribute(tmp, "unix:uid") == 0, "needs root to give a file away");
    Files.setAttribute(bundle, "unix:uid", 4242);
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.BUNDLE_INVALID);
    assertThat(e).hasMessageContaining(bundle.toString()).hasMessageContaining("uid 4242");
  }

  @Test
  void run_aSymlinkToAGoodBundleIsFollowed() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("pkg.tgz"), bundle);
    assertThat(configurator().run(opts(null, null, link)).template()).isEqualTo("tiny");
  }

  /** Packages of the bundle's source tree (TestBundle keeps it next to the .tgz). */
  static byte[] packagesOf(Path tgz) throws Exception {
    return Files.readAllBytes(
        Path.of(tgz.toString().replaceFirst("\\.tgz$", "")).resolve("pigsty/Packages"));
  }

  @Test
  void run_originalReplacedAfterTheCopyStillInstallsTheVerifiedContent() throws Exception {
    // another bundle signed by the same pinned key, with one more package
    List<TestBundle.Pkg> more = new ArrayList<>(TestBundle.standard());
    more.add(new TestBundle.Pkg("evil", "6.6-6", null));
    Path swapped = TestBundle.build(tmp, "debian", "12", "amd64", more, List.of("server"));
    byte[] verified = packagesOf(bundle);
    assertThat(packagesOf(swapped)).isNotEqualTo(verified);
    Configurator c = configurator();
    c.afterBundleCopied =
        () -> {
          try {
            Files.copy(swapped, bundle, StandardCopyOption.REPLACE_EXISTING);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    c.run(opts(null, null, bundle));
    assertThat(root.resolve("www/pigsty/Packages")).hasBinaryContent(verified);
    assertThat(root.resolve("www/pigsty/evil_6.6-6_amd64.deb")).doesNotExist();
    assertThat(root.resolve(IncomingBundle.PARENT)).doesNotExist(); // the copy is removed
  }

  @Test
  void run_originalDeletedAfterTheCopyStillInstalls() throws Exception {
    Configurator c = configurator();
    c.afterBundleCopied =
        () -> {
          try {
            Files.delete(bundle);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    c.run(opts(null, null, bundle));
    assertThat(root.resolve("www/pigsty/server_1.0-1_amd64.deb")).exists();
    assertThat(root.resolve(IncomingBundle.PARENT)).doesNotExist();
  }

  @Test
  void run_privateCopyIsMode0700AndRemovedAfterAFailure() throws Exception {
    Files.createDirectories(root.resolve(IncomingBundle.PARENT));
    List<String> seen = new ArrayList<>();
    Configurator c = configurator();
    c.afterBundleCopied =
        () -> {
          try (Stream<Path> s = Files.list(root.resolve(IncomingBundle.PARENT))) {
            for (Path d : s.toList()) {
              seen.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    node.machine = "aarch64"; // the amd64 bundle then fails its target check after the copy
    Assertions.assertThrows(NodeException.class, () -> c.run(opts(null, null, bundle)));
    assertThat(seen).containsExactly("rwx------");
    try (Stream<Path> s = Files.list(root.resolve(IncomingBundle.PARENT))) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void run_unknownTemplate() throws Exception {
    NodeException e =
        failsLeavingNodeAsItWas(opts("huge", null, bundle), NodeException.Kind.UNKNOWN_TEMPLATE);
    assertThat(e).hasMessageContaining("'huge'");
  }

  @Test
  void run_malformedPigstyYmlGivenWithDashC() throws Exception {
    Path conf = tmp.resolve("mine.yml");
    Files.writeString(
        conf,
        Files.readString(InventoryCases.DEMO)
            .replace("pg_cluster: pg-meta", "pg_cluster: [pg-meta"));
    Configurator.Options o =
        new Configurator.Options(
            null,
            null,
            bundle,
            true,
            tmp.resolve("home/pigsty.yml"),
            false,
            conf,
            true,
            false,
            false,
            pins,
            null);
    Map<String, String> before = snapshot(root);
    InventoryException e =
        Assertions.assertThrows(InventoryException.class, () -> configurator().run(o));
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(lines).last().asString().startsWith("[FAIL] config = ");
    assertThat(e).hasMessageMatching("(?s).*mine\\.yml:\\d+: malformed YAML.*");
  }

  @Test
  void run_ipTheNodeDoesNotHave() throws Exception {
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, "10.9.9.9", bundle), NodeException.Kind.IP);
    assertThat(e).hasMessageContaining("10.9.9.9").hasMessageContaining("it has 10.10.10.10");
  }

  @Test
  void run_ipPrefersTheSandboxAddressAndAsksOtherwise() throws Exception {
    node.addresses.add(new NodeFacts.Address("192.168.1.7", "eth1"));
    assertThat(configurator().chooseIp(null, true)).isEqualTo("10.10.10.10");
    node.addresses.remove(0);
    node.addresses.add(new NodeFacts.Address("172.16.0.2", "eth2"));
    answer = "172.16.0.2";
    assertThat(configurator().chooseIp(null, false)).isEqualTo("172.16.0.2");
    NodeException e = failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.IP);
    assertThat(e).hasMessageContaining("several candidates").hasMessageContaining("-i");
  }

  @Test
  void run_notRootAndNoSudo() throws Exception {
    node.root_ = false;
    node.sudo = false;
    failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.NO_ROOT);
    node.sudo = true;
    assertThat(configurator().run(opts(null, null, bundle)).template()).isEqualTo("tiny");
    assertThat(lines).contains("[ OK ] sudo = passwordless");
  }

  @Test
  void run_platformChecksEachHaveTheirKind() throws Exception {
    node.kernel = "Darwin";
    failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.NOT_LINUX);
    node.kernel = "Linux";
    node.machine = "riscv64";
    failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.UNSUPPORTED_ARCH);
    node.machine = "x86_64";
    node.commands.remove("apt-get");
    failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.NO_PACKAGE_MANAGER);
    node.commands.add("apt-get");
    node.free = 1 << 20;
    failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.NO_SPACE);
    node.free = 100L << 30;
    Files.writeString(root.resolve("etc/os-release"), "ID=rocky\nVERSION_ID=\"9.3\"\n");
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.UNSUPPORTED_OS);
    assertThat(e).hasMessageContaining("rocky 9.3");
  }

  @Test
  void run_debian13NodeWithATrixieBundle_isConfiguredWithPg17() throws Exception {
    Files.writeString(
        root.resolve("etc/os-release"),
        "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nNAME=\"Debian GNU/Linux\"\n"
            + "VERSION_ID=\"13\"\nVERSION=\"13 (trixie)\"\nVERSION_CODENAME=trixie\nID=debian\n");
    Path trixie =
        TestBundle.build(
            tmp,
            "debian",
            "13",
            "amd64",
            TestBundle.standard(17),
            List.of("server"),
            TestBundle.key(),
            List.of(17));

    Configurator.Outcome out = configurator().run(opts(null, null, trixie));

    assertThat(lines).contains("[ OK ] os = debian 13 (trixie)");
    assertThat(InventoryLoader.load(out.inventory(), true).clusters().get(0).pgVersion())
        .isEqualTo(17);
  }

  @Test
  void run_debian12BundleOnADebian13Node_isRefusedAsAnotherTarget() throws Exception {
    Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"13\"\n");
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.BUNDLE_TARGET);
    assertThat(e)
        .hasMessageContaining("bundle target = debian 12 amd64, but this node is debian 13");
  }

  @Test
  void run_debianReleaseWithoutARowInTheOsTable_isRefusedNamingTheSupportedOnes() throws Exception {
    Files.writeString(
        root.resolve("etc/os-release"),
        "ID=debian\nVERSION_ID=\"11\"\nVERSION_CODENAME=bullseye\n");
    NodeException e =
        failsLeavingNodeAsItWas(opts(null, null, bundle), NodeException.Kind.UNSUPPORTED_OS);
    assertThat(e)
        .hasMessage(
            "os = debian 11: not supported; expected one of debian 12, debian 13 (the releases of"
                + " the node OS table, bundles/os.yml)");
    assertThat(Configurator.SUPPORTED).containsExactly("debian 12", "debian 13");
  }

  @Test
  void run_installedLibc6NewerThanTheBundlePinsIsAPreflightConflict() throws Exception {
    Files.writeString(
        root.resolve("var/lib/dpkg/status"), FakeNode.status("libc6", "2.36-9+deb12u14"));
    Path b =
        TestBundle.build(
            tmp,
            "debian",
            "12",
            "amd64",
            List.of(
                new TestBundle.Pkg("libc6", "2.36-9+deb12u4", null),
                new TestBundle.Pkg(
                    "libc6-dev",
                    "2.36-9+deb12u4",
                    "libc6 (= 2.36-9+deb12u4), libc-dev-bin (= 2.36-9+deb12u4)"),
                new TestBundle.Pkg("libc-dev-bin", "2.36-9+deb12u4", "libc6 (>> 2.36)")),
            List.of("libc6-dev"));
    NodeException e = failsLeavingNodeAsItWas(opts(null, null, b), NodeException.Kind.PREFLIGHT);
    assertThat(e)
        .hasMessageContaining("libc6-dev 2.36-9+deb12u4 needs libc6 (= 2.36-9+deb12u4)")
        .hasMessageContaining("installed libc6 2.36-9+deb12u14");
  }

  Configurator.Options withPgVersion(Configurator.Options o, Path conf, Integer pgVersion) {
    return new Configurator.Options(
        o.mode(),
        o.ip(),
        o.bundle(),
        o.nonInteractive(),
        o.output(),
        o.generatePasswords(),
        conf,
        o.skipApt(),
        o.strict(),
        o.force(),
        o.keys(),
        pgVersion);
  }

  /** Runs expecting exit 36, and checks nothing under the root and no pigsty.yml was written. */
  PgMajorException refusedPgMajor(Configurator.Options o) throws Exception {
    Map<String, String> before = snapshot(root);
    PgMajorException e =
        Assertions.assertThrows(PgMajorException.class, () -> configurator().run(o));
    assertThat(e.exitCode()).isEqualTo(36);
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(root.resolve("www/pigsty")).doesNotExist();
    assertThat(root.resolve(LocalRepo.SOURCES)).doesNotExist();
    assertThat(o.output()).doesNotExist();
    assertThat(lines).last().asString().startsWith("[FAIL]");
    return e;
  }

  @Test
  void run_pgVersion16InPigstyYmlAgainstAPg15BundleStopsBeforeAnythingIsWritten() throws Exception {
    Path conf = tmp.resolve("mine.yml");
    Files.writeString(
        conf, Files.readString(InventoryCases.DEMO).replace("pg_version: 15", "pg_version: 16"));
    PgMajorException e = refusedPgMajor(withPgVersion(opts(null, null, bundle), conf, null));
    assertThat(e)
        .hasMessageContaining(
            "mine.yml:9: all.children.pg-meta.vars.pg_version: 16, but the bundle carries"
                + " PostgreSQL 15 only (manifest.json of "
                + bundle)
        .hasMessageContaining("the bundle lacks postgresql-16, postgresql-client-16");
    assertThat(lines).anyMatch(l -> l.startsWith("[FAIL] ") && l.contains("pg_version: 16"));
  }

  @Test
  void run_keptPigstyYmlAskingAMajorTheBundleLacksIsRefusedToo() throws Exception {
    Path yml = tmp.resolve("home/pigsty.yml");
    Files.createDirectories(yml.getParent());
    Files.writeString(
        yml, Files.readString(InventoryCases.DEMO).replace("pg_version: 15", "pg_version: 17"));
    Map<String, String> before = snapshot(root);
    String kept = Files.readString(yml);
    PgMajorException e =
        Assertions.assertThrows(
            PgMajorException.class, () -> configurator().run(opts(null, null, bundle)));
    assertThat(e).hasMessageContaining("pigsty.yml:9: all.children.pg-meta.vars.pg_version: 17");
    assertThat(snapshot(root)).isEqualTo(before);
    assertThat(yml).hasContent(kept);
  }

  @Test
  void run_dashVNamingAMajorTheBundleLacksIsRefusedNamingTheMajorsItHas() throws Exception {
    PgMajorException e = refusedPgMajor(withPgVersion(opts("demo", null, bundle), null, 16));
    assertThat(e)
        .hasMessageContaining("pg_version = 16 (-v)")
        .hasMessageContaining("carries PostgreSQL 15 only")
        .hasMessageContaining("give -v 15");
  }

  @Test
  void run_templateGetsTheBundlesPgMajor() throws Exception {
    Path b17 =
        TestBundle.build(
            tmp,
            "debian",
            "12",
            "amd64",
            TestBundle.standard(17),
            List.of("server"),
            TestBundle.key(),
            List.of(17));
    configurator().run(opts("demo", null, b17));
    Path yml = tmp.resolve("home/pigsty.yml");
    assertThat(InventoryLoader.load(yml, true).clusters().get(0).pgVersion()).isEqualTo(17);
    assertThat(Files.readString(yml)).contains("pg_version: 17").doesNotContain("$pg_major");
    assertThat(lines).contains("[ OK ] pg_version = 17 (the bundle's pg_major)");
  }

  @Test
  void run_dashVNamingTheBundlesMajorIsRendered() throws Exception {
    configurator().sshCheck(false).run(withPgVersion(opts("demo4", null, bundle), null, 15));
    Path yml = tmp.resolve("home/pigsty.yml");
    assertThat(InventoryLoader.load(yml, true).clusters())
        .extracting(c -> c.pgVersion())
        .containsOnly(15);
    assertThat(lines).contains("[ OK ] pg_version = 15 (-v)");
  }

  @Test
  void run_dashVPicksOneOfTheMajorsOfABundleThatCarriesSeveral() throws Exception {
    Path several =
        TestBundle.build(
            tmp,
            "debian",
            "12",
            "amd64",
            TestBundle.standard(17, 16),
            List.of("server"),
            TestBundle.key(),
            List.of(17, 16));
    PgMajorException e = refusedPgMajor(withPgVersion(opts("demo", null, several), null, 15));
    assertThat(e)
        .hasMessageContaining("carries PostgreSQL 17, 16 (")
        .hasMessageContaining("give -v 17 or -v 16");
    lines.clear();
    configurator().run(withPgVersion(opts("demo", null, several), null, 16));
    Path yml = tmp.resolve("home/pigsty.yml");
    assertThat(InventoryLoader.load(yml, true).clusters().get(0).pgVersion()).isEqualTo(16);
    assertThat(lines).contains("[ OK ] pg_version = 16 (-v)");
  }

  @Test
  void run_bundleLackingAnExtensionPackageOfTheInventoryIsAPreflightFailureNamingIt()
      throws Exception {
    List<TestBundle.Pkg> noPostgis =
        TestBundle.standard().stream().filter(p -> !p.name().contains("postgis")).toList();
    Path b = TestBundle.build(tmp, "debian", "12", "amd64", noPostgis, List.of("server"));
    NodeException e = failsLeavingNodeAsItWas(opts("demo", null, b), NodeException.Kind.PREFLIGHT);
    assertThat(e)
        .hasMessageContaining("the bundle lacks 1 package(s) the inventory asks for")
        .hasMessageContaining("postgresql-15-postgis-3 (pg-meta: meta extension postgis)");
  }
}
