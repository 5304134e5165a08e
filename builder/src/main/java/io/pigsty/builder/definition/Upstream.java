package io.pigsty.builder.definition;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One upstream repository a bundle draws packages from, named symbolically.
 *
 * <p>The URL normally comes from the build host's own package sources (for Debian the {@code URIs:}
 * of {@code /etc/apt/sources.list.d/*.sources}); {@link #url()} overrides it.
 *
 * @param name symbolic name, unique within the definition, for example {@code bookworm-security}
 * @param suite suite (Debian {@code dists/<suite>}) or repository id
 * @param components archive components such as {@code main}; may be empty for rpm repositories
 * @param keys OpenPGP keyring files that sign the repository's metadata, resolved against the
 *     definition's directory; every file existed when the definition was loaded
 * @param url explicit base URL overriding the build host's sources; empty when not given
 * @param line 1-based line of this upstream in the definition file, 0 when unknown
 * @param gpgcheck rpm family: every package must carry a good signature by one of {@code keys}
 *     (dnf's {@code gpgcheck}); always true for the deb family, whose trust comes from the signed
 *     InRelease
 * @param repoGpgcheck rpm family: {@code repodata/repomd.xml.asc} must be a good signature by one
 *     of {@code keys} (dnf's {@code repo_gpgcheck}); true for the deb family
 */
public record Upstream(
    String name,
    String suite,
    List<String> components,
    List<Path> keys,
    Optional<URI> url,
    int line,
    boolean gpgcheck,
    boolean repoGpgcheck) {

  /** A Debian upstream: its InRelease is always verified. */
  public Upstream(
      String name,
      String suite,
      List<String> components,
      List<Path> keys,
      Optional<URI> url,
      int line) {
    this(name, suite, components, keys, url, line, true, true);
  }

  /**
   * Validates and copies the lists.
   *
   * @throws NullPointerException if any component or list element is null
   * @throws IllegalArgumentException if name or suite is blank, no key is given, or neither
   *     gpgcheck nor repoGpgcheck is on (nothing would be verified)
   */
  public Upstream {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(url, "url");
    components = List.copyOf(components);
    keys = List.copyOf(keys);
    if (name.isBlank() || suite.isBlank()) {
      throw new IllegalArgumentException("upstream name and suite must not be blank");
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("upstream '" + name + "' has no keys");
    }
    if (!gpgcheck && !repoGpgcheck) {
      throw new IllegalArgumentException(
          "upstream '" + name + "' verifies nothing: gpgcheck and repo_gpgcheck are both off");
    }
  }
}
