package io.pigsty.builder.cli;

import io.pigsty.builder.bundle.deb.RepoIndexer;
import io.pigsty.repo.sign.BundleKey;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code pigsty repo ...}: local repository tools. */
@Command(
    name = "repo",
    mixinStandardHelpOptions = true,
    description = "Local repository tools.",
    subcommands = RepoCommand.Index.class)
final class RepoCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (index)");
  }

  /** {@code pigsty repo index DIR}. */
  @Command(
      name = "index",
      mixinStandardHelpOptions = true,
      description = {
        "Write signed repository metadata for a directory of packages. .deb files: "
            + "a flat APT repository (Packages, Packages.gz, Release, InRelease clear-signed with the "
            + "bundle key, pigsty.gpg for Signed-By:). .rpm files: repodata/ as createrepo_c writes "
            + "it, repodata/repomd.xml.asc signed with the bundle key, RPM-GPG-KEY-pigsty."
      })
  static final class Index implements Callable<Integer> {
    @Parameters(
        paramLabel = "DIR",
        description = "Directory holding .deb files (searched recursively).")
    Path dir;

    @Mixin CommonOptions common;

    @CommandLine.Option(
        names = "--zstd",
        description =
            "RPM repositories: compress repodata with zstd (EL9 and later) instead of gzip.")
    boolean zstd;

    @CommandLine.Option(
        names = "--modules",
        paramLabel = "FILE",
        description =
            "RPM repositories: list this modules.yaml (plain, .gz, .xz, .zst or .bz2) in repomd.xml as type modules.")
    Path modules;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (!Files.isDirectory(dir)) {
        throw new NoSuchFileException(
            dir.toString(),
            null,
            Files.exists(dir) ? "Not a directory" : "No such file or directory");
      }
      BundleKey key = common.bundleKey();
      int n =
          RepoIndexer.index(dir, key, Instant.now().truncatedTo(ChronoUnit.SECONDS), zstd, modules);
      spec.commandLine()
          .getOut()
          .printf("indexed %d packages in %s, signed by %s%n", n, dir, key.fingerprint());
      return 0;
    }
  }
}
