package io.pigsty.repo.rpm;

import java.util.Objects;

/**
 * An RPM epoch:version-release triple, ordered by rpm's rules (rpmvercmp in rpm's lib/rpmvercmp.c).
 *
 * <p>{@code epoch} and {@code release} may be {@code null} when absent (as in a dependency such as
 * {@code foo >= 1.2}); {@link #compareTo} treats a missing epoch as 0 and a missing release as the
 * empty string, as rpm's {@code rpmverCmp} (lib/rpmver.c, used by Lua {@code rpm.vercmp}) does.
 * {@link #compareForDependency} follows rpm's dependency range check ({@code rpmdsCompareIndex} in
 * lib/rpmds.c) instead: the release is compared only when both sides have a non-empty one.
 *
 * @param epoch epoch digits, or null when absent
 * @param version version string, never null
 * @param release release string, or null when absent
 */
public record Evr(String epoch, String version, String release) implements Comparable<Evr> {

  /** Validates that the version is present. @throws NullPointerException if version is null */
  public Evr {
    Objects.requireNonNull(version, "version");
  }

  /**
   * Parses {@code [epoch:]version[-release]} the way rpm's {@code rpmverParse} does: the epoch is
   * the leading digits before a ':', the release follows the last '-'.
   *
   * @param evr the text, never null
   * @return the triple; epoch is null when no ':' follows leading digits, release null when no '-'
   * @throws NullPointerException if evr is null
   */
  public static Evr parse(String evr) {
    Objects.requireNonNull(evr, "evr");
    int s = 0;
    while (s < evr.length() && isDigit(evr.charAt(s))) {
      s++;
    }
    int se = evr.lastIndexOf('-');
    if (se < s) {
      se = -1; // rpm searches for '-' only after the epoch digits
    }
    String epoch = null;
    int vStart = 0;
    if (s < evr.length() && evr.charAt(s) == ':') {
      epoch = s == 0 ? "0" : evr.substring(0, s);
      vStart = s + 1;
    }
    String version;
    String release = null;
    if (se >= 0) {
      version = evr.substring(vStart, se);
      release = evr.substring(se + 1);
    } else {
      version = evr.substring(vStart);
    }
    return new Evr(epoch, version, release);
  }

  /**
   * Builds an EVR from the three attributes of a repodata {@code <version>} or {@code <rpm:entry>}
   * element.
   *
   * @param epoch epoch attribute or null; "0" is kept as given
   * @param version ver attribute, never null
   * @param release rel attribute or null
   * @return the triple
   */
  public static Evr of(String epoch, String version, String release) {
    return new Evr(epoch, version, release);
  }

  /**
   * Returns the epoch as a number, 0 when absent. @throws NumberFormatException on non-digit epochs
   */
  public long epochNumber() {
    return epoch == null || epoch.isEmpty() ? 0 : Long.parseLong(epoch);
  }

  /**
   * Total order for package versions: epoch (missing = 0), then version, then release (missing =
   * empty), each by {@link #rpmvercmp}.
   */
  @Override
  public int compareTo(Evr o) {
    int rc = rpmvercmp(epoch == null ? "0" : epoch, o.epoch == null ? "0" : o.epoch);
    if (rc != 0) {
      return rc;
    }
    rc = rpmvercmp(version, o.version);
    if (rc != 0) {
      return rc;
    }
    return rpmvercmp(release == null ? "" : release, o.release == null ? "" : o.release);
  }

  /**
   * Compares as rpm does when matching a dependency range against a provide ({@code
   * rpmdsCompareIndex} in lib/rpmds.c): missing epoch = "0", and the release is compared only when
   * both sides carry a non-empty one.
   *
   * @param o the other side, never null
   * @return negative, zero or positive
   */
  public int compareForDependency(Evr o) {
    int rc = rpmvercmp(epoch == null ? "0" : epoch, o.epoch == null ? "0" : o.epoch);
    if (rc != 0) {
      return rc;
    }
    rc = rpmvercmp(version, o.version);
    if (rc != 0) {
      return rc;
    }
    if (release != null && !release.isEmpty() && o.release != null && !o.release.isEmpty()) {
      return rpmvercmp(release, o.release);
    }
    return 0;
  }

