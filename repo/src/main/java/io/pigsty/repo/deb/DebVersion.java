package io.pigsty.repo.deb;

import java.nio.charset.StandardCharsets;

/**
 * A Debian package version {@code [epoch:]upstream_version[-debian_revision]} with dpkg's order
 * (Debian Policy 5.6.12; parsing and comparison as dpkg's lib/dpkg/parsehelp.c {@code parseversion}
 * and lib/dpkg/version.c {@code verrevcmp}). Immutable; {@link #equals} agrees with {@link
 * #compareTo}, so {@code 0:1.0}, {@code 1.0}, {@code 1.00} and {@code 1.0-0} are equal.
 */
public final class DebVersion implements Comparable<DebVersion> {
  /** dpkg's {@code order()} for each byte value; see {@link #orderOf(int)}. */
  private static final int[] ORDER = new int[256];

  static {
    for (int c = 0; c < 256; c++) {
      ORDER[c] = orderOf(c);
    }
  }

  private final String text;
  private final int epoch;
  private final String upstream;
  private final String revision;

  /** UTF-8 bytes of {@link #upstream}: what dpkg sees through its {@code char *}. */
  private final byte[] up;

  /** UTF-8 bytes of {@link #revision}. */
  private final byte[] rev;

  private final int hash;

  private DebVersion(String text, int epoch, String upstream, String revision) {
    this.text = text;
    this.epoch = epoch;
    this.upstream = upstream;
    this.revision = revision;
    this.up = upstream.getBytes(StandardCharsets.UTF_8);
    this.rev = revision.getBytes(StandardCharsets.UTF_8);
    this.hash = (31 * (31 + epoch) + partHash(up)) * 31 + partHash(rev);
  }

