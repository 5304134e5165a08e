package io.pigsty.builder.fetch;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The binary ({@code deb}) sources APT is configured with, read as sources.list(5) describes:
 * {@code sources.list} and {@code sources.list.d/*.list} in the one-line format, {@code
 * sources.list.d/*.sources} in the deb822 format. Immutable.
 */
public final class AptSources {
  /** File names APT reads in {@code sources.list.d}; others are ignored, as APT does. */
  private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

  private static final Pattern WS = Pattern.compile("\\s+");
  private static final Set<String> FALSE = Set.of("no", "false", "without", "off", "disable");
  private static final Map<String, String> ONE_LINE_OPTION_NAMES =
      Map.of("arch", "architectures", "lang", "languages", "target", "targets");

  /**
   * One {@code deb} source: one URI and one suite (a deb822 stanza with several of each yields one
   * entry per pair).
   *
   * @param file the file it was read from
   * @param line 1-based line of the one-line entry or of the first line of the deb822 stanza
   * @param uri the archive base (the part before {@code dists/}), always ending in {@code /}
   * @param suite the suite (codename or class), or a path ending in {@code /} for a flat repo
   * @param components components; empty for a flat repo
   * @param options other fields, keys in lower case with deb822 names ({@code signed-by}, {@code
   *     architectures}, {@code trusted} ...); one-line {@code arch}, {@code lang}, {@code target}
   *     are renamed to their deb822 names
   */
  public record Entry(
      Path file,
      int line,
      URI uri,
      String suite,
      List<String> components,
      Map<String, String> options) {
    /** Copies the collections; every component is non-null. */
    public Entry {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(suite, "suite");
      components = List.copyOf(components);
      options = Map.copyOf(options);
    }

    /** The {@code signed-by} option (key file paths, fingerprints or an inline key), if any. */
    public Optional<String> signedBy() {
      return Optional.ofNullable(options.get("signed-by"));
    }

    /** True for a flat repository ({@code suite} ends in {@code /}, no components). */
    public boolean flat() {
      return suite.endsWith("/");
    }
  }

  private final List<Entry> entries;

  private AptSources(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /**
   * Reads the sources under an APT configuration directory, in APT's order: {@code sources.list},
   * then {@code sources.list.d} files sorted by name. Only {@code *.list} and {@code *.sources}
   * files whose names use letters, digits, {@code _ - .} are read; {@code deb-src} entries and
   * deb822 stanzas with {@code Enabled: no} are skipped. Missing files or directories are empty.
   *
   * @param etcApt the directory, usually {@code /etc/apt}; non-null
   * @return the {@code deb} entries, in reading order
   * @throws IOException on a read error, or a malformed entry (message names the file and line)
   */
  public static AptSources read(Path etcApt) throws IOException {
    List<Entry> out = new ArrayList<>();
    Path main = etcApt.resolve("sources.list");
    if (Files.isRegularFile(main)) {
      parseOneLine(main, out);
    }
    Path dir = etcApt.resolve("sources.list.d");
    if (Files.isDirectory(dir)) {
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          files.add(p);
        }
      }
      files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
      for (Path p : files) {
        String name = p.getFileName().toString();
        if (!VALID_NAME.matcher(name).matches() || !Files.isRegularFile(p)) {
          continue;
        }
        if (name.endsWith(".list")) {
          parseOneLine(p, out);
        } else if (name.endsWith(".sources")) {
          parseDeb822(p, out);
        }
      }
    }
    return new AptSources(out);
  }

  /**
   * Reads this host's sources: {@code read(Path.of("/etc/apt"))}.
   *
   * @throws IOException as {@link #read}
   */
  public static AptSources host() throws IOException {
    return read(Path.of("/etc/apt"));
  }

  /** Every enabled {@code deb} entry, in APT's reading order; unmodifiable. */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * The archive base URI of the first entry serving this suite and component, for example the base
   * of {@code bookworm-security} may differ from that of {@code bookworm}. Index URLs are {@code
   * base.resolve("dists/" + suite + "/InRelease")}.
   *
   * @param suite suite name as written in the sources (e.g. {@code bookworm-updates}); non-null
   * @param component component (e.g. {@code main}); non-null
   * @return the base URI ending in {@code /}, or empty when no entry matches; flat repositories
   *     never match
   */
  public Optional<URI> baseFor(String suite, String component) {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(component, "component");
    for (Entry e : entries) {
      if (e.suite().equals(suite) && e.components().contains(component)) {
        return Optional.of(e.uri());
      }
    }
    return Optional.empty();
  }

  /** A suite named {@code CODENAME} or {@code CODENAME-CLASS}, as Debian names its suites. */
  private static final Pattern RELEASE_SUITE = Pattern.compile("([a-z]+)(-[a-z-]+)?");

  /**
   * The archive base URI for a suite of another release than the ones the sources list: the base of
   * the first entry (in APT's order) that serves the same component and a suite of the same class
   * under another codename. A Debian archive keeps every release's suites under one base ({@code
   * dists/<suite>/}; Debian wiki, DebianRepository/Format), and the class names the archive: {@code
   * trixie} and {@code trixie-updates} are where {@code bookworm} and {@code bookworm-updates} are,
   * {@code trixie-security} where {@code bookworm-security} is. This is how a Debian 12 build host
   * finds Debian 13's suites without listing them (so its own {@code apt} never sees them). What is
   * fetched from there is trusted only after its {@code InRelease} verifies with the definition's
   * keys and names the suite.
   *
   * @param suite a suite of the form {@code CODENAME} or {@code CODENAME-CLASS} ({@code trixie},
   *     {@code trixie-security}); non-null
   * @param component component (e.g. {@code main}); non-null
   * @return the base URI ending in {@code /}, or empty when the suite has another form, is itself
   *     listed ({@link #baseFor} answers for it), or no entry of the same class serves the
   *     component
   */
  public Optional<URI> siblingBaseFor(String suite, String component) {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(component, "component");
    var want = RELEASE_SUITE.matcher(suite);
    if (!want.matches() || baseFor(suite, component).isPresent()) {
      return Optional.empty();
    }
    String suffix = Objects.requireNonNullElse(want.group(2), "");
    for (Entry e : entries) {
      var have = RELEASE_SUITE.matcher(e.suite());
      if (have.matches()
          && !have.group(1).equals(want.group(1))
          && Objects.requireNonNullElse(have.group(2), "").equals(suffix)
          && e.components().contains(component)) {
        return Optional.of(e.uri());
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "AptSources" + entries;
  }

  // ---------------------------------------------------------------------------------------------

  /** One-line format: {@code deb [opt=val ...] uri suite [component ...]}; # starts a comment. */
  private static void parseOneLine(Path file, List<Entry> out) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i);
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] typeAndRest = WS.split(line, 2);
      String type = typeAndRest[0];
      if (!type.equals("deb") && !type.equals("deb-src")) {
        throw malformed(file, lineNo, "unknown type '" + type + "'");
      }
      String rest = typeAndRest.length > 1 ? typeAndRest[1].strip() : "";
      Map<String, String> options = new LinkedHashMap<>();
      if (rest.startsWith("[")) {
        int close = rest.indexOf(']');
        if (close < 0) {
          throw malformed(file, lineNo, "unterminated '[' option list");
        }
        for (String opt : WS.split(rest.substring(1, close).strip())) {
          if (opt.isEmpty()) {
            continue;
          }
          int eq = opt.indexOf('=');
          if (eq <= 0) {
            throw malformed(file, lineNo, "option '" + opt + "' is not key=value");
          }
          String key = opt.substring(0, eq).toLowerCase(Locale.ROOT);
          String suffix = "";
          if (key.endsWith("+") || key.endsWith("-")) {
            suffix = key.substring(key.length() - 1);
            key = key.substring(0, key.length() - 1);
          }
          key = ONE_LINE_OPTION_NAMES.getOrDefault(key, key) + suffix;
          options.put(key, opt.substring(eq + 1));
        }
        rest = rest.substring(close + 1).strip();
      }
      String[] words = rest.isEmpty() ? new String[0] : WS.split(rest);
      if (words.length < 2) {
        throw malformed(file, lineNo, "expected a URI and a suite");
      }
      if (!type.equals("deb")) {
        continue;
      }
      URI uri = parseUri(file, lineNo, words[0]);
      String suite = words[1];
      List<String> components = Arrays.asList(words).subList(2, words.length);
      checkSuite(file, lineNo, suite, components);
      out.add(new Entry(file, lineNo, uri, suite, components, options));
    }
  }

  /**
   * deb822 format: stanzas separated by blank lines, {@code Field: value}, continuation lines start
   * with a space or tab, lines starting with # are comments. Field names are case-insensitive.
   */
  private static void parseDeb822(Path file, List<Entry> out) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Map<String, String> fields = new LinkedHashMap<>();
    int stanzaLine = 0;
    String lastKey = null;
    for (int i = 0; i <= lines.size(); i++) {
      String line = i < lines.size() ? lines.get(i) : "";
      int lineNo = i + 1;
      if (line.startsWith("#")) {
        continue;
      }
      if (line.isBlank()) {
        if (!fields.isEmpty()) {
          stanza(file, stanzaLine, fields, out);
          fields = new LinkedHashMap<>();
        }
        lastKey = null;
        continue;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (lastKey == null) {
          throw malformed(file, lineNo, "continuation line outside a field");
        }
        String cont = line.strip();
        fields.put(lastKey, fields.get(lastKey) + "\n" + (cont.equals(".") ? "" : cont));
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw malformed(file, lineNo, "expected 'Field: value'");
      }
      if (fields.isEmpty()) {
        stanzaLine = lineNo;
      }
      lastKey = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      if (fields.containsKey(lastKey)) {
        throw malformed(file, lineNo, "field '" + line.substring(0, colon).strip() + "' repeated");
      }
      fields.put(lastKey, line.substring(colon + 1).strip());
    }
  }

  private static void stanza(Path file, int lineNo, Map<String, String> fields, List<Entry> out)
      throws IOException {
    String enabled = fields.getOrDefault("enabled", "yes").strip().toLowerCase(Locale.ROOT);
    if (FALSE.contains(enabled)) {
      return;
    }
    List<String> types = words(fields.get("types"));
    List<String> uris = words(fields.get("uris"));
    List<String> suites = words(fields.get("suites"));
    List<String> components = words(fields.get("components"));
    if (types.isEmpty() || uris.isEmpty() || suites.isEmpty()) {
      throw malformed(file, lineNo, "stanza needs Types, URIs and Suites");
    }
    for (String t : types) {
      if (!t.equals("deb") && !t.equals("deb-src")) {
        throw malformed(file, lineNo, "unknown type '" + t + "'");
      }
    }
    if (!types.contains("deb")) {
      return;
    }
    Map<String, String> options = new LinkedHashMap<>(fields);
    for (String k : List.of("types", "uris", "suites", "components", "enabled")) {
      options.remove(k);
    }
    for (String u : uris) {
      URI uri = parseUri(file, lineNo, u);
      for (String suite : suites) {
        checkSuite(file, lineNo, suite, components);
        out.add(new Entry(file, lineNo, uri, suite, components, options));
      }
    }
  }

  private static void checkSuite(Path file, int lineNo, String suite, List<String> components)
      throws IOException {
    if (suite.endsWith("/") && !components.isEmpty()) {
      throw malformed(file, lineNo, "flat suite '" + suite + "' must not have components");
    }
    if (!suite.endsWith("/") && components.isEmpty()) {
      throw malformed(file, lineNo, "suite '" + suite + "' needs at least one component");
    }
  }

  private static List<String> words(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return List.of(WS.split(value.strip()));
  }

  private static URI parseUri(Path file, int lineNo, String text) throws IOException {
    String s = text.endsWith("/") ? text : text + "/";
    try {
      URI uri = new URI(s);
      if (uri.getScheme() == null) {
        throw malformed(file, lineNo, "URI '" + text + "' has no scheme");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw malformed(file, lineNo, "bad URI '" + text + "': " + e.getReason());
    }
  }

  private static IOException malformed(Path file, int line, String why) {
    return new IOException(file + ":" + line + ": " + why);
  }
}
