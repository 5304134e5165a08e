package io.pigsty.builder.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.fetch.AptSources;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorsTest {

  private static AptSources bookwormHost(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("sources.list.d"));
    Files.writeString(
        dir.resolve("sources.list.d/debian.sources"),
        "Types: deb\nURIs: http://archive.example/debian\nSuites: bookworm bookworm-updates\n"
            + "Components: main\n\n"
            + "Types: deb\nURIs: http://archive.example/debian-security\n"
            + "Suites: bookworm-security\nComponents: main\n");
    return AptSources.read(dir);
  }

  @Test
  void baseFor_trixieOnABookwormHostComesFromTheSameArchives(@TempDir Path dir) throws IOException {
    Mirrors m = new Mirrors(List.of(), bookwormHost(dir));
    assertThat(m.baseFor("trixie", "main", Optional.empty()))
        .hasValue(URI.create("http://archive.example/debian"));
    assertThat(m.baseFor("trixie-updates", "main", Optional.empty()))
        .hasValue(URI.create("http://archive.example/debian"));
    assertThat(m.baseFor("trixie-security", "main", Optional.empty()))
        .hasValue(URI.create("http://archive.example/debian-security"));
    assertThat(m.baseFor("trixie-backports", "main", Optional.empty())).isEmpty();
  }

  @Test
  void baseFor_overrideAndDefinitionUrlWinOverTheHostsOtherRelease(@TempDir Path dir)
      throws IOException {
    AptSources host = bookwormHost(dir);
    assertThat(
            new Mirrors(List.of("trixie=http://other.example/d"), host)
                .baseFor("trixie", "main", Optional.empty()))
        .hasValue(URI.create("http://other.example/d"));
    assertThat(
            new Mirrors(List.of(), host)
                .baseFor("trixie", "main", Optional.of(URI.create("http://def.example/d"))))
        .hasValue(URI.create("http://def.example/d"));
  }
}
