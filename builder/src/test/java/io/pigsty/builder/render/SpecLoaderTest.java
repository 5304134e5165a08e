package io.pigsty.builder.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.definition.DefinitionException;
import io.pigsty.builder.definition.YamlFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecLoaderTest {
  /** The project's spec directory (tests run in builder/). */
  static final Path SPEC = Path.of("..", "spec");

  static final Path BAD = Path.of("src", "test", "resources", "image", "bad");

  @Test
  void meta_isOneNodeAt10_10_10_10With2CpuAnd4GiB() throws Exception {
    EnvSpec meta = SpecLoader.spec(SpecLoader.catalog(new SpecSource.Dir(SPEC)), "meta");
    assertThat(meta.network()).isEqualTo("10.10.10.0/24");
    assertThat(meta.nodes())
        .containsExactly(new NodeSpec("meta", "10.10.10.10", 2, 4096, 40, true));
  }

  @Test
  void full_isMetaPlusThreeNodesAt11To13With1CpuAnd2GiB() throws Exception {
    EnvSpec full = SpecLoader.spec(SpecLoader.catalog(new SpecSource.Dir(SPEC)), "full");
    assertThat(full.nodes()).hasSize(4);
    assertThat(full.metaNode()).isEqualTo(new NodeSpec("meta", "10.10.10.10", 2, 4096, 40, true));
    for (int i = 1; i <= 3; i++) {
      assertThat(full.nodes().get(i))
          .isEqualTo(new NodeSpec("node-" + i, "10.10.10.1" + i, 1, 2048, 20, false));
    }
  }

  @Test
  void os_d12AndEl9WithBoxesImagesAndUsers() throws Exception {
    SpecCatalog c = SpecLoader.catalog(new SpecSource.Dir(SPEC));
    assertThat(c.os().keySet()).startsWith("d12").contains("el9");
    assertThat(c.defaultOs()).isEqualTo("d12");
    OsImage d12 = c.os().get("d12");
    assertThat(d12.bundleName("4.0.0")).isEqualTo("pigsty-pkg-4.0.0.d12.amd64.tgz");
    assertThat(d12.awsUser()).isEqualTo("admin");
    assertThat(c.os().get("el9").bundleName("4.0.0")).isEqualTo("pigsty-pkg-4.0.0.el9.x86_64.tgz");
    assertThat(c.clouds().get("aws").instanceTypes()).containsKeys("1c2g", "2c4g");
  }

  @Test
  void builtInList_matchesTheProjectSpecDirectory() throws Exception {
    assertThat(new SpecSource.Dir(SPEC).specs()).isEqualTo(SpecSource.BUILT_IN);
  }

  @Test
  void builtIn_readsTheCopyInTheJarAndEqualsTheDirectory() throws Exception {
    SpecCatalog jar = SpecLoader.catalog(new SpecSource.BuiltIn());
    SpecCatalog dir = SpecLoader.catalog(new SpecSource.Dir(SPEC));
    assertThat(jar.os()).isEqualTo(dir.os());
    for (String s : SpecSource.BUILT_IN) {
      assertThat(SpecLoader.spec(jar, s).nodes()).isEqualTo(SpecLoader.spec(dir, s).nodes());
    }
  }

  @Test
  void unknownSpec_namesItAndListsTheKnownOnes() throws Exception {
    SpecCatalog c = SpecLoader.catalog(new SpecSource.Dir(SPEC));
    assertThatThrownBy(() -> SpecLoader.spec(c, "nope"))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("'nope'")
        .hasMessageContaining("full, meta");
    // a name that would be a path is never opened
    assertThatThrownBy(() -> SpecLoader.spec(c, "../bundles/d12"))
        .isInstanceOf(ImageException.class);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "outside.yml   | 9  | nodes[1].ip        | 10.10.11.11 is not in the spec's network 10.10.10.0/24",
        "dupip.yml     | 9  | nodes[1].ip        | 10.10.10.10 is used twice (first at line 5)",
        "typo.yml      | 7  | nodes[0].memroy_mb | unknown key 'memroy_mb' (did you mean 'memory_mb'?)",
        "cpuword.yml   | 6  | nodes[0].cpu       | expected a whole number, found a string ('two')",
        "gateway.yml   | 5  | nodes[0].ip        | 10.10.10.1 is reserved in 10.10.10.0/24",
        "wrongname.yml | 1  | name               | 'meta' does not match the file name 'wrongname.yml'",
        "public.yml    | 2  | network            | '8.8.8.0/24' is not a private network",
        "nonodes.yml   | 1  | nodes              | missing required key 'nodes'",
        "halfgig.yml   | 7  | nodes[0].memory_mb | 1500 is not a whole number of GiB",
        "dupname.yml   | 8  | nodes[1].name      | node name 'meta' is used twice (first at line 4)",
        "hostbits.yml  | 2  | network            | '10.10.10.5/24' has host bits set; the network is 10.10.10.0/24",
        "badhost.yml   | 4  | nodes[0].name      | 'Meta_1' is not a host name",
      })
  void badSpec_failsWithFileLineKeyAndReason(String file, int line, String key, String reason)
      throws Exception {
    Path p = BAD.resolve(file);
    String name = file.substring(0, file.length() - 4);
    assertThatThrownBy(() -> SpecLoader.spec(YamlFile.compose(p), name))
        .isInstanceOf(DefinitionException.class)
        .hasMessageStartingWith(p + ":" + line + ": " + key + ": " + reason)
        .satisfies(e -> assertThat(((DefinitionException) e).line()).isEqualTo(line));
  }

  @Test
  void malformedYaml_namesFileAndLine() {
    Path p = BAD.resolve("malformed.yml");
    assertThatThrownBy(() -> SpecLoader.spec(YamlFile.compose(p), "malformed"))
        .isInstanceOf(DefinitionException.class)
        .hasMessageStartingWith(p + ":6: malformed YAML");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "os-family.yml  | 3 | d12.family           | 'dnf' is not one of deb, rpm",
        "os-owner.yml   | 7 | d12.aws.ami_owner    | expected a string, found a number (136693071363) (quote it",
        "os-quote.yml   | 5 | d12.vagrant.box      | 'generic/debian12\"; system(\"id\")' holds a quote",
        "os-missing.yml | 7 | d12.aliyun.ssh_user  | missing required key 'ssh_user'",
      })
  void badOsFile_failsWithFileLineKeyAndReason(String file, int line, String key, String reason) {
    Path p = BAD.resolve(file);
    assertThatThrownBy(() -> SpecLoader.os(YamlFile.compose(p)))
        .isInstanceOf(DefinitionException.class)
        .hasMessageStartingWith(p + ":" + line + ": " + key + ": " + reason);
  }

  @Test
  void badCloudSize_failsWithFileLineKey() {
    Path p = BAD.resolve("clouds-size.yml");
    assertThatThrownBy(() -> SpecLoader.clouds(YamlFile.compose(p)))
        .isInstanceOf(DefinitionException.class)
        .hasMessageStartingWith(p + ":4: aws.instance_types.2cpu: '2cpu' is not a node size");
  }

  @Test
  void ipv4_rejectsLeadingZerosAndBigOctets() {
    assertThat(Ipv4.parse("10.10.10.10")).contains(0x0A0A0A0AL);
    assertThat(Ipv4.parse("10.10.10.010")).isEmpty();
    assertThat(Ipv4.parse("10.10.10.256")).isEmpty();
    assertThat(Ipv4.Cidr.parse("10.10.10.0/33")).isEmpty();
    assertThat(Renderer.netmask("10.10.10.0/24")).isEqualTo("255.255.255.0");
    assertThat(
            List.of(
                Ipv4.Cidr.parse("172.32.0.0/16").orElseThrow().isPrivate(),
                Ipv4.Cidr.parse("172.31.0.0/16").orElseThrow().isPrivate()))
        .containsExactly(false, true);
  }
}
