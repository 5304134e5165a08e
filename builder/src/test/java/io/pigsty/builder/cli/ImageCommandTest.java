package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.render.Renderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCommandTest {
  /** The project root (tests run in builder/). */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path tmp;

  static MainTest.Run run(String... args) {
    return MainTest.run(args);
  }

  static String version() throws Exception {
    return BundleDefinition.load(ROOT.resolve("bundles/d12.yml")).version();
  }

  static List<Path> files(Path dir, String... roots) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String r : roots) {
      try (Stream<Path> s = Files.walk(dir.resolve(r))) {
        s.filter(Files::isRegularFile)
            .filter(p -> !dir.relativize(p).toString().contains("/."))
            .filter(
                p ->
                    !p.equals(
                        dir.resolve(r).resolve("README.md"))) // the folder's own, not rendered
            .forEach(p -> out.add(dir.relativize(p)));
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void committedRenderings_equalAFreshRenderingOfEverySpecOsProvider() throws Exception {
    String v = version();
    // one layout for the three: <vagrant|terraform|images>/<spec>/<os>/<provider>, the default -o
    String[][] kinds = {
      {"vagrant", "vagrant", "libvirt", "virtualbox"},
      {"terraform", "terraform", "aws", "aliyun"},
      {"packer", "images", "qemu", "amazon-ebs"}
    };
    for (String[] k : kinds) {
      // packer: the build VM is the meta node, so only the meta spec is committed
      for (String spec : k[0].equals("packer") ? List.of("meta") : List.of("meta", "full")) {
        for (String os : List.of("d12", "d13", "el9")) {
          for (int i = 2; i < k.length; i++) {
            String dir = k[1] + "/" + spec + "/" + os + "/" + k[i];
            assertThat(
                    Renderer.defaultDir(
                        Renderer.Kind.valueOf(k[0].toUpperCase(Locale.ROOT)), spec, os, k[i]))
                .isEqualTo(dir);
            render(k[0], spec, os, k[i], dir, v);
          }
        }
      }
    }
    List<Path> fresh = files(tmp, "vagrant", "terraform", "images");
    assertThat(files(ROOT, "vagrant", "terraform", "images"))
        .as("committed files (re-render: pigsty image ...)")
        .isEqualTo(fresh);
    for (Path f : fresh) {
      assertThat(ROOT.resolve(f))
          .as("%s is stale: render it again (header has the command)", f)
          .hasSameTextualContentAs(tmp.resolve(f));
    }
  }

  private void render(String kind, String spec, String os, String provider, String dir, String v) {
    MainTest.Run r =
        run(
            "image",
            kind,
            "--spec",
            spec,
            "--os",
            os,
            "--provider",
            provider,
            "--spec-dir",
            ROOT.resolve("spec").toString(),
            "--pigsty-version",
            v,
            "--dist",
            tmp.resolve("dist").toString(),
            "-o",
            tmp.resolve(dir).toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(tmp.resolve(dir).toString());
  }

  @Test
  void help_listsTheRenderers() {
    MainTest.Run r = run("image", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("vagrant", "terraform", "packer");
    assertThat(run("image").code()).isEqualTo(ExitCode.USAGE.code);
  }

  @Test
  void noVersionAndNoBundleDefinitionHere_isUsageErrorNamingTheOption() {
    // tests run in builder/, which has no bundles/
    assertThat(Path.of("bundles")).doesNotExist();
    Path out = tmp.resolve("out");
    MainTest.Run r =
        run(
            "image",
            "vagrant",
            "--spec",
            "meta",
            "--spec-dir",
            ROOT.resolve("spec").toString(),
            "-o",
            out.toString());
    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(r.err()).contains("bundles/d12.yml", "--pigsty-version");
    assertThat(out).doesNotExist();
  }

  @Test
  void hostileVersionOrDist_isUsageErrorNamingOptionAndValueAndWritesNothing() {
    Path out = tmp.resolve("out");
    String specDir = ROOT.resolve("spec").toString();
    for (String kind : List.of("vagrant", "terraform", "packer")) {
      MainTest.Run r =
          run(
              "image",
              kind,
              "--spec",
              "meta",
              "--spec-dir",
              specDir,
              "--pigsty-version",
              "4.0.0#{`touch /tmp/pwned`}",
              "-o",
              out.toString());
      assertThat(r.code()).as(kind).isEqualTo(ExitCode.USAGE.code);
      assertThat(r.err()).contains("--pigsty-version '4.0.0#{`touch /tmp/pwned`}'");
      r =
          run(
              "image",
              kind,
              "--spec",
              "meta",
              "--spec-dir",
              specDir,
              "--pigsty-version",
              "4.0.0",
              "--dist",
              "dist\"${file(\"/etc/shadow\")}",
              "-o",
              out.toString());
      assertThat(r.code()).as(kind).isEqualTo(ExitCode.USAGE.code);
      assertThat(r.err()).contains("--dist 'dist\"${file(\"/etc/shadow\")}'");
    }
    assertThat(out).doesNotExist();
  }

  @Test
  void missingSpecOption_isUsageError() {
    MainTest.Run r = run("image", "vagrant");
    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(r.err()).contains("--spec");
  }

  @Test
  void unknownSpecOsOrProvider_exitsWithImageCodeAndWritesNothing() {
    Path out = tmp.resolve("out");
    String specDir = ROOT.resolve("spec").toString();
    MainTest.Run r =
        run(
            "image",
            "vagrant",
            "--spec",
            "nope",
            "--spec-dir",
            specDir,
            "--pigsty-version",
            "1",
            "-o",
            out.toString());
    assertThat(r.code()).isEqualTo(ExitCode.IMAGE.code);
    assertThat(r.err()).contains("'nope'", "full, meta");
    r =
        run(
            "image",
            "terraform",
            "--spec",
            "meta",
            "--os",
            "d11",
            "--spec-dir",
            specDir,
            "--pigsty-version",
            "1",
            "-o",
            out.toString());
    assertThat(r.code()).isEqualTo(ExitCode.IMAGE.code);
    assertThat(r.err()).contains("'d11'", "d12, d13, el9");
    r =
        run(
            "image",
            "packer",
            "--spec",
            "meta",
            "--provider",
            "virtualbox",
            "--spec-dir",
            specDir,
            "--pigsty-version",
            "1",
            "-o",
            out.toString());
    assertThat(r.code()).isEqualTo(ExitCode.IMAGE.code);
    assertThat(r.err()).contains("'virtualbox'", "qemu, amazon-ebs");
    assertThat(out).doesNotExist();
  }

  @Test
  void badSpec_exitsWithDefinitionCodeFileLineKeyAndLeavesTheOldOutput() throws Exception {
    Path specs = tmp.resolve("spec");
    Files.createDirectories(specs);
    for (String f : List.of("os.yml", "clouds.yml")) {
      Files.copy(ROOT.resolve("spec").resolve(f), specs.resolve(f));
    }
    Files.writeString(
        specs.resolve("lab.yml"),
        "name: lab\nnetwork: 10.10.10.0/24\nnodes:\n"
            + "  - {name: meta, ip: 10.10.10.10, cpu: 2, memory_mb: 4096}\n"
            + "  - {name: node-1, ip: 10.10.10.300, cpu: 1, memory_mb: 2048}\n");
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("Vagrantfile"), "old");
    MainTest.Run r =
        run(
            "image",
            "vagrant",
            "--spec",
            "lab",
            "--spec-dir",
            specs.toString(),
            "--pigsty-version",
            "1",
            "-o",
            out.toString());
    assertThat(r.code()).isEqualTo(ExitCode.DEFINITION.code);
    assertThat(r.err())
        .contains(
            specs.resolve("lab.yml") + ":5: nodes[1].ip: '10.10.10.300' is not an IPv4 address");
    assertThat(out.resolve("Vagrantfile")).hasContent("old");
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.filter(p -> p.getFileName().toString().contains(".tmp-"))).isEmpty();
    }
  }

  @Test
  void render_writesIntoTheDirectoryAndReplacesTheOldFile() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve(".vagrant"));
    Files.writeString(out.resolve("Vagrantfile"), "old");
    MainTest.Run r =
        run(
            "image",
            "vagrant",
            "--spec",
            "full",
            "--provider",
            "virtualbox",
            "--os",
            "el9",
            "--spec-dir",
            ROOT.resolve("spec").toString(),
            "--pigsty-version",
            "9.9.9",
            "--dist",
            tmp.resolve("d").toString(),
            "-o",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo(out.resolve("Vagrantfile").toString());
    assertThat(Files.readString(out.resolve("Vagrantfile")))
        .contains(
            "\"9.9.9\"",
            "File.expand_path(\"../d\", __dir__)",
            "generic/rocky9",
            ".el9.x86_64.tgz",
            "10.10.10.13");
    assertThat(out.resolve(".vagrant")).isDirectory();
  }

  @Test
  void builtInSpecs_areUsedWhenNoSpecDirectoryIsGiven() {
    // tests run in builder/, which has no ./spec: the copy in the jar (target/classes/spec) is read
    assertThat(Path.of("spec")).doesNotExist();
    Path out = tmp.resolve("tf");
    MainTest.Run r =
        run(
            "image",
            "terraform",
            "--spec",
            "full",
            "--provider",
            "aliyun",
            "--pigsty-version",
            "1",
            "-o",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(out.resolve("main.tf"))
        .content()
        .contains("private_ip                 = \"10.10.10.13\"");
  }
}
