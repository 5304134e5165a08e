package io.pigsty.repo.deb;

import io.pigsty.repo.Printable;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One paragraph (stanza) of a deb822 control file (Debian Policy 5.1): its fields in order, plus
 * the exact bytes it was read from so that an index writer can copy it verbatim.
 */
public final class Paragraph {
  private final Map<String, String> fields;
  private final byte[] source;
  private final Supplier<byte[]> lazySource;
  private final int start;
  private final int end;

  Paragraph(Map<String, String> fields, byte[] source, int start, int end) {
    this.fields = fields;
    this.source = source;
    this.lazySource = null;
    this.start = start;
    this.end = end;
  }

  private Paragraph(Map<String, String> fields, Supplier<byte[]> lazySource, int start, int end) {
    this.fields = fields;
    this.source = null;
    this.lazySource = lazySource;
    this.start = start;
    this.end = end;
  }

  /**
   * A paragraph restored from an {@link IndexSnapshot}: the kept fields, and the file it came from,
   * read only if {@link #text()} is called.
   */
  static Paragraph restored(
      String[] names, String[] values, Supplier<byte[]> file, int start, int end) {
    ArrayFields f = new ArrayFields(names);
    System.arraycopy(values, 0, f.values, 0, values.length);
    return new Paragraph(f, file, start, end);
  }

  int start() {
    return start;
  }

  int end() {
    return end;
  }

  /**
   * @return the value of the i-th kept field, for snapshots (null when absent)
   */
  String keptValue(int i) {
    return ((ArrayFields) fields).values[i];
  }

