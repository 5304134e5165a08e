package io.pigsty.builder.appliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RootfsPlanTest {
  private static final Path FIXTURE = Path.of("src/test/resources/image/rootfs/manifest-base.json");
  private static final Path BUNDLE = Path.of("dist/pigsty-pkg-4.0.0.d12.amd64.tgz");
  private ObjectNode manifest;

  @BeforeEach
  void load() throws Exception {
    manifest = (ObjectNode) new ObjectMapper().readTree(FIXTURE.toFile());
  }

  @Test
  void of_readsTargetAndIncludesRequestedNamesThenBootPackagesOnce() throws Exception {
    RootfsPlan p = RootfsPlan.of(BUNDLE, manifest);

    assertThat(p.codename()).isEqualTo("bookworm");
    assertThat(p.arch()).isEqualTo("amd64");
    assertThat(p.version()).isEqualTo("4.0.0");
    assertThat(p.fileName()).isEqualTo("pigsty-pkg-4.0.0.d12.amd64.tgz");
    assertThat(p.recommends()).isTrue();
    // version relations dropped; openssh-server requested and a boot package: listed once
    assertThat(p.include())
        .containsExactly(
            "bash",
            "openssh-server",
            "postgresql-15",
            "postgresql-15-cron",
            "systemd",
            "systemd-sysv");
  }

  @Test
  void of_refusesABundleBuiltWithoutTheBaseSet() {
    ((ObjectNode) manifest.get("definition")).put("base_system", false);

    assertThatThrownBy(() -> RootfsPlan.of(BUNDLE, manifest))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining(BUNDLE.toString())
        .hasMessageContaining("'base_system: true'")
        .hasMessageContaining("d12.yml");
    ((ObjectNode) manifest.get("definition")).remove("base_system"); // manifests before the switch
    assertThatThrownBy(() -> RootfsPlan.of(BUNDLE, manifest))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("base_system");
  }

  @Test
  void of_refusesAnRpmTargetAndAMissingCodename() {
    ((ObjectNode) manifest.get("target")).put("os", "rocky");
    assertThatThrownBy(() -> RootfsPlan.of(BUNDLE, manifest))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("'rocky'")
        .hasMessageContaining("deb targets only");

    ((ObjectNode) manifest.get("target")).put("os", "debian");
    ((ObjectNode) manifest.get("target")).remove("codename");
    assertThatThrownBy(() -> RootfsPlan.of(BUNDLE, manifest))
        .isInstanceOf(RootfsException.class)
        .hasMessageContaining("target.codename");
  }

  @Test
  void command_isOfflineWithTheBundleAsTheOnlySignedByFileSource() throws Exception {
    RootfsPlan p = RootfsPlan.of(BUNDLE, manifest);
    Path repo = Path.of("/tmp/pigsty-rootfs-1/www/pigsty");

    List<String> cmd =
        RootfsBuilder.command(
            p, repo, Path.of("/tmp/pigsty-rootfs-1/customize.sh"), Path.of("/out/.tmp-x-d12.tar"));

    assertThat(cmd.subList(0, 4)).containsExactly("unshare", "--net", "--", "mmdebstrap");
    assertThat(cmd)
        .contains(
            "--mode=root",
            "--variant=important",
            "--format=tar",
            "--include=bash,openssh-server,postgresql-15,postgresql-15-cron,systemd,systemd-sysv",
            "--aptopt=Apt::Install-Recommends \"true\"",
            "--hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount",
            "--customize-hook=/tmp/pigsty-rootfs-1/customize.sh");
    // SUITE TARGET MIRROR: exactly one mirror, and it is the bundle
    int suite = cmd.indexOf("bookworm");
    assertThat(cmd.subList(suite, cmd.size()))
        .containsExactly(
            "bookworm",
            "/out/.tmp-x-d12.tar",
            "deb [signed-by=/tmp/pigsty-rootfs-1/www/pigsty/pigsty.gpg] file:///tmp/pigsty-rootfs-1/www/pigsty ./");
    assertThat(String.join(" ", cmd)).doesNotContain("trusted=yes").doesNotContain("http");
  }

  @Test
  void command_followsTheDefinitionsRecommendsSwitch() throws Exception {
    ((ObjectNode) manifest.get("definition")).put("recommends", false);

    List<String> cmd =
        RootfsBuilder.command(
            RootfsPlan.of(BUNDLE, manifest), Path.of("/r"), Path.of("/h"), Path.of("/o.tar"));

    assertThat(cmd).contains("--aptopt=Apt::Install-Recommends \"false\"");
  }
}
