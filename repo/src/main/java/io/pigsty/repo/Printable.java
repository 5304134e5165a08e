package io.pigsty.repo;

/**
 * Text from package data (a .deb's control file, an RPM header, an index, a tar entry name) made
 * safe to print: no byte of it can move the cursor, change colours or start a new line on a
 * terminal. The rule is ECMA-48's: C0 controls (U+0000..U+001F), DEL (U+007F) and C1 controls
 * (U+0080..U+009F, which some terminals act on as 8-bit escape sequences) are control functions;
 * each is written as {@code \xHH} (two lower-case hex digits), so {@code ESC [31m} prints as {@code
 * \x1b[31m}.
 */
public final class Printable {
  private Printable() {}

  /**
   * Escapes every control character, line ends included: for a value that must stay on one line.
   *
   * @param s any text, or null
   * @return {@code s} with each control character written as {@code \xHH}; {@code "null"} for null
   */
  public static String escape(String s) {
    return escape(s, false);
  }

  /**
   * Escapes every control character except line feed and tab: for a message of several lines whose
   * parts were already escaped where they came from package data.
   *
   * @param s any text, or null
   * @return {@code s} with each control character other than {@code \n} and {@code \t} written as
   *     {@code \xHH}; {@code "null"} for null
   */
  public static String escapeKeepingLines(String s) {
    return escape(s, true);
  }

  private static String escape(String s, boolean keepLines) {
    if (s == null) {
      return "null";
    }
    int i = 0;
    while (i < s.length() && !control(s.charAt(i), keepLines)) {
      i++;
    }
    if (i == s.length()) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (control(c, keepLines)) {
        sb.append("\\x")
            .append(Character.forDigit(c >> 4 & 0xf, 16))
            .append(Character.forDigit(c & 0xf, 16));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean control(char c, boolean keepLines) {
    if (keepLines && (c == '\n' || c == '\t')) {
      return false;
    }
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  }
}
