package io.pigsty.repo.deb;

/**
 * A Debian package version {@code [epoch:]upstream_version[-debian_revision]} and its order
 * (Debian Policy 5.6.12; the algorithm of dpkg's {@code verrevcmp} in lib/dpkg/version.c).
 * Immutable; {@link #equals} agrees with {@link #compareTo}, so {@code 0:1.0} equals
 * {@code 1.0} and {@code 1.0-0} equals {@code 1.0}.
 */
public final class DebVersion implements Comparable<DebVersion> {
  private final String text;
  private final long epoch;
  private final String upstream;
  private final String revision;

  private DebVersion(String text, long epoch, String upstream, String revision) {
    this.text = text;
    this.epoch = epoch;
    this.upstream = upstream;
    this.revision = revision;
  }

  /**
   * Parses a version as dpkg's {@code parseversion} does: the epoch is the digits before the
   * first colon, the revision what follows the last hyphen.
   *
   * @param s the version text; surrounding blanks are ignored
   * @return the version, whose {@link #toString} is {@code s} as given
   * @throws IllegalArgumentException naming {@code s} when it is empty, has embedded blanks,
   *     a non-numeric or too large epoch, an empty upstream part or revision, or characters
   *     outside {@code [A-Za-z0-9.+~:-]} (revision: {@code [A-Za-z0-9.+~]})
   */
  public static DebVersion parse(String s) {
    if (s == null) {
      throw new IllegalArgumentException("version is null");
    }
    String t = s.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("version '" + s + "' is empty");
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c <= ' ' && Character.isWhitespace(c)) {
        throw new IllegalArgumentException("version '" + s + "' has embedded spaces");
      }
    }
    long epoch = 0;
    String rest = t;
    int colon = t.indexOf(':');
    if (colon >= 0) {
      String e = t.substring(0, colon);
      if (e.isEmpty() || !e.chars().allMatch(c -> c >= '0' && c <= '9') || e.length() > 9) {
        throw new IllegalArgumentException("version '" + s + "' has a bad epoch '" + e + "'");
      }
      epoch = Long.parseLong(e);
      rest = t.substring(colon + 1);
    }
    String upstream = rest;
    String revision = "";
    int dash = rest.lastIndexOf('-');
    if (dash >= 0) {
      upstream = rest.substring(0, dash);
      revision = rest.substring(dash + 1);
      if (revision.isEmpty()) {
        throw new IllegalArgumentException("version '" + s + "' has an empty revision");
      }
    }
    if (upstream.isEmpty()) {
      throw new IllegalArgumentException("version '" + s + "' has an empty upstream version");
    }
    for (int i = 0; i < upstream.length(); i++) {
      char c = upstream.charAt(i);
      if (!(isAsciiAlnum(c) || c == '.' || c == '-' || c == '+' || c == '~' || c == ':')) {
        throw new IllegalArgumentException("version '" + s + "' has invalid character '" + c + "'");
      }
    }
    for (int i = 0; i < revision.length(); i++) {
      char c = revision.charAt(i);
      if (!(isAsciiAlnum(c) || c == '.' || c == '+' || c == '~')) {
        throw new IllegalArgumentException("version '" + s + "' has invalid character '" + c + "' in its revision");
      }
    }
    return new DebVersion(s, epoch, upstream, revision);
  }

  /** @return the epoch, 0 when absent */
  public long epoch() {
    return epoch;
  }

  /** @return the upstream_version part */
  public String upstream() {
    return upstream;
  }

  /** @return the debian_revision part, {@code ""} when absent (which sorts as {@code 0}) */
  public String revision() {
    return revision;
  }

  /**
   * Compares two version strings.
   *
   * @return negative, zero or positive as {@code a} sorts before, equal to or after {@code b}
   * @throws IllegalArgumentException when either is not a valid version
   */
  public static int compare(String a, String b) {
    return parse(a).compareTo(parse(b));
  }

  @Override
  public int compareTo(DebVersion o) {
    if (epoch != o.epoch) {
      return Long.compare(epoch, o.epoch);
    }
    int c = verrevcmp(upstream, o.upstream);
    return c != 0 ? c : verrevcmp(revision, o.revision);
  }

  private static boolean isAsciiAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** dpkg's {@code order()}: '~' before the end, the end before letters, letters before the rest. */
  private static int order(char c) {
    if (isDigit(c)) {
      return 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      return c;
    } else if (c == '~') {
      return -1;
    } else if (c != 0) {
      return c + 256;
    }
    return 0;
  }

  /** dpkg's {@code verrevcmp}: alternating non-digit and digit runs, digits compared numerically. */
  private static int verrevcmp(String a, String b) {
    int i = 0;
    int j = 0;
    int la = a.length();
    int lb = b.length();
    while (i < la || j < lb) {
      int firstDiff = 0;
      while ((i < la && !isDigit(a.charAt(i))) || (j < lb && !isDigit(b.charAt(j)))) {
        int ac = i < la ? order(a.charAt(i)) : 0;
        int bc = j < lb ? order(b.charAt(j)) : 0;
        if (ac != bc) {
          return ac - bc;
        }
        i++;
        j++;
      }
      while (i < la && a.charAt(i) == '0') {
        i++;
      }
      while (j < lb && b.charAt(j) == '0') {
        j++;
      }
      while (i < la && isDigit(a.charAt(i)) && j < lb && isDigit(b.charAt(j))) {
        if (firstDiff == 0) {
          firstDiff = a.charAt(i) - b.charAt(j);
        }
        i++;
        j++;
      }
      if (i < la && isDigit(a.charAt(i))) {
        return 1;
      }
      if (j < lb && isDigit(b.charAt(j))) {
        return -1;
      }
      if (firstDiff != 0) {
        return firstDiff;
      }
    }
    return 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DebVersion && compareTo((DebVersion) o) == 0;
  }

  /** Consistent with {@link #equals}: trailing-zero-insensitive parts are not hashed. */
  @Override
  public int hashCode() {
    return Long.hashCode(epoch);
  }

  /** @return the version exactly as parsed */
  @Override
  public String toString() {
    return text;
  }
}
