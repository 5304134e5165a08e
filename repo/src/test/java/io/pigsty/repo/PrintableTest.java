package io.pigsty.repo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void escape_ansiColourAndLineEndsBecomeHex() {
    assertThat(Printable.escape("evil\u001b[31mred\r\nnext\u0007"))
        .isEqualTo("evil\\x1b[31mred\\x0d\\x0anext\\x07");
  }

  @Test
  void escape_delAndC1ControlsAreEscaped() {
    assertThat(Printable.escape("a\u007fb\u009bc")).isEqualTo("a\\x7fb\\x9bc");
  }

  @Test
  void escape_plainAndNonAsciiTextIsUnchanged() {
    String s = "postgresql-16 (>= 16.1) é ü 中";
    assertThat(Printable.escape(s)).isSameAs(s);
  }

  @Test
  void escapeKeepingLines_keepsLineFeedAndTabOnly() {
    assertThat(Printable.escapeKeepingLines("a\n\tb\u001b]0;title\u0007\r"))
        .isEqualTo("a\n\tb\\x1b]0;title\\x07\\x0d");
  }

  @Test
  void escape_nullIsTheWordNull() {
    assertThat(Printable.escape(null)).isEqualTo("null");
  }
}