  /**
   * @return the value of a field (case-insensitive name; continuation lines joined with '\n'), or
   *     {@code null}
   */
  public String get(String name) {
    String v = fields.get(name);
    if (v != null) {
      return v;
    }
    if (fields instanceof ArrayFields) {
      return null;
    }
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * @return the fields in file order (unmodifiable)
   */
  public Map<String, String> fields() {
    return Collections.unmodifiableMap(fields);
  }

  /**
   * @return the paragraph's text as read, without the blank line that ends it
   */
  public String text() {
    byte[] src = source != null ? source : lazySource.get();
    return new String(src, start, end - start, StandardCharsets.UTF_8);
  }

  /**
   * Parses every paragraph of a control file held in memory.
   *
   * @param data the whole file (UTF-8)
   * @param name the file's name or URL, for messages
   * @param sink receives each paragraph in order
   * @throws MetadataException naming {@code name} and the line for a line that is neither a field,
   *     a continuation, a comment nor blank
   */
  public static void parseAll(byte[] data, String name, Consumer<Paragraph> sink)
      throws MetadataException {
    parseAll(data, name, null, sink);
  }

  /**
   * Like {@link #parseAll(byte[], String, java.util.function.Consumer)} but keeps only the named
   * fields (exact case), which makes reading a 50 MB Packages file several times cheaper.
   *
   * @param wanted field names to keep, or {@code null} for all
   */
  public static void parseAll(byte[] data, String name, String[] wanted, Consumer<Paragraph> sink)
      throws MetadataException {
    parseRange(data, 0, data.length, 1, name, wanted, sink);
  }

  /**
   * Parses the paragraphs of {@code data[from, to)}; {@code from} must start a paragraph (or blank
   * lines before one) and {@code to} end one.
   *
   * @param firstLine the 1-based line number of {@code from}, for messages
   */
  static void parseRange(
      byte[] data,
      int from,
      int to,
      int firstLine,
      String name,
      String[] wanted,
      Consumer<Paragraph> sink)
      throws MetadataException {
    byte[][] want = null;
    if (wanted != null) {
      want = new byte[wanted.length][];
      for (int i = 0; i < wanted.length; i++) {
        want[i] = wanted[i].getBytes(StandardCharsets.US_ASCII);
      }
    }
    int pos = from;
    int line = firstLine;
    int n = to;
    while (pos < n) {
      // skip blank lines between paragraphs
      while (pos < n && (data[pos] == '\n' || data[pos] == '\r')) {
        if (data[pos] == '\n') {
          line++;
        }
        pos++;
      }
      if (pos >= n) {
        break;
      }
      int start = pos;
      Map<String, String> fields = want == null ? new LinkedHashMap<>(32) : new ArrayFields(wanted);
      String lastKey = null;
      boolean skipping = false;
      while (pos < n && data[pos] != '\n') {
        int eol = pos;
        while (eol < n && data[eol] != '\n') {
          eol++;
        }
        int lineEnd = eol > pos && data[eol - 1] == '\r' ? eol - 1 : eol;
        byte c = data[pos];
        if (c == ' ' || c == '\t') {
          if (skipping) {
            pos = eol < n ? eol + 1 : eol;
            line++;
            continue;
          }
          if (lastKey == null) {
            throw new MetadataException(name + ":" + line + ": continuation line without a field");
          }
          String cont = new String(data, pos + 1, lineEnd - pos - 1, StandardCharsets.UTF_8);
          fields.put(lastKey, fields.get(lastKey) + "\n" + cont);
        } else if (c != '#') {
          int colon = pos;
          while (colon < lineEnd && data[colon] != ':') {
            colon++;
          }
          if (colon == lineEnd || colon == pos) {
            throw new MetadataException(
                name
                    + ":"
                    + line
                    + ": expected 'Field: value', got '"
                    + Printable.escape(
                        new String(data, pos, Math.min(lineEnd - pos, 60), StandardCharsets.UTF_8))
                    + "'");
          }
          int keyIndex = want == null ? -1 : match(want, data, pos, colon - pos);
          if (want != null && keyIndex < 0) {
            lastKey = null;
            skipping = true;
            pos = eol < n ? eol + 1 : eol;
            line++;
            continue;
          }
          skipping = false;
          lastKey =
              want == null
                  ? new String(data, pos, colon - pos, StandardCharsets.US_ASCII)
                  : wanted[keyIndex];
          int v = colon + 1;
          while (v < lineEnd && (data[v] == ' ' || data[v] == '\t')) {
            v++;
          }
          int ve = lineEnd;
          while (ve > v && (data[ve - 1] == ' ' || data[ve - 1] == '\t')) {
            ve--;
          }
          fields.put(lastKey, new String(data, v, ve - v, StandardCharsets.UTF_8));
        }
        pos = eol < n ? eol + 1 : eol;
        line++;
      }
      int end = pos > start && pos <= n && data[pos - 1] == '\n' ? pos - 1 : pos;
      sink.accept(new Paragraph(fields, data, start, end));
    }
  }

  private static int match(byte[][] want, byte[] data, int off, int len) {
    for (int i = 0; i < want.length; i++) {
      byte[] w = want[i];
      if (w.length == len && w[0] == data[off]) {
        int j = 1;
        while (j < len && w[j] == data[off + j]) {
          j++;
        }
        if (j == len) {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * Field storage when only known fields are kept: one array slot per wanted name, so a 64k-stanza
   * index allocates no hash map per stanza. Iterates in the wanted order.
   */
  private static final class ArrayFields extends AbstractMap<String, String> {
    private final String[] names;
    private final String[] values;

    ArrayFields(String[] names) {
      this.names = names;
      this.values = new String[names.length];
    }

    @Override
    public String get(Object key) {
      for (int i = 0; i < names.length; i++) {
        if (names[i] == key || names[i].equals(key)) {
          return values[i];
        }
      }
      return null;
    }

    @Override
    public String put(String key, String value) {
      for (int i = 0; i < names.length; i++) {
        if (names[i] == key || names[i].equals(key)) {
          String old = values[i];
          values[i] = value;
          return old;
        }
      }
      throw new IllegalArgumentException("field " + key + " was not asked for");
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      Map<String, String> m = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        if (values[i] != null) {
          m.put(names[i], values[i]);
        }
      }
      return m.entrySet();
    }
  }
}
