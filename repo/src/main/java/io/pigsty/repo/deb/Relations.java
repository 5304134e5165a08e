package io.pigsty.repo.deb;

import java.util.ArrayList;
import java.util.List;

/**
 * Parser of package relationship fields (Depends, Pre-Depends, Recommends, Provides, ...):
 * comma-separated groups of {@code |}-separated alternatives (Debian Policy 7.1). Architecture
 * restrictions ({@code [amd64]}) and build profiles ({@code <!nocheck>}) are accepted and dropped:
 * they only occur in source-package fields.
 */
public final class Relations {
  private Relations() {}

  /**
   * Parses a relationship field.
   *
   * @param field the field value, possibly folded over several lines; {@code null} or blank gives
   *     an empty list
   * @param context what the field belongs to, for messages (e.g. {@code postgresql-15 Depends})
   * @return the groups in order; each group lists its alternatives in order
   * @throws MetadataException naming {@code context} when an atom is malformed
   */
  public static List<List<Dependency>> parse(String field, String context)
      throws MetadataException {
    List<List<Dependency>> groups = new ArrayList<>();
    if (field == null || field.isBlank()) {
      return groups;
    }
    for (String group : field.split(",")) {
      if (group.isBlank()) {
        continue; // a trailing comma is tolerated by dpkg and apt
      }
      List<Dependency> alts = new ArrayList<>(2);
      for (String atom : group.split("\\|")) {
        alts.add(parseAtom(atom, context));
      }
      groups.add(List.copyOf(alts));
    }
    return groups;
  }

  /**
   * Parses a single atom such as {@code libc6 (>= 2.36)} or {@code python3:any}.
   *
   * @throws MetadataException naming {@code context} when it is malformed
   */
  public static Dependency parseAtom(String atom, String context) throws MetadataException {
    String s = atom.strip();
    int bracket = s.indexOf('[');
    if (bracket >= 0) {
      s = (s.substring(0, bracket).strip() + stripAfter(s.substring(bracket), ']')).strip();
    }
    int open = s.indexOf('(');
    int from = open >= 0 ? Math.max(s.indexOf(')', open) + 1, open) : 0;
    int angle = s.indexOf('<', from);
    if (angle >= 0) {
      s = s.substring(0, angle).strip();
    }
    String namePart;
    RelationOp op = null;
    DebVersion version = null;
    int paren = s.indexOf('(');
    if (paren >= 0) {
      int close = s.indexOf(')', paren);
      if (close < 0) {
        throw new MetadataException(context + ": unbalanced '(' in '" + atom.strip() + "'");
      }
      namePart = s.substring(0, paren).strip();
      String inner = s.substring(paren + 1, close).strip();
      int i = 0;
      while (i < inner.length() && "<=>".indexOf(inner.charAt(i)) >= 0) {
        i++;
      }
      String ver = inner.substring(i).strip();
      if (i == 0 || ver.isEmpty()) {
        throw new MetadataException(context + ": malformed version relation '(" + inner + ")'");
      }
      try {
        op = RelationOp.parse(inner.substring(0, i));
        version = DebVersion.parse(ver);
      } catch (IllegalArgumentException e) {
        throw new MetadataException(context + ": " + e.getMessage() + " in '" + atom.strip() + "'");
      }
    } else {
      namePart = s;
    }
    String qualifier = null;
    int colon = namePart.indexOf(':');
    if (colon >= 0) {
      qualifier = namePart.substring(colon + 1);
      namePart = namePart.substring(0, colon);
    }
    if (!validName(namePart)) {
      throw new MetadataException(
          context + ": invalid package name '" + namePart + "' in '" + atom.strip() + "'");
    }
    return new Dependency(namePart, qualifier, op, version);
  }

  private static String stripAfter(String s, char close) {
    int i = s.indexOf(close);
    return i < 0 ? "" : " " + s.substring(i + 1).strip();
  }

  /**
   * Package name syntax of Debian Policy 5.6.1: lower-case letters, digits, {@code + - .}, starting
   * with an alphanumeric. Policy asks for two characters or more; one is accepted, as dpkg does.
   */
  public static boolean validName(String n) {
    if (n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0))) {
      return false;
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