  /**
   * Parses a version the way dpkg's {@code parseversion} does, accepting everything dpkg accepts
   * with no more than a warning: an upstream part not starting with a digit, or characters outside
   * {@code [A-Za-z0-9.+~:-]} (revision: {@code [A-Za-z0-9.+~]}). Blanks (space, tab) around the
   * text are ignored. The epoch is what precedes the first colon, read as C's {@code strtol} reads
   * it (so {@code +1:2} has epoch 1); the revision is what follows the last hyphen.
   *
   * @param s the version text, not null
   * @return the version; its {@link #toString} is {@code s} exactly as given
   * @throws IllegalArgumentException naming {@code s} when dpkg rejects it: null, empty or blank,
   *     embedded blanks, an empty, non-numeric, negative or larger than 2147483647 epoch, nothing
   *     after the colon, an empty upstream part or revision; also when it holds NUL or an unpaired
   *     surrogate, which cannot reach dpkg at all
   */
  public static DebVersion parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("version is null");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        throw bad(s, "contains a NUL character");
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw bad(s, "contains an unpaired surrogate");
        }
      }
    }
    int begin = 0;
    int end = s.length();
    while (begin < end && isBlank(s.charAt(begin))) {
      begin++;
    }
    while (end > begin && isBlank(s.charAt(end - 1))) {
      end--;
    }
    if (begin == end) {
      throw bad(s, "version string is empty");
    }
    for (int i = begin; i < end; i++) {
      if (isBlank(s.charAt(i))) {
        throw bad(s, "version string has embedded spaces");
      }
    }
    int epoch = 0;
    int start = begin;
    int colon = s.indexOf(':', begin);
    if (colon >= 0 && colon < end) {
      epoch = parseEpoch(s, begin, colon);
      start = colon + 1;
      if (start == end) {
        throw bad(s, "nothing after colon in version number");
      }
    }
    int hyphen = s.lastIndexOf('-', end - 1);
    String upstream;
    String revision;
    if (hyphen >= start) {
      if (hyphen == end - 1) {
        throw bad(s, "revision number is empty");
      }
      upstream = s.substring(start, hyphen);
      revision = s.substring(hyphen + 1, end);
    } else {
      upstream = s.substring(start, end);
      revision = "";
    }
    if (upstream.isEmpty()) {
      throw bad(s, "version number is empty");
    }
    return new DebVersion(s, epoch, upstream, revision);
  }

  /**
   * Compares two version texts with dpkg's order; same as {@code parse(a).compareTo(parse(b))}.
   *
   * @param a first version text, not null
   * @param b second version text, not null
   * @return -1, 0 or 1 as {@code a} sorts before, equal to or after {@code b}
   * @throws IllegalArgumentException when either is not a version dpkg accepts (see {@link #parse})
   */
  public static int compare(String a, String b) {
    return parse(a).compareTo(parse(b));
  }

  /**
   * @return the epoch, 0 when absent; never negative
   */
  public int epoch() {
    return epoch;
  }

  /**
   * @return the upstream_version part: after the epoch's colon, before the last hyphen; never empty
   */
  public String upstream() {
    return upstream;
  }

  /**
   * @return the debian_revision part after the last hyphen, {@code ""} when absent (sorts as {@code
   *     0})
   */
  public String revision() {
    return revision;
  }

  /**
   * Orders by epoch, then upstream part, then revision, each part with dpkg's {@code verrevcmp}:
   * alternating non-digit and digit runs; in non-digit runs {@code ~} sorts before the end of the
   * run, the end before letters, letters before everything else (ASCII order within each group;
   * non-ASCII bytes of the UTF-8 text after letters and before ASCII punctuation, as dpkg on
   * signed-char platforms such as amd64); digit runs compare as unbounded integers. Allocates
   * nothing.
   *
   * @param o the other version, not null
   * @return -1, 0 or 1 as this version sorts before, equal to or after {@code o}
   */
  @Override
  public int compareTo(DebVersion o) {
    if (this == o) {
      return 0;
    }
    if (epoch != o.epoch) {
      return epoch < o.epoch ? -1 : 1;
    }
    int c = verrevcmp(up, o.up);
    return c != 0 ? c : verrevcmp(rev, o.rev);
  }

  /**
   * @return true when {@code o} is a {@code DebVersion} that {@link #compareTo} finds equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof DebVersion v && hash == v.hash && compareTo(v) == 0;
  }

  /**
   * Consistent with {@link #equals}: leading zeros, a zero epoch and a zero revision do not count.
   */
  @Override
  public int hashCode() {
    return hash;
  }

  /**
   * @return the version text exactly as given to {@link #parse}, blanks included
   */
  @Override
  public String toString() {
    return text;
  }

  private static IllegalArgumentException bad(String s, String why) {
    return new IllegalArgumentException("version '" + s + "' has bad syntax: " + why);
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /** C's {@code isspace} in the C locale, which {@code strtol} skips. */
  private static boolean isCSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The epoch in {@code s[from, colon)}, read as dpkg reads it with {@code strtol(s, &end, 10)}.
   */
  private static int parseEpoch(String s, int from, int colon) {
    int i = from;
    while (i < colon && isCSpace(s.charAt(i))) {
      i++;
    }
    boolean negative = false;
    if (i < colon && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    int digits = i;
    long value = 0;
    while (i < s.length() && isDigit(s.charAt(i))) {
      value = Math.min(value * 10 + (s.charAt(i) - '0'), 1L << 40);
      i++;
    }
    if (i == digits) {
      throw bad(s, "epoch in version is empty");
    }
    if (i != colon) {
      throw bad(s, "epoch in version is not number");
    }
    if (negative && value != 0) {
      throw bad(s, "epoch in version is negative");
    }
    if (value > Integer.MAX_VALUE) {
      throw bad(s, "epoch in version is too big");
    }
    return (int) value;
  }

  /**
   * dpkg's {@code order()} for an unsigned byte value: digits and the end 0, letters their code,
   * {@code ~} -1, anything else its code + 256. dpkg passes a plain {@code char}, which is signed
   * on amd64, so bytes 0x80-0xFF arrive as -128..-1 and end up as 128..255.
   */
  private static int orderOf(int c) {
    if (isDigit(c) || c == 0) {
      return 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return c;
    } else if (c == '~') {
      return -1;
    } else if (c >= 0x80) {
      return c;
    }
    return c + 256;
  }

  /**
   * dpkg's {@code verrevcmp} on UTF-8 bytes; the end of an array reads as NUL. Returns -1, 0 or 1.
   */
  private static int verrevcmp(byte[] a, byte[] b) {
    int i = 0;
    int j = 0;
    int la = a.length;
    int lb = b.length;
    while (i < la || j < lb) {
      int ca = i < la ? a[i] & 0xff : 0;
      int cb = j < lb ? b[j] & 0xff : 0;
      while ((ca != 0 && !isDigit(ca)) || (cb != 0 && !isDigit(cb))) {
        int oa = ORDER[ca];
        int ob = ORDER[cb];
        if (oa != ob) {
          return oa < ob ? -1 : 1;
        }
        i++;
        j++;
        ca = i < la ? a[i] & 0xff : 0;
        cb = j < lb ? b[j] & 0xff : 0;
      }
      while (i < la && a[i] == '0') {
        i++;
      }
      while (j < lb && b[j] == '0') {
        j++;
      }
      int firstDiff = 0;
      while (i < la && j < lb && isDigit(a[i]) && isDigit(b[j])) {
        if (firstDiff == 0) {
          firstDiff = a[i] - b[j];
        }
        i++;
        j++;
      }
      if (i < la && isDigit(a[i])) {
        return 1;
      }
      if (j < lb && isDigit(b[j])) {
        return -1;
      }
      if (firstDiff != 0) {
        return firstDiff < 0 ? -1 : 1;
      }
    }
    return 0;
  }

  /**
   * A hash equal for all parts {@link #verrevcmp} finds equal: two parts are equal exactly when
   * their runs of (non-digits, number) match one by one, numbers compared without leading zeros;
   * the one other case, an all-zero part against the empty part, hashes both as empty.
   */
  private static int partHash(byte[] p) {
    int k = 0;
    while (k < p.length && p[k] == '0') {
      k++;
    }
    if (k == p.length) {
      return 0;
    }
    int h = 1;
    int i = 0;
    while (i < p.length) {
      while (i < p.length && !isDigit(p[i])) {
        h = 31 * h + (p[i] & 0xff);
        i++;
      }
      h = 31 * h + 256;
      while (i < p.length && p[i] == '0') {
        i++;
      }
      while (i < p.length && isDigit(p[i])) {
        h = 31 * h + p[i];
        i++;
      }
      h = 31 * h + 257;
    }
    return h;
  }
}
