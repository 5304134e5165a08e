package io.pigsty.repo.deb;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A suite's Release file (the signed text of InRelease): its identity fields and the SHA256 list of
 * index files (Debian wiki "DebianRepository/Format", section Release).
 */
public final class ReleaseFile {
  /** One line of the SHA256 field: {@code <sha256> <size> <path>}. */
  public record Entry(String sha256, long size, String path) {}

  /**
   * How far a Release {@code Date} may lie ahead of the local clock: 10 seconds, apt's default for
   * {@code Acquire::Max-FutureTime} ("seconds to allow release file's Date field to be in the
   * future (default 10)", apt's doc/examples/configure-index, apt 2.6); apt-get update refuses a
   * later Date with "Release file for ... is not valid yet". The same value as apt, so that what
   * the build and {@code pigsty verify} accept is what apt on the same clock accepts.
   */
  public static final Duration MAX_FUTURE_DATE = Duration.ofSeconds(10);

  private static final DateTimeFormatter RFC_2822 =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss [z][Z]", Locale.ROOT);

  private final Map<String, String> fields;
  private final Map<String, Entry> sha256;
  private final String source;

  private ReleaseFile(Map<String, String> fields, Map<String, Entry> sha256, String source) {
    this.fields = fields;
    this.sha256 = sha256;
    this.source = source;
  }

  /**
   * Parses Release text (already verified when it came from InRelease).
   *
   * @param text the signed text
   * @param source file name or URL for messages
   * @throws MetadataException naming {@code source} when the text is not one paragraph or a SHA256
   *     line is malformed
   */
  public static ReleaseFile parse(byte[] text, String source) throws MetadataException {
    List<Paragraph> ps = new ArrayList<>(1);
    Paragraph.parseAll(text, source, ps::add);
    if (ps.size() != 1) {
      throw new MetadataException(source + ": expected one Release paragraph, found " + ps.size());
    }
    Map<String, String> fields = new LinkedHashMap<>(ps.get(0).fields());
    Map<String, Entry> sums = new LinkedHashMap<>();
    String list = fields.get("SHA256");
    if (list != null) {
      for (String line : list.split("\n")) {
        String l = line.strip();
        if (l.isEmpty()) {
          continue;
        }
        String[] parts = l.split("\\s+");
        if (parts.length != 3 || parts[0].length() != 64) {
          throw new MetadataException(source + ": malformed SHA256 line '" + l + "'");
        }
        try {
          sums.put(
              parts[2],
              new Entry(parts[0].toLowerCase(Locale.ROOT), Long.parseLong(parts[1]), parts[2]));
        } catch (NumberFormatException e) {
          throw new MetadataException(source + ": malformed size in SHA256 line '" + l + "'");
        }
      }
    }
    return new ReleaseFile(fields, sums, source);
  }

  /**
   * @return a field's value or {@code null}
   */
  public String field(String name) {
    return fields.get(name);
  }

  /**
   * @return the Suite field or {@code null}
   */
  public String suite() {
    return fields.get("Suite");
  }

  /**
   * @return the Codename field or {@code null}
   */
  public String codename() {
    return fields.get("Codename");
  }

  /**
   * @return the Date field; @throws MetadataException when absent or malformed
   */
  public Instant date() throws MetadataException {
    return instant("Date").orElseThrow(() -> new MetadataException(source + ": no Date field"));
  }

  /**
   * @return the Valid-Until field if present; @throws MetadataException when malformed
   */
  public Optional<Instant> validUntil() throws MetadataException {
    return instant("Valid-Until");
  }

  private Optional<Instant> instant(String field) throws MetadataException {
    String v = fields.get(field);
    if (v == null) {
      return Optional.empty();
    }
    try {
      String norm = v.trim().replace("UTC", "GMT");
      return Optional.of(ZonedDateTime.parse(norm, RFC_2822).toInstant());
    } catch (DateTimeParseException e) {
      throw new MetadataException(source + ": malformed " + field + " '" + v + "'");
    }
  }

  /**
   * @return the SHA256 entry of an index file by its path below the suite, e.g. {@code
   *     main/binary-amd64/Packages.xz}
   */
  public Optional<Entry> sha256(String path) {
    return Optional.ofNullable(sha256.get(path));
  }

  /**
   * @return every SHA256 entry, in file order
   */
  public List<Entry> sha256Entries() {
    return List.copyOf(sha256.values());
  }

  /**
   * Checks what apt checks before trusting a suite: the Suite or Codename matches the suite asked
   * for, and the dates of {@link #checkDates}.
   *
   * @param expectedSuite the suite name from the sources entry, e.g. {@code bookworm-security}
   * @param now the current time
   * @throws MetadataException naming the source when a check fails
   */
  public void checkFor(String expectedSuite, Instant now) throws MetadataException {
    if (!expectedSuite.equals(suite()) && !expectedSuite.equals(codename())) {
      throw new MetadataException(
          source
              + ": Release is for suite '"
              + suite()
              + "' codename '"
              + codename()
              + "', expected '"
              + expectedSuite
              + "'");
    }
    checkDates(now);
  }

  /**
   * Checks the dates as apt-get update does with its defaults ({@code Acquire::Check-Valid-Until}
   * and {@code Acquire::Check-Date} on, apt 2.x): Valid-Until, when present, is not in the past,
   * and Date, when present, is at most {@link #MAX_FUTURE_DATE} after {@code now}.
   *
   * @param now the current time, non-null
   * @throws MetadataException naming the source when a date is malformed, Valid-Until has passed,
   *     or Date lies in the future
   */
  public void checkDates(Instant now) throws MetadataException {
    Optional<Instant> until = validUntil();
    if (until.isPresent() && until.get().isBefore(now)) {
      throw new MetadataException(
          source + ": Release expired at " + until.get() + " (Valid-Until); the mirror is stale");
    }
    Optional<Instant> date = instant("Date");
    if (date.isPresent() && date.get().isAfter(now.plus(MAX_FUTURE_DATE))) {
      throw new MetadataException(
          source
              + ": Release Date "
              + date.get()
              + " is in the future (now "
              + now
              + ", at most "
              + MAX_FUTURE_DATE.toSeconds()
              + " s ahead allowed, as by apt); apt would refuse it as not valid yet:"
              + " the clock of the host that wrote it or of this host is wrong");
    }
  }

  /**
   * @return every field in file order (unmodifiable)
   */
  public Map<String, String> fields() {
    return Collections.unmodifiableMap(fields);
  }
}
