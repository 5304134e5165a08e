package io.pigsty.builder.cli;

/** Entry point of the pigsty CLI (placeholder until the commands land). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("pigsty");
  }
}
