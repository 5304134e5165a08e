package io.pigsty.repo.rpm;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared EL fixtures (real repodata and RPMs, see SOURCES.md there): system property
 * {@code pigsty.fixtures.el}, else environment {@code PIGSTY_FIXTURES_EL} (the Makefile sets it),
 * else {@code ../shared/fixtures/el} beside the checkout (where CI has its copy of shared/).
 * Missing fixtures fail the test with the path that was expected; they are never skipped.
 */
final class ElFixtures {
  private ElFixtures() {}

  static Path root() {
    String p = System.getProperty("pigsty.fixtures.el", System.getenv("PIGSTY_FIXTURES_EL"));
    if (p != null && !p.isBlank()) {
      Path given = Path.of(p).toAbsolutePath();
      if (!Files.isDirectory(given.resolve("rpms"))) {
        throw new IllegalStateException(
            "EL fixtures not found: PIGSTY_FIXTURES_EL (or -Dpigsty.fixtures.el) is "
                + given
                + ", which has no rpms/ directory");
      }
      return given;
    }
    Path checkout = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml"))
          && Files.isDirectory(d.resolve("repo"))
          && Files.isDirectory(d.resolve("builder"))) {
        checkout = d;
        break;
      }
    }
    Path expected =
        checkout == null ? null : checkout.resolveSibling("shared").resolve("fixtures/el");
    if (expected != null && Files.isDirectory(expected.resolve("rpms"))) {
      return expected;
    }
    throw new IllegalStateException(
        "EL fixtures not found: expected them at "
            + (expected == null
                ? "../shared/fixtures/el beside the checkout (no checkout found above "
                    + Path.of("").toAbsolutePath()
                    + ")"
                : expected + " (../shared/fixtures/el beside the checkout)")
            + ". They are real EL repodata and RPMs (provenance in their SOURCES.md), kept outside the repository:"
            + " put a copy of the project's shared/ folder beside the clone, as CI does,"
            + " or set PIGSTY_FIXTURES_EL (or -Dpigsty.fixtures.el) to a copy of fixtures/el");
  }

  static Path repo(String name) {
    return root().resolve(name);
  }
}
