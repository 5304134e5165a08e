package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.bundle.deb.RepoIndexerTest;
import io.pigsty.builder.bundle.rpm.StaticServer;
import io.pigsty.repo.sign.BundleKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pigsty resolve} and {@code pigsty build} on an rpm definition whose upstreams are the real
 * CentOS Stream 9 BaseOS and AppStream repodata, served on 127.0.0.1 (metadata only: the fixtures
 * hold no RPM files for them).
 */
class RpmResolveCommandTest {
  @TempDir static Path tmp;
  static StaticServer server;
  static Path def;

  @BeforeAll
  static void serve() throws Exception {
    Path fx = RepoIndexerTest.elFixtures();
    Path www = Files.createDirectories(tmp.resolve("www"));
    Files.createSymbolicLink(www.resolve("baseos"), fx.resolve("cs9-baseos-2022"));
    Files.createSymbolicLink(www.resolve("appstream"), fx.resolve("cs9-appstream-2025"));
    server = new StaticServer(www.toRealPath());
    Path keys = Files.createDirectories(tmp.resolve("def/keys"));
    BundleKey k = BundleKey.loadOrCreate(tmp.resolve("k"), "test");
    Files.writeString(keys.resolve("test.asc"), k.publicKeyArmored());
    def = tmp.resolve("def/cs9.yml");
    Files.writeString(
        def,
        "name: el9\nversion: \"1.0\"\n"
            + "target: {os: centos, release: \"9\", arch: x86_64}\npg_major: 16\nrecommends: false\n"
            + "upstreams:\n"
            + "  - {name: baseos, suite: baseos, keys: [keys/test.asc]}\n"
            + "  - {name: appstream, suite: appstream, keys: [keys/test.asc]}\n"
            + "packages:\n  node: [tmux, nginx]\n");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static MainTest.Run pigsty(String... args) {
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--mirror";
    all[args.length + 1] = server.uri("/$repo").toString();
    all[args.length + 2] = "--cache";
    all[args.length + 3] = tmp.resolve("cache").toString();
    return MainTest.run(all);
  }

  @Test
  void resolvePrintsTheClosureAcrossBaseosAndAppstream() {
    MainTest.Run r = pigsty("resolve", def.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("tmux\t", "\tx86_64\tbaseos")
        .contains("nginx\t", "\tappstream")
        .contains("libevent\t")
        .contains("glibc\t");
    // sorted by name, one line per package, no i686 (multilib is off)
    assertThat(r.out().lines().toList()).isSorted().noneMatch(l -> l.contains("\ti686\t"));
  }

  @Test
  void whyNamesTheChainAndTheRequirement() {
    MainTest.Run r = pigsty("resolve", def.toString(), "--why", "libevent");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip())
        .startsWith("tmux (requested) -> tmux-")
        .contains(" -> libevent-")
        .contains("(for libevent_core-2.1.so.7()(64bit))");
  }

  @Test
  void anUnsatisfiableRequirementExits7NamingIt() throws Exception {
    Path bad = tmp.resolve("def/pg.yml");
    Files.writeString(bad, Files.readString(def).replace("[tmux, nginx]", "[postgresql-server]"));
    MainTest.Run r = pigsty("resolve", bad.toString());
    assertThat(r.code()).isEqualTo(ExitCode.RESOLUTION.code);
    assertThat(r.err()).contains("libldap.so.2(OPENLDAP_2.200)(64bit)");
  }

  @Test
  void i686PackagesOnlyWithMultilib() throws Exception {
    Path only64 = tmp.resolve("def/i686.yml");
    Files.writeString(only64, Files.readString(def).replace("[tmux, nginx]", "[glibc.i686]"));
    MainTest.Run r = pigsty("resolve", only64.toString());
    assertThat(r.code()).isEqualTo(ExitCode.RESOLUTION.code);
    assertThat(r.err()).contains("glibc.i686");
    Path multi = tmp.resolve("def/multilib.yml");
    Files.writeString(
        multi,
        Files.readString(only64).replace("recommends: false", "recommends: false\nmultilib: true"));
    MainTest.Run m = pigsty("resolve", multi.toString());
    assertThat(m.code()).as(m.err()).isZero();
    assertThat(m.out()).contains("glibc\t").contains("\ti686\t");
  }

  @Test
  void buildFailsWithExit4WhenThePackagesCannotBeFetched() {
    Path out = tmp.resolve("out");
    MainTest.Run r =
        pigsty(
            "build",
            def.toString(),
            "-o",
            out.toString(),
            "--key-dir",
            tmp.resolve("k").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.FETCH.code);
    assertThat(r.err()).contains("tmux-").contains("404");
    assertThat(out.resolve("pigsty-pkg-1.0.el9.x86_64.tgz")).doesNotExist();
  }
}
