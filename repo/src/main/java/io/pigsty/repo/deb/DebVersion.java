package io.pigsty.repo.deb;

/** Placeholder Debian version (replaced by the full implementation on merge). */
public final class DebVersion implements Comparable<DebVersion> {
  private final String text;
  private final int epoch;
  private final String upstream;
  private final String revision;

  private DebVersion(String text, int epoch, String upstream, String revision) {
    this.text = text;
    this.epoch = epoch;
    this.upstream = upstream;
    this.revision = revision;
  }

  public static DebVersion parse(String s) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("empty version");
    }
    String t = s.trim();
    int colon = t.indexOf(':');
    int epoch = colon > 0 ? Integer.parseInt(t.substring(0, colon)) : 0;
    String rest = t.substring(colon + 1);
    int dash = rest.lastIndexOf('-');
    return new DebVersion(s, epoch, dash >= 0 ? rest.substring(0, dash) : rest, dash >= 0 ? rest.substring(dash + 1) : "");
  }

  public int epoch() { return epoch; }
  public String upstream() { return upstream; }
  public String revision() { return revision; }

  public static int compare(String a, String b) {
    return parse(a).compareTo(parse(b));
  }

  @Override
  public int compareTo(DebVersion o) {
    if (epoch != o.epoch) return Integer.compare(epoch, o.epoch);
    int c = verrevcmp(upstream, o.upstream);
    return c != 0 ? c : verrevcmp(revision, o.revision);
  }

  private static int order(char c) {
    if (Character.isDigit(c)) return 0;
    if (Character.isLetter(c)) return c;
    if (c == '~') return -1;
    if (c != 0) return c + 256;
    return 0;
  }

  private static int verrevcmp(String a, String b) {
    int i = 0, j = 0;
    while (i < a.length() || j < b.length()) {
      int firstDiff = 0;
      while ((i < a.length() && !Character.isDigit(a.charAt(i))) || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
        int ac = i < a.length() ? order(a.charAt(i)) : 0;
        int bc = j < b.length() ? order(b.charAt(j)) : 0;
        if (ac != bc) return ac - bc;
        i++; j++;
      }
      while (i < a.length() && a.charAt(i) == '0') i++;
      while (j < b.length() && b.charAt(j) == '0') j++;
      while (i < a.length() && Character.isDigit(a.charAt(i)) && j < b.length() && Character.isDigit(b.charAt(j))) {
        if (firstDiff == 0) firstDiff = a.charAt(i) - b.charAt(j);
        i++; j++;
      }
      if (i < a.length() && Character.isDigit(a.charAt(i))) return 1;
      if (j < b.length() && Character.isDigit(b.charAt(j))) return -1;
      if (firstDiff != 0) return firstDiff;
    }
    return 0;
  }

  @Override public boolean equals(Object o) { return o instanceof DebVersion v && compareTo(v) == 0; }
  @Override public int hashCode() { return epoch; }
  @Override public String toString() { return text; }
}
