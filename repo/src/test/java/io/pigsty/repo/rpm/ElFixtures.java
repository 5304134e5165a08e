package io.pigsty.repo.rpm;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared EL fixtures (real repodata, see SOURCES.md there): system property
 * {@code pigsty.fixtures.el}, environment {@code PIGSTY_FIXTURES_EL}, else the first
 * {@code shared/fixtures/el} or {@code fixtures/el} found walking up from the working directory.
 */
final class ElFixtures {
    private ElFixtures() {
    }

    static Path root() {
        String p = System.getProperty("pigsty.fixtures.el", System.getenv("PIGSTY_FIXTURES_EL"));
        if (p != null) {
            return Path.of(p);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            for (String rel : new String[] {"shared/fixtures/el", "fixtures/el"}) {
                Path c = d.resolve(rel);
                if (Files.isDirectory(c.resolve("cs9-baseos-2022"))) {
                    return c;
                }
            }
        }
        throw new IllegalStateException("EL fixtures not found: set -Dpigsty.fixtures.el or PIGSTY_FIXTURES_EL");
    }

    static Path repo(String name) {
        return root().resolve(name);
    }
}
