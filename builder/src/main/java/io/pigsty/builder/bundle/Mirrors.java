package io.pigsty.builder.bundle;

import io.pigsty.builder.fetch.AptSources;
import io.pigsty.builder.fetch.YumRepos;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each upstream suite is fetched from. In order: an override given on the command line or in
 * {@code PIGSTY_MIRROR} ({@code URL} for every suite, or {@code suite=URL,...}), the upstream's own
 * {@code url:} in the bundle definition, the build host's apt sources, then the host's source of
 * the same archive for another release ({@link AptSources#siblingBaseFor}: a Debian 12 host builds
 * the Debian 13 bundle from its own archive). Bundle definitions never name a host: the URL is a
 * property of where the build runs.
 */
public final class Mirrors {
  private final Map<String, URI> perSuite = new LinkedHashMap<>();
  private URI all;
  private final AptSources host;
  private final YumRepos yum;

  /**
   * @param overrides values of {@code --mirror} options and/or {@code PIGSTY_MIRROR}, each {@code
   *     URL} or {@code suite=URL[,suite=URL...]}; later ones win
   * @param host the build host's apt sources, or {@code null} to ignore them
   * @throws IllegalArgumentException naming the value when a URL is not absolute http or https
   */
  public Mirrors(Iterable<String> overrides, AptSources host) {
    this(overrides, host, null);
  }

  /**
   * @param overrides as in {@link #Mirrors(Iterable, AptSources)}; for rpm upstreams the {@code
   *     SUITE} is the repository id, and {@code $repo} in a URL is replaced by it
   * @param host the build host's apt sources, or {@code null}
   * @param yum the build host's yum/dnf repositories, or {@code null}
   */
  public Mirrors(Iterable<String> overrides, AptSources host, YumRepos yum) {
    this.host = host;
    this.yum = yum;
    for (String o : overrides) {
      if (o == null || o.isBlank()) {
        continue;
      }
      for (String part : o.split(",")) {
        String p = part.strip();
        int eq = p.indexOf('=');
        if (eq > 0 && !p.substring(0, eq).contains(":")) {
          perSuite.put(p.substring(0, eq), checked(p.substring(eq + 1)));
        } else {
          all = checked(p);
        }
      }
    }
  }

  private static URI checked(String s) {
    URI u;
    try {
      u = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mirror '" + s + "' is not a URL: " + e.getMessage());
    }
    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
      throw new IllegalArgumentException("mirror '" + s + "' must be an http or https URL");
    }
    return u;
  }

  /**
   * @param suite e.g. {@code bookworm-security}
   * @param component e.g. {@code main}
   * @param fromDefinition the definition's {@code url:} for this upstream, if any
   * @return the archive base URI (the part before {@code /dists/}), without a trailing slash
   */
  public Optional<URI> baseFor(String suite, String component, Optional<URI> fromDefinition) {
    if (perSuite.containsKey(suite)) {
      return Optional.of(perSuite.get(suite));
    }
    if (all != null) {
      return Optional.of(all);
    }
    if (fromDefinition.isPresent()) {
      return fromDefinition;
    }
    if (host == null) {
      return Optional.empty();
    }
    return host.baseFor(suite, component)
        .or(() -> host.siblingBaseFor(suite, component))
        .map(
            u -> {
              String s = u.toString();
              return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            });
  }

  /**
   * Where an rpm upstream is fetched from: {@code --mirror ID=URL}, then a URL for every upstream
   * ({@code $repo} replaced by the id), then the definition's {@code url:}, then the build host's
   * {@code /etc/yum.repos.d} entry of the same id.
   *
   * @param repoId the upstream's repository id ({@code suite:} in the definition)
   * @param fromDefinition the definition's {@code url:}, if any
   * @param release target release, for {@code $releasever}
   * @param arch target architecture, for {@code $basearch}
   * @return the repository base URI (the directory holding {@code repodata/}), no trailing slash
   */
  public Optional<URI> baseForRepo(
      String repoId, Optional<URI> fromDefinition, String release, String arch) {
    if (perSuite.containsKey(repoId)) {
      return Optional.of(expand(perSuite.get(repoId), repoId));
    }
    if (all != null) {
      return Optional.of(expand(all, repoId));
    }
    if (fromDefinition.isPresent()) {
      return fromDefinition.map(u -> expand(u, repoId));
    }
    return yum == null ? Optional.empty() : yum.baseFor(repoId, release, arch);
  }

  private static URI expand(URI u, String repoId) {
    String s = u.toString().replace("$repo", repoId);
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }
}
