package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.configure.HostFacts;
import io.pigsty.builder.configure.NodeException;
import io.pigsty.builder.configure.NodeTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigureCommandTest {
  @TempDir Path tmp;

  static MainTest.Run run(String... args) {
    return MainTest.run(args);
  }

  @AfterEach
  void restoreFacts() {
    ConfigureCommand.facts = HostFacts::new;
    System.clearProperty("pigsty.home");
  }

  static void fakeDebian12() {
    ConfigureCommand.facts =
        p -> {
          try {
            return NodeTestSupport.debian12(p);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
  }

  @Test
  void everyConfigureFailureHasItsOwnCodeFrom20() {
    Set<Integer> codes = new HashSet<>();
    for (NodeException.Kind k : NodeException.Kind.values()) {
      ExitCode c = ExitCode.of(new NodeException(k, "x"));
      assertThat(c.code).as(k.name()).isGreaterThanOrEqualTo(20);
      assertThat(codes.add(c.code)).as(k + " has a code of its own").isTrue();
    }
    assertThat(ExitCode.of(new NodeException(NodeException.Kind.NOT_LINUX, "x")).code)
        .isEqualTo(20);
    assertThat(ExitCode.of(new NodeException(NodeException.Kind.UNSAFE_ENTRY, "x")).code)
        .isEqualTo(30);
  }

  MainTest.Run configure(Path root, String... extra) {
    String[] base = {
      "configure",
      "--root",
      root.toString(),
      "--skip-apt",
      "-n",
      "-o",
      tmp.resolve("out/pigsty.yml").toString()
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return run(all);
  }

  @Test
  void configure_goodBundleExitsZeroAndEndsWithTheNextStep() throws Exception {
    Path root = tmp.resolve("root");
    ConfigureCommand.facts =
        p -> {
          try {
            return NodeTestSupport.debian12(p);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    Path pkg = NodeTestSupport.bundle(tmp, "debian", "12", "amd64");
    MainTest.Run r =
        configure(
            root,
            "-p",
            pkg.toString(),
            "-m",
            "demo",
            "--key",
            NodeTestSupport.bundleKeyFingerprint());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("[ OK ] template = demo (-m)")
        .endsWith("configure done, run 'make install'\n");
    assertThat(root.resolve("www/pigsty/InRelease")).exists();
  }

  @Test
  void configure_checksSshToTheOtherNodesWithTheAdminKeyAndNamesTheOnesItCannotReach()
      throws Exception {
    Path root = tmp.resolve("root");
    ConfigureCommand.facts =
        p -> {
          try {
            return NodeTestSupport.debian12(p);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    Path pkg = NodeTestSupport.bundle(tmp, "debian", "12", "amd64");
    // a second node on loopback (127.0.0.2, port 22, where nothing listens here): refused at once
    String meta = "meta: {hosts: {10.10.10.10: {meta_node: true}}}\n";
    Path inv = Files.createDirectories(tmp.resolve("inv")).resolve("pigsty.yml");
    Files.writeString(
        inv,
        io.pigsty.builder.inventory.InventoryCases.demo()
            .replace(
                meta,
                meta
                    + "    etcd: {hosts: {10.10.10.10: {etcd_seq: 1}, 127.0.0.2: {etcd_seq: 2}}}\n"));
    String fpr = NodeTestSupport.bundleKeyFingerprint();
    MainTest.Run r = configure(root, "-p", pkg.toString(), "--key", fpr, "-c", inv.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(35);
    assertThat(r.out())
        .contains("[ OK ] admin key = created admin key " + root.resolve("root/.ssh/id_ed25519"))
        .contains("[FAIL] ssh = root@127.0.0.2:22: ");
    assertThat(r.err()).contains("cannot log in to 127.0.0.2 with the admin key");
    assertThat(r.out()).doesNotContain("root@10.10.10.10");
    assertThat(root.resolve("root/.ssh/id_ed25519")).exists();
    assertThat(Files.readString(root.resolve("root/.ssh/authorized_keys")))
        .startsWith("ssh-ed25519 ");

    MainTest.Run skip =
        configure(root, "-p", pkg.toString(), "--key", fpr, "-c", inv.toString(), "--no-ssh-check");
    assertThat(skip.code()).as(skip.out() + skip.err()).isZero();
    assertThat(skip.out()).contains("[WARN] ssh to 127.0.0.2 not checked (--no-ssh-check)");
  }

  @Test
  void configure_badInputsExitWithTheirCodes() throws Exception {
    Path root = tmp.resolve("root");
    ConfigureCommand.facts =
        p -> {
          try {
            return NodeTestSupport.debian12(p);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    Path d12 = NodeTestSupport.bundle(tmp, "debian", "12", "amd64");
    Path d13 = NodeTestSupport.bundle(tmp, "debian", "13", "amd64");
    releaseHome(NodeTestSupport.bundleKeyFingerprint());
    MainTest.Run wrongRelease = configure(root, "-p", d13.toString());
    assertThat(wrongRelease.code()).isEqualTo(27);
    assertThat(wrongRelease.out()).contains("[FAIL] bundle target = debian 13 amd64");
    assertThat(configure(root, "-p", d12.toString(), "-m", "nope").code()).isEqualTo(25);
    assertThat(configure(root, "-p", d12.toString(), "-i", "192.0.2.1").code()).isEqualTo(24);
    Path conf = Files.writeString(tmp.resolve("bad.yml"), "all:\n  children: [\n");
    MainTest.Run bad = configure(root, "-p", d12.toString(), "-c", conf.toString());
    assertThat(bad.code()).isEqualTo(29);
    assertThat(bad.err()).contains("bad.yml:");
    byte[] b = Files.readAllBytes(d12);
    Path cut = Files.write(tmp.resolve("cut.tgz"), Arrays.copyOf(b, b.length / 2));
    assertThat(configure(root, "-p", cut.toString()).code()).isEqualTo(26);
    assertThat(root.resolve("www")).doesNotExist();
    assertThat(tmp.resolve("out/pigsty.yml")).doesNotExist();
  }

  /** A release directory whose bundle-keys.txt pins these lines, as pigsty.home. */
  Path releaseHome(String... lines) throws Exception {
    Path home = Files.createDirectories(tmp.resolve("release/pigsty"));
    Files.writeString(
        home.resolve("bundle-keys.txt"), "# pinned\n" + String.join("\n", lines) + "\n");
    System.setProperty("pigsty.home", home.toString());
    return home;
  }

  @Test
  void configure_theReleasesBundleKeysTxtPinsTheKey() throws Exception {
    fakeDebian12();
    Path pkg = NodeTestSupport.bundle(tmp, "debian", "12", "amd64");
    releaseHome("0".repeat(40));
    MainTest.Run other = configure(tmp.resolve("root"), "-p", pkg.toString());
    assertThat(other.code()).as(other.out() + other.err()).isEqualTo(34);
    assertThat(other.out())
        .contains(
            "[FAIL] bundle: " + pkg + " is signed by " + NodeTestSupport.bundleKeyFingerprint())
        .contains("bundle-keys.txt");
    assertThat(tmp.resolve("root/www")).doesNotExist();
    releaseHome(NodeTestSupport.bundleKeyFingerprint());
    MainTest.Run ok = configure(tmp.resolve("root"), "-p", pkg.toString());
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("pinned by " + tmp.resolve("release/pigsty/bundle-keys.txt"));
  }

  /**
   * Our .deb and .rpm carry the pin as the release does: configure installed from them (the
   * package's files unpacked by dpkg-deb and rpm2archive, {@code pigsty.home} set to the prefix as
   * the wrapper and the installed configure set it) finds {@code bundle-keys.txt}, accepts the
   * pinned bundle and refuses one signed by another key (exit 34) before touching anything.
   */
  @Test
  void configure_installedFromOurDebOrRpm_findsThePinnedKey() throws Exception {
    fakeDebian12();
    Path pkg = NodeTestSupport.bundle(tmp, "debian", "12", "amd64");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("pigsty.jar"), "jar\n");
    Files.writeString(tree.resolve("configure"), "#!/bin/sh\n");
    Files.writeString(tree.resolve("Makefile"), "all:\n");
    for (String format : List.of("deb", "rpm")) {
      // the test key is made per run: its fingerprint may start with 0 too
      String other = "0".repeat(40);
      for (String pin : List.of(other, NodeTestSupport.bundleKeyFingerprint())) {
        String which = pin.equals(other) ? "other" : "pinned";
        Files.writeString(tree.resolve("bundle-keys.txt"), pin + "\n");
        Path dist = tmp.resolve("dist-" + format);
        MainTest.Run built =
            run(
                "package",
                format,
                "--version",
                "4.0.0",
                "--from",
                tree.toString(),
                "-o",
                dist.toString());
        assertThat(built.code()).as(built.err()).isZero();
        Path inst = tmp.resolve("inst-" + format + "-" + which);
        Files.createDirectories(inst);
        if (format.equals("deb")) {
          exec("dpkg-deb", "-x", dist.resolve("pigsty_4.0.0_all.deb").toString(), inst.toString());
        } else {
          exec(
              "sh",
              "-c",
              "rpm2archive - <\"$1\" | tar -xzf - -C \"$2\"",
              "sh",
              dist.resolve("pigsty-4.0.0-1.noarch.rpm").toString(),
              inst.toString());
        }
        Path home = inst.resolve("usr/share/pigsty");
        assertThat(Files.readString(home.resolve("bundle-keys.txt"))).isEqualTo(pin + "\n");
        assertThat(Files.readString(inst.resolve("usr/bin/pigsty")))
            .contains("-Dpigsty.home=\"$PREFIX\"", "PREFIX=/usr/share/pigsty");
        System.setProperty("pigsty.home", home.toString());
        Path root = tmp.resolve("root-" + format + "-" + which);
        MainTest.Run r = configure(root, "-p", pkg.toString());
        if (pin.equals(other)) {
          assertThat(r.code()).as(format + "\n" + r.out() + r.err()).isEqualTo(34);
          assertThat(r.out()).contains("bundle-keys.txt");
          assertThat(root.resolve("www")).doesNotExist();
        } else {
          assertThat(r.code()).as(format + "\n" + r.out() + r.err()).isZero();
          assertThat(r.out()).contains("pinned by " + home.resolve("bundle-keys.txt"));
        }
        Files.deleteIfExists(tmp.resolve("out/pigsty.yml"));
      }
    }
  }

  private static void exec(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
  }

  @Test
  void configure_keyOptionTakesAFingerprintAKeyFileOrAFingerprintList() throws Exception {
    fakeDebian12();
    Path pkg = NodeTestSupport.bundle(tmp, "debian", "12", "amd64");
    releaseHome("0".repeat(40)); // --key wins over the release's file
    Path keyFile = Files.write(tmp.resolve("pigsty.gpg"), NodeTestSupport.bundleKeyring());
    Path list =
        Files.writeString(
            tmp.resolve("keys.txt"), NodeTestSupport.bundleKeyFingerprint().toLowerCase() + "\n");
    for (String key :
        List.of(NodeTestSupport.bundleKeyFingerprint(), keyFile.toString(), list.toString())) {
      MainTest.Run r = configure(tmp.resolve("root"), "-p", pkg.toString(), "--key", key);
      assertThat(r.code()).as(key + ": " + r.out() + r.err()).isZero();
    }
    MainTest.Run wrong =
        configure(tmp.resolve("root"), "-p", pkg.toString(), "--key", "1".repeat(40));
    assertThat(wrong.code()).isEqualTo(34);
    MainTest.Run bad = configure(tmp.resolve("root"), "-p", pkg.toString(), "--key", "nope");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("nope");
  }

  @Test
  void configure_withoutAnyPinExits34UnlessInsecureAnyKey() throws Exception {
    fakeDebian12();
    Path pkg = NodeTestSupport.bundle(tmp, "debian", "12", "amd64");
    MainTest.Run r = configure(tmp.resolve("root"), "-p", pkg.toString());
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(34);
    assertThat(r.out()).contains("[FAIL] bundle: no key is pinned");
    assertThat(tmp.resolve("root/www")).doesNotExist();
    MainTest.Run any = configure(tmp.resolve("root"), "-p", pkg.toString(), "--insecure-any-key");
    assertThat(any.code()).as(any.out() + any.err()).isZero();
    assertThat(any.out()).contains("[WARN] bundle: signed by", "not pinned");
  }

  @Test
  void configure_notRootAndNoSudoExits23() throws Exception {
    ConfigureCommand.facts =
        p -> {
          try {
            return NodeTestSupport.unprivileged(p);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    MainTest.Run r =
        configure(
            tmp.resolve("root"),
            "-p",
            NodeTestSupport.bundle(tmp, "debian", "12", "amd64").toString());
    assertThat(r.code()).isEqualTo(23);
    assertThat(r.out()).contains("[FAIL] not root and 'sudo -n true' fails");
  }

  static Path script() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("configure"))) {
      p = p.getParent();
    }
    assertThat(p).as("the project's configure script").isNotNull();
    return p.resolve("configure");
  }

  static MainTest.Run sh(List<String> cmd, String path) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("PIGSTY_CLASSPATH", System.getProperty("java.class.path"));
    if (path != null) {
      pb.environment().put("PATH", path);
    }
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new MainTest.Run(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void configureScript_helpRunsJavaAndListsFlagsAndExitCodes() throws Exception {
    MainTest.Run r = sh(List.of("sh", script().toString(), "--help"), null);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "-m, --mode=TEMPLATE",
            "-i, --ip=IP",
            "-p, --pkg=PKG",
            "-n, --non-interactive",
            "-o, --output=FILE",
            "-g, --generate",
            "27   configure: bundle is for another OS",
            "34   configure: bundle signed by a key not pinned (--key or bundle-keys.txt)",
            "--key=FPR|FILE",
            "--insecure-any-key")
        .doesNotContain("--root", "--skip-apt");
  }

  @Test
  void configureScript_javaOlderThan17ExitsTenSayingWhatToInstall() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.21\" 2023-10-17' >&2\n");
    java.toFile().setExecutable(true);
    MainTest.Run r = sh(List.of("sh", script().toString(), "--help"), bin + ":/usr/bin:/bin");
    assertThat(r.code()).isEqualTo(10);
    assertThat(r.err())
        .contains("found java 11, need 17 or newer")
        .contains("openjdk-17-jre-headless");
  }
}
