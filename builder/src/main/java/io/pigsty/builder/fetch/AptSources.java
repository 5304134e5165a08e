package io.pigsty.builder.fetch;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The binary-package sources of a host's apt configuration (sources.list(5)): the one-line
 * format of {@code sources.list} and {@code sources.list.d/*.list}, and the deb822 format of
 * {@code sources.list.d/*.sources}. {@code deb-src} entries, {@code Enabled: no} stanzas and
 * files with other extensions (as apt ignores them) are left out.
 */
public final class AptSources {
  /**
   * One source: an archive base URI with the suites and components it serves.
   *
   * @param uri the archive base (before {@code /dists/}), as written
   * @param suites suite names, e.g. {@code bookworm-updates}
   * @param components component names, e.g. {@code main}
   * @param file the file it was read from
   */
  public record Entry(URI uri, List<String> suites, List<String> components, Path file) {}

  private final List<Entry> entries;

  private AptSources(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** @return the sources of {@code /etc/apt} */
  public static AptSources host() throws IOException {
    return read(Path.of("/etc/apt"));
  }

  /**
   * Reads {@code sources.list} and {@code sources.list.d/} under an apt configuration dir.
   *
   * @param etcApt e.g. {@code /etc/apt}; missing files are fine
   * @return every enabled {@code deb} entry, in apt's reading order (sources.list first, then
   *     sources.list.d by file name)
   * @throws IOException naming the file and line of a malformed entry, or when a file cannot be read
   */
  public static AptSources read(Path etcApt) throws IOException {
    List<Entry> out = new ArrayList<>();
    Path main = etcApt.resolve("sources.list");
    if (Files.isRegularFile(main)) {
      readOneLine(main, out);
    }
    Path dir = etcApt.resolve("sources.list.d");
    if (Files.isDirectory(dir)) {
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        ds.forEach(files::add);
      }
      files.sort(null);
      for (Path f : files) {
        String n = f.getFileName().toString();
        if (n.endsWith(".list")) {
          readOneLine(f, out);
        } else if (n.endsWith(".sources")) {
          readDeb822(f, out);
        }
      }
    }
    return new AptSources(out);
  }

  /** @return every enabled binary source */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * @param suite e.g. {@code bookworm-security}
   * @param component e.g. {@code main}
   * @return the base URI of the first source serving that suite and component
   */
  public Optional<URI> baseFor(String suite, String component) {
    for (Entry e : entries) {
      if (e.suites().contains(suite) && (e.components().isEmpty() || e.components().contains(component))) {
        return Optional.of(e.uri());
      }
    }
    return Optional.empty();
  }

  private static void readOneLine(Path f, List<Entry> out) throws IOException {
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      int hash = l.indexOf('#');
      if (hash >= 0) {
        l = l.substring(0, hash);
      }
      l = l.strip();
      if (l.isEmpty()) {
        continue;
      }
      // options in brackets may contain spaces: [ arch=amd64 signed-by=/x ]
      String opts = "";
      int lb = l.indexOf('[');
      if (lb >= 0) {
        int rb = l.indexOf(']', lb);
        if (rb < 0) {
          throw new IOException(f + ":" + (i + 1) + ": unterminated '[' in '" + l + "'");
        }
        opts = l.substring(lb + 1, rb);
        l = (l.substring(0, lb) + " " + l.substring(rb + 1)).strip();
      }
      String[] w = l.split("\\s+");
      if (w.length < 3) {
        throw new IOException(f + ":" + (i + 1) + ": expected 'deb URI suite [component...]'");
      }
      if (!w[0].equals("deb")) {
        continue;
      }
      if (opts.toLowerCase(Locale.ROOT).matches(".*\\benabled=no\\b.*")) {
        continue;
      }
      out.add(new Entry(uri(w[1], f, i + 1), List.of(w[2]),
          List.copyOf(Arrays.asList(w).subList(3, w.length)), f));
    }
  }

  private static void readDeb822(Path f, List<Entry> out) throws IOException {
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    List<String[]> fields = new ArrayList<>();
    int start = 1;
    for (int i = 0; i <= lines.size(); i++) {
      String l = i < lines.size() ? lines.get(i) : "";
      if (l.startsWith("#")) {
        continue;
      }
      if (l.isBlank()) {
        if (!fields.isEmpty()) {
          stanza(f, start, fields, out);
          fields.clear();
        }
        start = i + 2;
        continue;
      }
      if (l.charAt(0) == ' ' || l.charAt(0) == '\t') {
        if (fields.isEmpty()) {
          throw new IOException(f + ":" + (i + 1) + ": continuation line without a field");
        }
        String[] last = fields.get(fields.size() - 1);
        last[1] = last[1] + " " + l.strip();
        continue;
      }
      int colon = l.indexOf(':');
      if (colon <= 0) {
        throw new IOException(f + ":" + (i + 1) + ": expected 'Field: value', got '" + l + "'");
      }
      fields.add(new String[] {l.substring(0, colon).strip(), l.substring(colon + 1).strip()});
    }
  }

  private static void stanza(Path f, int line, List<String[]> fields, List<Entry> out) throws IOException {
    String types = value(fields, "Types");
    String uris = value(fields, "URIs");
    String suites = value(fields, "Suites");
    String components = value(fields, "Components");
    String enabled = value(fields, "Enabled");
    if (types == null || uris == null || suites == null) {
      throw new IOException(f + ":" + line + ": stanza needs Types, URIs and Suites");
    }
    if (enabled != null && enabled.equalsIgnoreCase("no")) {
      return;
    }
    if (!Arrays.asList(types.split("\\s+")).contains("deb")) {
      return;
    }
    List<String> s = List.of(suites.split("\\s+"));
    List<String> c = components == null || components.isBlank() ? List.of() : List.of(components.split("\\s+"));
    for (String u : uris.split("\\s+")) {
      out.add(new Entry(uri(u, f, line), s, c, f));
    }
  }

  private static String value(List<String[]> fields, String name) {
    for (String[] kv : fields) {
      if (kv[0].equalsIgnoreCase(name)) {
        return kv[1];
      }
    }
    return null;
  }

  private static URI uri(String s, Path f, int line) throws IOException {
    try {
      return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    } catch (IllegalArgumentException e) {
      throw new IOException(f + ":" + line + ": bad URI '" + s + "'");
    }
  }
}
