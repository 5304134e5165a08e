package io.pigsty.builder.fetch;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repositories dnf/yum is configured with on an EL build host, read as dnf.conf(5) and
 * yum.conf(5) describe: INI files {@code /etc/yum.repos.d/*.repo}, one {@code [repo id]} section
 * each, of which only {@code baseurl} is used (its first URL; {@code mirrorlist} and {@code
 * metalink} are not followed: name a mirror with {@code --mirror ID=URL} instead). Variables {@code
 * $releasever}, {@code $releasever_major}, {@code $basearch}, {@code $arch} and those in {@code
 * /etc/dnf/vars/*} are substituted. Immutable.
 */
public final class YumRepos {
  private static final Pattern VAR = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?");

  /** Repository id to its first baseurl, variables not yet substituted. */
  private final Map<String, String> baseUrls;

  /** Variables of {@code /etc/dnf/vars}. */
  private final Map<String, String> vars;

  private YumRepos(Map<String, String> baseUrls, Map<String, String> vars) {
    this.baseUrls = Collections.unmodifiableMap(new LinkedHashMap<>(baseUrls));
    this.vars = Map.copyOf(vars);
  }

  /**
   * @return the host's {@code /etc/yum.repos.d}, or none when that directory does not exist
   */
  public static YumRepos host() throws IOException {
    return read(Path.of("/etc/yum.repos.d"), Path.of("/etc/dnf/vars"));
  }

  /**
   * Reads every {@code *.repo} file of a directory.
   *
   * @param reposDir e.g. {@code /etc/yum.repos.d}; a missing directory gives no repositories
   * @param varsDir e.g. {@code /etc/dnf/vars}: each file's name is a variable, its first line the
   *     value
   * @throws IOException when a file cannot be read
   */
  public static YumRepos read(Path reposDir, Path varsDir) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    Map<String, String> vars = new LinkedHashMap<>();
    if (!Files.isDirectory(reposDir)) {
      return new YumRepos(out, vars);
    }
    if (varsDir != null && Files.isDirectory(varsDir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(varsDir)) {
        for (Path f : ds) {
          if (Files.isRegularFile(f)) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            vars.put(f.getFileName().toString(), lines.isEmpty() ? "" : lines.get(0).strip());
          }
        }
      }
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(reposDir, "*.repo")) {
      List<Path> files = new ArrayList<>();
      ds.forEach(files::add);
      Collections.sort(files);
      for (Path f : files) {
        parse(Files.readAllLines(f, StandardCharsets.UTF_8), out);
      }
    }
    return new YumRepos(out, vars);
  }

  static YumRepos parse(List<String> lines) {
    Map<String, String> out = new LinkedHashMap<>();
    parse(lines, out);
    return new YumRepos(out, Map.of());
  }

  private static void parse(List<String> lines, Map<String, String> out) {
    String section = null;
    String key = null;
    Map<String, String> values = new LinkedHashMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        flush(section, values, out);
        section = line.substring(1, line.length() - 1).strip();
        values = new LinkedHashMap<>();
        key = null;
        continue;
      }
      boolean continuation = Character.isWhitespace(raw.charAt(0));
      int eq = line.indexOf('=');
      if (continuation && key != null) {
        values.merge(key, " " + line, String::concat); // INI continuation line (more URLs)
      } else if (eq > 0 && section != null) {
        key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        values.put(key, line.substring(eq + 1).strip());
      }
    }
    flush(section, values, out);
  }

  private static void flush(String section, Map<String, String> values, Map<String, String> out) {
    if (section == null || section.equalsIgnoreCase("main")) {
      return;
    }
    String enabled = values.getOrDefault("enabled", "1");
    String base = values.get("baseurl");
    if (base == null
        || base.isBlank()
        || enabled.equals("0")
        || enabled.equalsIgnoreCase("false")) {
      return;
    }
    String first = base.strip().split("[\\s,]+")[0];
    out.putIfAbsent(section, first);
  }

  private static String substitute(String s, Map<String, String> vars) {
    Matcher m = VAR.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = vars.get(m.group(1));
      m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * The base URL of a repository id, with the target's {@code $releasever}, {@code
   * $releasever_major}, {@code $basearch} and {@code $arch} filled in.
   *
   * @param repoId e.g. {@code baseos}
   * @param release target release, e.g. {@code 9}
   * @param arch target architecture, e.g. {@code x86_64}
   * @return the URL without a trailing slash, or empty when the host has no such repository (or it
   *     is disabled, or has no baseurl)
   */
  public Optional<URI> baseFor(String repoId, String release, String arch) {
    String raw = baseUrls.get(repoId);
    if (raw == null) {
      return Optional.empty();
    }
    Map<String, String> all = new HashMap<>(vars);
    all.put("releasever", release);
    all.put("releasever_major", release.split("\\.")[0]);
    all.put("basearch", arch);
    all.put("arch", arch);
    String u = substitute(raw, all);
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    try {
      return Optional.of(URI.create(u));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * @return the repository ids with a baseurl, in file order
   */
  public Set<String> ids() {
    return baseUrls.keySet();
  }
}
