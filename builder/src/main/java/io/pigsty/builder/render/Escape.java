package io.pigsty.builder.render;

import freemarker.core.CommonMarkupOutputFormat;
import freemarker.core.CommonTemplateMarkupOutputModel;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Escaping of values pasted into the double-quoted strings of a Vagrantfile (Ruby) or of Terraform
 * and Packer files (HCL), and the FreeMarker output formats that apply it to every {@code [=...]}
 * of a template, so that no value, even one a spec file lets through, can end a string or start an
 * interpolation.
 */
final class Escape {
  private Escape() {}

  /**
   * Escapes text for the inside of a Ruby double-quoted string (or an interpolating heredoc): a
   * backslash before {@code \}, {@code "} and every {@code #} (so {@code #{...}}, {@code #$x} and
   * {@code #@x} stay text), control characters as {@code \n}, {@code \t}, {@code \r} or {@code
   * \\uXXXX}. Source: Ruby's doc/syntax/literals.rdoc, "Strings".
   *
   * @param s the text, not null
   * @return the escaped text, without quotes; equal to {@code s} when it has none of these
   */
  static String ruby(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\', '"', '#' -> b.append('\\').append(c);
        default -> control(b, c);
      }
    }
    return b.toString();
  }

  /**
   * Escapes text for the inside of an HCL quoted template string: a backslash before {@code \} and
   * {@code "}, control characters as {@code \n}, {@code \t}, {@code \r} or {@code \\uXXXX}, and
   * {@code ${} and {@code %{} doubled to {@code $${} and {@code %%{} so they are literal text.
   * Source: HCL native syntax specification (hclsyntax/spec.md), "Template Literals" and "Template
   * Interpolation".
   *
   * @param s the text, not null
   * @return the escaped text, without quotes; equal to {@code s} when it has none of these
   */
  static String hcl(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\', '"' -> b.append('\\').append(c);
        case '$', '%' -> {
          b.append(c);
          if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
            b.append(c);
          }
        }
        default -> control(b, c);
      }
    }
    return b.toString();
  }

  private static void control(StringBuilder b, char c) {
    switch (c) {
      case '\n' -> b.append("\\n");
      case '\r' -> b.append("\\r");
      case '\t' -> b.append("\\t");
      default -> {
        if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
          b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
        } else {
          b.append(c);
        }
      }
    }
  }

  /** The FreeMarker output format of {@code Vagrantfile.ftl}: {@link #ruby} on every value. */
  static final Format RUBY = new Format("Ruby", Escape::ruby);

  /** The FreeMarker output format of the {@code .tf} and {@code .pkr.hcl} templates. */
  static final Format HCL = new Format("HCL", Escape::hcl);

  /** An auto-escaping FreeMarker output format applying one escape function. */
  static final class Format extends CommonMarkupOutputFormat<Output> {
    private final String name;
    private final UnaryOperator<String> escape;

    private Format(String name, UnaryOperator<String> escape) {
      this.name = name;
      this.escape = escape;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public String getMimeType() {
      return null;
    }

    @Override
    public void output(String textToEsc, Writer out) throws IOException {
      out.write(escape.apply(textToEsc));
    }

    @Override
    public String escapePlainText(String plainTextContent) {
      return escape.apply(plainTextContent);
    }

    @Override
    public boolean isLegacyBuiltInBypassed(String builtInName) {
      return false;
    }

    @Override
    protected Output newTemplateMarkupOutputModel(String plainTextContent, String markupContent) {
      return new Output(this, plainTextContent, markupContent);
    }
  }

  /** Markup produced by a {@link Format}. */
  static final class Output extends CommonTemplateMarkupOutputModel<Output> {
    private final Format format;

    Output(Format format, String plainTextContent, String markupContent) {
      super(plainTextContent, markupContent);
      this.format = format;
    }

    @Override
    public Format getOutputFormat() {
      return format;
    }
  }
}