  /** Renders as {@code [epoch:]version[-release]}, omitting a null epoch and release. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (epoch != null) {
      sb.append(epoch).append(':');
    }
    sb.append(version);
    if (release != null) {
      sb.append('-').append(release);
    }
    return sb.toString();
  }

  /**
   * Compares two version (or release) strings segment by segment, as rpm's {@code rpmvercmp()} in
   * lib/rpmvercmp.c: separators are skipped, {@code ~} sorts before everything (even the end),
   * {@code ^} sorts after the end but before any other segment, numeric segments beat alphabetic
   * ones and compare by value, alphabetic segments by ASCII. Only ASCII letters and digits form
   * segments (rpm's risalnum).
   *
   * @param a first string, never null
   * @param b second string, never null
   * @return -1, 0 or 1
   */
  public static int rpmvercmp(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    int i = 0;
    int j = 0;
    int la = a.length();
    int lb = b.length();
    while (i < la || j < lb) {
      while (i < la && !isAlnum(a.charAt(i)) && a.charAt(i) != '~' && a.charAt(i) != '^') {
        i++;
      }
      while (j < lb && !isAlnum(b.charAt(j)) && b.charAt(j) != '~' && b.charAt(j) != '^') {
        j++;
      }
      char ca = i < la ? a.charAt(i) : 0;
      char cb = j < lb ? b.charAt(j) : 0;
      if (ca == '~' || cb == '~') {
        if (ca != '~') {
          return 1;
        }
        if (cb != '~') {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      if (ca == '^' || cb == '^') {
        if (i >= la) {
          return -1;
        }
        if (j >= lb) {
          return 1;
        }
        if (ca != '^') {
          return 1;
        }
        if (cb != '^') {
          return -1;
        }
        i++;
        j++;
        continue;
      }
      if (!(i < la && j < lb)) {
        break;
      }
      int ei = i;
      int ej = j;
      boolean isnum;
      if (isDigit(a.charAt(i))) {
        while (ei < la && isDigit(a.charAt(ei))) {
          ei++;
        }
        while (ej < lb && isDigit(b.charAt(ej))) {
          ej++;
        }
        isnum = true;
      } else {
        while (ei < la && isAlpha(a.charAt(ei))) {
          ei++;
        }
        while (ej < lb && isAlpha(b.charAt(ej))) {
          ej++;
        }
        isnum = false;
      }
      if (ej == j) {
        // segments of different types: numeric is newer than alpha
        return isnum ? 1 : -1;
      }
      int si = i;
      int sj = j;
      if (isnum) {
        while (si < ei && a.charAt(si) == '0') {
          si++;
        }
        while (sj < ej && b.charAt(sj) == '0') {
          sj++;
        }
        int lenA = ei - si;
        int lenB = ej - sj;
        if (lenA != lenB) {
          return lenA > lenB ? 1 : -1;
        }
      }
      int rc = compareRange(a, si, ei, b, sj, ej);
      if (rc != 0) {
        return rc < 0 ? -1 : 1;
      }
      i = ei;
      j = ej;
    }
    if (i >= la && j >= lb) {
      return 0;
    }
    return i >= la ? -1 : 1;
  }

  private static int compareRange(String a, int ai, int ae, String b, int bi, int be) {
    while (ai < ae && bi < be) {
      int d = a.charAt(ai++) - b.charAt(bi++);
      if (d != 0) {
        return d;
      }
    }
    return (ae - ai) - (be - bi);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isAlnum(char c) {
    return isDigit(c) || isAlpha(c);
  }
}
