package io.pigsty.builder.render;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Dotted-quad IPv4 addresses and CIDR networks as unsigned 32-bit values in a long. */
final class Ipv4 {

  private static final Pattern QUAD =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  private Ipv4() {}

  /**
   * @return the address, or empty unless four decimal octets 0..255 without leading zeros
   */
  static Optional<Long> parse(String s) {
    Matcher m = QUAD.matcher(s);
    if (!m.matches()) {
      return Optional.empty();
    }
    long v = 0;
    for (int i = 1; i <= 4; i++) {
      String o = m.group(i);
      if (o.length() > 1 && o.charAt(0) == '0') {
        return Optional.empty();
      }
      int x = Integer.parseInt(o);
      if (x > 255) {
        return Optional.empty();
      }
      v = (v << 8) | x;
    }
    return Optional.of(v);
  }

  static String format(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }

  /** A network {@code address/prefix}. */
  record Cidr(long address, int prefix) {
    static Optional<Cidr> parse(String s) {
      int slash = s.indexOf('/');
      if (slash < 0 || !s.substring(slash + 1).matches("[0-9]{1,2}")) {
        return Optional.empty();
      }
      int prefix = Integer.parseInt(s.substring(slash + 1));
      if (prefix > 32) {
        return Optional.empty();
      }
      return Ipv4.parse(s.substring(0, slash)).map(a -> new Cidr(a, prefix));
    }

    long mask() {
      return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    long network() {
      return address & mask();
    }

    long size() {
      return 1L << (32 - prefix);
    }

    boolean isNetworkAddress() {
      return address == network();
    }

    boolean contains(long a) {
      return (a & mask()) == network();
    }

    String networkString() {
      return format(network()) + "/" + prefix;
    }

    /** RFC 1918 private ranges. */
    boolean isPrivate() {
      return within(10L << 24, 8)
          || within((172L << 24) | (16L << 16), 12)
          || within((192L << 24) | (168L << 16), 16);
    }

    private boolean within(long base, int p) {
      return prefix >= p && new Cidr(base, p).contains(network());
    }
  }
}
