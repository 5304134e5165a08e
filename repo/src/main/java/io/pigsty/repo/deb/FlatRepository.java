package io.pigsty.repo.deb;

import io.pigsty.repo.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writers of a flat APT repository's metadata (Debian wiki "DebianRepository/Format", flat
 * repository format): {@code Packages}, {@code Packages.gz} and {@code Release}. All output is
 * deterministic: the same packages and date give the same bytes.
 */
public final class FlatRepository {
  private FlatRepository() {}

  /** Where a package's .deb is in the repository, with its size in bytes and SHA256. */
  public record Entry(DebPackage pkg, String filename, long size, String sha256) {}

  private static final String[] REPLACED = {
    "Filename", "Size", "MD5sum", "SHA1", "SHA256", "SHA512"
  };

  /**
   * Renders a Packages file: each package's stanza as read (fields in their order, unchanged), with
   * Filename, Size and SHA256 set to the given values; stanzas sorted by name, then version, then
   * architecture.
   *
   * @param entries the packages and their files
   * @return the file's bytes (UTF-8)
   */
  public static byte[] packagesFile(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(
        Comparator.comparing((Entry e) -> e.pkg().name())
            .thenComparing(e -> e.pkg().version())
            .thenComparing(e -> e.pkg().architecture()));
    StringBuilder sb = new StringBuilder(sorted.size() * 1200);
    for (Entry e : sorted) {
      sb.append(stanza(e)).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String stanza(Entry e) {
    StringBuilder sb = new StringBuilder(1200);
    boolean skipping = false;
    for (String line : e.pkg().paragraph().text().split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (!skipping) {
          sb.append(line).append('\n');
        }
        continue;
      }
      skipping = false;
      int colon = line.indexOf(':');
      String key = colon > 0 ? line.substring(0, colon) : line;
      for (String r : REPLACED) {
        if (r.equalsIgnoreCase(key)) {
          skipping = true;
          break;
        }
      }
      if (key.equals("Description")) {
        sb.append("Filename: ")
            .append(e.filename())
            .append('\n')
            .append("Size: ")
            .append(e.size())
            .append('\n')
            .append("SHA256: ")
            .append(e.sha256())
            .append('\n');
        e = null;
      }
      if (!skipping) {
        sb.append(line).append('\n');
      }
    }
    if (e != null) {
      sb.append("Filename: ")
          .append(e.filename())
          .append('\n')
          .append("Size: ")
          .append(e.size())
          .append('\n')
          .append("SHA256: ")
          .append(e.sha256())
          .append('\n');
    }
    return sb.toString();
  }

  /**
   * Gzips with a fixed header (no name, mtime 0), so equal input gives equal output.
   *
   * @param data bytes to compress
   * @return gzip member
   */
  public static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
    try (GZIPOutputStream gz =
        new GZIPOutputStream(out, 1 << 16) {
          {
            def.setLevel(9);
          }
        }) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Renders a Release file for a flat repository.
   *
   * @param fields header fields in order (e.g. Origin, Label, Suite, Codename, Architectures,
   *     Description); a Date field is added from {@code date}
   * @param date the Date field's value (RFC 2822, UTC); pass a fixed instant for reproducible
   *     output
   * @param files index files by path relative to the repository (e.g. {@code Packages}) and their
   *     content, listed under SHA256 in the given order
   * @return the Release file's bytes
   */
  public static byte[] releaseFile(
      Map<String, String> fields, Instant date, Map<String, byte[]> files) {
    StringBuilder sb = new StringBuilder();
    fields.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    sb.append("Date: ").append(rfc2822(date)).append('\n');
    sb.append("SHA256:\n");
    files.forEach(
        (path, content) ->
            sb.append(' ')
                .append(Digests.sha256Hex(content))
                .append(String.format(Locale.ROOT, " %16d ", content.length))
                .append(path)
                .append('\n'));
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @return the instant formatted as in Release files, e.g. {@code Sat, 11 Jul 2026 10:16:37 UTC}
   */
  public static String rfc2822(Instant t) {
    return DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT)
        .withZone(ZoneOffset.UTC)
        .format(t);
  }
}
