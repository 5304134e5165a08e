package io.pigsty.builder.cli;

import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.render.EnvSpec;
import io.pigsty.builder.render.ImageException;
import io.pigsty.builder.render.OsImage;
import io.pigsty.builder.render.OutputWriter;
import io.pigsty.builder.render.Renderer;
import io.pigsty.builder.render.SpecCatalog;
import io.pigsty.builder.render.SpecLoader;
import io.pigsty.builder.render.SpecSource;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pigsty image ...}: sandboxes and images from one environment spec. Add a subcommand by
 * listing its class in {@code subcommands} below.
 */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    description =
        "Render Vagrantfiles, Terraform configurations and Packer templates from one "
            + "environment spec (spec/<name>.yml, spec/os.yml, spec/clouds.yml).",
    subcommands = {
      ImageCommand.Vagrant.class,
      ImageCommand.Terraform.class,
      ImageCommand.Packer.class,
      ImageRootfsCommand.class
    })
final class ImageCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "missing subcommand (" + String.join(", ", spec.subcommands().keySet()) + ")");
  }

  /** Options shared by the renderers. */
  static final class RenderOptions {
    @Option(
        names = "--spec",
        required = true,
        paramLabel = "NAME",
        description = "Environment spec: meta (1 node) or full (4 nodes), i.e. spec/NAME.yml.")
    String spec;

    @Option(
        names = "--os",
        paramLabel = "CODE",
        description = "Target OS code of spec/os.yml (d12, el9); default: the first one (d12).")
    String os;

    @Option(
        names = "--provider",
        paramLabel = "P",
        description = "Provider; default: the first of the command's list.")
    String provider;

    @Option(
        names = {"-o", "--out"},
        paramLabel = "DIR",
        description =
            "Output directory; default vagrant/NAME/OS/P, terraform/NAME/OS/P or images/NAME/OS/P.")
    Path out;

    @Option(
        names = "--spec-dir",
        paramLabel = "DIR",
        description =
            "Directory of the spec files; default ./spec, else the copy built into the jar.")
    Path specDir;

    @Option(
        names = "--pigsty-version",
        paramLabel = "V",
        description =
            "Version of the release and the bundle; default: version: of bundles/OS.yml "
                + "(else bundles/d12.yml).")
    String version;

    @Option(
        names = "--dist",
        paramLabel = "DIR",
        defaultValue = "dist",
        description =
            "Where the release and the bundle are (default: ${DEFAULT-VALUE}); written into "
                + "the output relative to it.")
    Path dist;
  }

  /** Loads the spec and renders it for one tool; shared by the subcommands. */
  abstract static class Render implements Callable<Integer> {
    @Mixin RenderOptions o;
    @CommandLine.Spec CommandLine.Model.CommandSpec cmd;

    abstract Renderer.Kind kind();

    @Override
    public Integer call() throws Exception {
      Renderer.Kind kind = kind();
      checkOptions();
      SpecSource source =
          o.specDir != null
              ? new SpecSource.Dir(o.specDir)
              : Files.isDirectory(Path.of("spec"))
                  ? new SpecSource.Dir(Path.of("spec"))
                  : new SpecSource.BuiltIn();
      SpecCatalog catalog = SpecLoader.catalog(source);
      EnvSpec env = SpecLoader.spec(catalog, o.spec);
      String osCode = o.os == null ? catalog.defaultOs() : o.os;
      OsImage os = catalog.os().get(osCode);
      if (os == null) {
        throw new ImageException(
            "unknown os '"
                + osCode
                + "'; "
                + catalog.label("os.yml")
                + " defines "
                + String.join(", ", catalog.os().keySet()));
      }
      String provider =
          o.provider == null ? kind.providers.get(0) : o.provider; // Renderer checks it
      Path out =
          o.out != null ? o.out : Path.of(Renderer.defaultDir(kind, env.name(), osCode, provider));
      String version = o.version != null ? o.version : defaultVersion(cmd, osCode);
      String dist =
          out.toAbsolutePath()
              .normalize()
              .relativize(o.dist.toAbsolutePath().normalize())
              .toString()
              .replace('\\', '/');
      List<String> words =
          new ArrayList<>(List.of("pigsty", "image", kind.command(), "--spec", env.name()));
      words.addAll(List.of("--os", osCode, "--provider", provider));
      Map<String, String> files =
          new Renderer()
              .render(
                  catalog,
                  new Renderer.Request(
                      kind, env, os, provider, version, dist.isEmpty() ? "." : dist),
                  String.join(" ", words));
      List<Path> written = OutputWriter.write(out, files);
      PrintWriter pw = cmd.commandLine().getOut();
      written.forEach(pw::println);
      pw.flush();
      return 0;
    }

    /**
     * Refuses a {@code --pigsty-version} that is not a bundle version and a {@code --dist} that is
     * not a plain path: both are written into Ruby and HCL strings (escaped there too).
     */
    private void checkOptions() {
      if (o.version != null && !BundleDefinition.isVersion(o.version)) {
        throw new CommandLine.ParameterException(
            cmd.commandLine(),
            "--pigsty-version '"
                + o.version
                + "' is not a bundle version: letters, digits and . + ~ _ -, letter or digit first"
                + " (as version: of bundles/*.yml)");
      }
      if (!Renderer.isDist(o.dist.toString())) {
        throw new CommandLine.ParameterException(
            cmd.commandLine(),
            "--dist '"
                + o.dist
                + "' is not a plain path: letters, digits and . _ - + @ , : ~ / only");
      }
    }

    private static String defaultVersion(CommandLine.Model.CommandSpec cmd, String os)
        throws Exception {
      Path def = Path.of("bundles", os + ".yml");
      if (!Files.isRegularFile(def)) {
        def = Path.of("bundles", "d12.yml");
      }
      if (!Files.isRegularFile(def)) {
        throw new CommandLine.ParameterException(
            cmd.commandLine(),
            "no bundles/"
                + os
                + ".yml or bundles/d12.yml here to take the version"
                + " from: give --pigsty-version");
      }
      return BundleDefinition.load(def).version();
    }
  }

  /** {@code pigsty image vagrant}. */
  @Command(
      name = "vagrant",
      mixinStandardHelpOptions = true,
      description =
          "Render a Vagrantfile (providers: libvirt, virtualbox): the spec's nodes on its private "
              + "network; the meta node gets the release and the bundle and runs ./configure -n -g and make install.")
  static final class Vagrant extends Render {
    @Override
    Renderer.Kind kind() {
      return Renderer.Kind.VAGRANT;
    }
  }

  /** {@code pigsty image terraform}. */
  @Command(
      name = "terraform",
      mixinStandardHelpOptions = true,
      description =
          "Render a Terraform configuration (providers: aws, aliyun): one VPC and subnet, the nodes "
              + "at their fixed private IPs, a security group opening only 22, 80 and 5432 to allowed_cidr.")
  static final class Terraform extends Render {
    @Override
    Renderer.Kind kind() {
      return Renderer.Kind.TERRAFORM;
    }
  }

  /** {@code pigsty image packer}. */
  @Command(
      name = "packer",
      mixinStandardHelpOptions = true,
      description =
          "Render a Packer HCL2 template (providers: qemu, amazon-ebs) that bakes the release and the "
              + "bundle into an image and installs from the bundle; the base image is a required variable.")
  static final class Packer extends Render {
    @Override
    Renderer.Kind kind() {
      return Renderer.Kind.PACKER;
    }
  }
}
