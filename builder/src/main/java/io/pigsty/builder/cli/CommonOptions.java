package io.pigsty.builder.cli;

import io.pigsty.builder.bundle.ContentCache;
import io.pigsty.builder.bundle.Mirrors;
import io.pigsty.builder.fetch.AptSources;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.builder.fetch.YumRepos;
import io.pigsty.repo.sign.BundleKey;
import io.pigsty.repo.sign.SignatureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options shared by the commands that fetch or sign. */
final class CommonOptions {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec mixee;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description = "Content-addressed download cache (env PIGSTY_CACHE; default ~/.cache/pigsty).")
  Path cache;

  @Option(
      names = "--key-dir",
      paramLabel = "DIR",
      description =
          "Where the bundle signing key is kept, created on first use "
              + "(env PIGSTY_KEY_DIR; default ~/.config/pigsty/signing-key).")
  Path keyDir;

  @Option(
      names = "--mirror",
      paramLabel = "[SUITE=]URL",
      description =
          "Archive base URL for every suite, or for one suite (repeatable; env "
              + "PIGSTY_MIRROR, comma-separated); for rpm upstreams SUITE is the repository id and "
              + "$repo in the URL is replaced by it. Default: the build host's apt sources "
              + "(rpm: /etc/yum.repos.d baseurl of the same id).")
  List<String> mirrors = new ArrayList<>();

  @Option(
      names = "--connections",
      paramLabel = "N",
      defaultValue = "6",
      description = "Parallel connections per host (default ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = "--read-timeout",
      paramLabel = "SECONDS",
      hidden = true,
      description =
          "Idle read timeout of each download, seconds (default 60; testing: the hostile"
              + " battery's stalled mirror).")
  Integer readTimeoutSeconds;

  Path cacheDir() {
    if (cache != null) {
      return cache;
    }
    String env = System.getenv("PIGSTY_CACHE");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "pigsty");
  }

  Path keyDir() {
    return keyDir != null ? keyDir : defaultKeyDir();
  }

  /**
   * @return {@code PIGSTY_KEY_DIR} when set, else {@code ~/.config/pigsty/signing-key}
   */
  static Path defaultKeyDir() {
    String env = System.getenv("PIGSTY_KEY_DIR");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".config", "pigsty", "signing-key");
  }

  /**
   * @return the bundle signing key of {@link #keyDir()}, made on first use
   */
  BundleKey bundleKey() throws IOException, SignatureException {
    return BundleKey.loadOrCreate(keyDir(), BundleKey.USER_ID);
  }

  /**
   * @return {@code SOURCE_DATE_EPOCH} (reproducible-builds.org) when set to whole seconds
   */
  static Optional<Instant> sourceDateEpoch() {
    String epoch = System.getenv("SOURCE_DATE_EPOCH");
    return epoch != null && epoch.matches("[0-9]{1,12}")
        ? Optional.of(Instant.ofEpochSecond(Long.parseLong(epoch)))
        : Optional.empty();
  }

  Mirrors mirrors() throws IOException {
    List<String> all = new ArrayList<>();
    String env = System.getenv("PIGSTY_MIRROR");
    if (env != null) {
      all.add(env);
    }
    all.addAll(mirrors);
    AptSources host = Files.isDirectory(Path.of("/etc/apt")) ? AptSources.host() : null;
    YumRepos yum = YumRepos.host();
    try {
      return new Mirrors(all, host, yum);
    } catch (IllegalArgumentException e) { // a --mirror or PIGSTY_MIRROR value
      throw new CommandLine.ParameterException(mixee.commandLine(), e.getMessage(), e);
    }
  }

  Downloader downloader() {
    if (connections < 1 || connections > 64) {
      throw new CommandLine.ParameterException(
          mixee.commandLine(), "--connections must be 1..64, got " + connections);
    }
    if (readTimeoutSeconds != null && (readTimeoutSeconds < 1 || readTimeoutSeconds > 3600)) {
      throw new CommandLine.ParameterException(
          mixee.commandLine(), "--read-timeout must be 1..3600 seconds, got " + readTimeoutSeconds);
    }
    Downloader.Builder b = Downloader.builder();
    if (readTimeoutSeconds != null) {
      b.readTimeout(Duration.ofSeconds(readTimeoutSeconds));
    }
    return b.cacheDir(cacheDir())
        .perHostConnections(connections)
        .connectTimeout(Duration.ofSeconds(20))
        .build();
  }

  /** Builds the downloader (its TLS set-up takes a few hundred ms) while the caller works on. */
  CompletableFuture<Downloader> downloaderAsync() {
    return CompletableFuture.supplyAsync(this::downloader);
  }

  /**
   * @return the downloader, rethrowing what building it threw
   */
  static Downloader join(CompletableFuture<Downloader> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw e;
    }
  }

  ContentCache contentCache() {
    return new ContentCache(cacheDir());
  }
}
