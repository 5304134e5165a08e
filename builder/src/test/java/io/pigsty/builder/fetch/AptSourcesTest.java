package io.pigsty.builder.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AptSourcesTest {
  private static Path etcApt;
  private static AptSources sources;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    etcApt =
        Path.of(AptSourcesTest.class.getResource("/fetch/etc-apt/sources.list").toURI())
            .getParent();
    sources = AptSources.read(etcApt);
  }

  private static List<String> uriAndSuite(AptSources s) {
    return s.entries().stream().map(e -> e.uri() + " " + e.suite()).toList();
  }

  @Test
  void read_oneLineAndDeb822EntriesInAptOrder() {
    assertThat(uriAndSuite(sources))
        .containsExactly(
            "http://mirror.example/debian/ bookworm",
            "https://pkgs.example.org/apt/ stable",
            "http://mirror.example/debian/ bookworm",
            "http://mirror.example/debian/ bookworm-updates",
            "http://mirror2.example.org/debian/ bookworm",
            "http://mirror2.example.org/debian/ bookworm-updates",
            "http://security.example.org/debian-security/ bookworm-security",
            "http://flat.example.org/repo/ ./",
            "https://pg.example.org/apt/ bookworm-pgdg");
  }

  @Test
  void read_oneLineEntryKeepsComponentsAndDropsTrailingComment() {
    AptSources.Entry first = sources.entries().get(0);
    assertThat(first.file().getFileName().toString()).isEqualTo("sources.list");
    assertThat(first.line()).isEqualTo(2);
    assertThat(first.components()).containsExactly("main", "contrib");
    assertThat(first.options()).isEmpty();
  }

  @Test
  void read_oneLineOptionsAreKeptUnderDeb822Names() {
    AptSources.Entry e = sources.entries().get(1);
    assertThat(e.options())
        .isEqualTo(
            Map.of(
                "architectures", "amd64",
                "signed-by", "/usr/share/keyrings/example.gpg"));
    assertThat(e.signedBy()).hasValue("/usr/share/keyrings/example.gpg");
  }

  @Test
  void read_severalUrisAndSuitesPerStanzaGiveOneEntryEach() {
    List<AptSources.Entry> fromStanza =
        sources.entries().stream()
            .filter(
                e -> e.file().getFileName().toString().equals("debian.sources") && e.line() == 1)
            .toList();
    assertThat(fromStanza).hasSize(4);
    assertThat(fromStanza)
        .allSatisfy(
            e -> {
              assertThat(e.components()).containsExactly("main");
              assertThat(e.signedBy()).hasValue("/usr/share/keyrings/debian-archive-keyring.gpg");
            });
  }

  @Test
  void read_enabledNoStanzaIsSkipped() {
    assertThat(uriAndSuite(sources)).noneMatch(s -> s.contains("trixie"));
  }

  @Test
  void read_debSrcIsIgnored() {
    // sources.list line 3 is deb-src only; debian.sources has a deb-src-only stanza for sid
    assertThat(sources.entries())
        .noneMatch(e -> e.line() == 3 && e.file().endsWith("sources.list"));
    assertThat(uriAndSuite(sources))
        .noneMatch(s -> s.contains("src.example.org") || s.contains("sid"));
  }

  @Test
  void read_filesWithOtherExtensionsAreIgnored() {
    assertThat(uriAndSuite(sources))
        .noneMatch(s -> s.contains("node.example.org") || s.contains("nodistro"))
        .noneMatch(s -> s.contains("cloud.example.org"))
        .noneMatch(s -> s.contains("old.example.org"));
  }

  @Test
  void read_deb822FieldNamesAreCaseInsensitiveAndInlineKeyIsKept() {
    AptSources.Entry pg = sources.entries().get(sources.entries().size() - 1);
    assertThat(pg.suite()).isEqualTo("bookworm-pgdg");
    assertThat(pg.signedBy().orElseThrow())
        .startsWith("\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINB")
        .endsWith("-----END PGP PUBLIC KEY BLOCK-----");
  }

  @Test
  void read_flatRepositoryHasNoComponents() {
    AptSources.Entry flat =
        sources.entries().stream().filter(AptSources.Entry::flat).findFirst().orElseThrow();
    assertThat(flat.uri()).isEqualTo(URI.create("http://flat.example.org/repo/"));
    assertThat(flat.components()).isEmpty();
    assertThat(flat.options()).containsEntry("trusted", "yes");
  }

  @Test
  void baseFor_returnsTheUriServingEachSuite() {
    assertThat(sources.baseFor("bookworm", "main"))
        .hasValue(URI.create("http://mirror.example/debian/"));
    assertThat(sources.baseFor("bookworm", "contrib"))
        .hasValue(URI.create("http://mirror.example/debian/"));
    assertThat(sources.baseFor("bookworm-updates", "main"))
        .hasValue(URI.create("http://mirror.example/debian/"));
    assertThat(sources.baseFor("bookworm-security", "main"))
        .hasValue(URI.create("http://security.example.org/debian-security/"));
    assertThat(sources.baseFor("bookworm-security", "non-free-firmware"))
        .hasValue(URI.create("http://security.example.org/debian-security/"));
    assertThat(sources.baseFor("bookworm-pgdg", "main"))
        .hasValue(URI.create("https://pg.example.org/apt/"));
    assertThat(sources.baseFor("bookworm-security", "contrib")).isEmpty();
    assertThat(sources.baseFor("trixie", "main")).isEmpty();
    assertThat(sources.baseFor("nodistro", "main")).isEmpty();
    assertThat(sources.baseFor("./", "main")).isEmpty();
    assertThat(
            sources
                .baseFor("bookworm-security", "main")
                .orElseThrow()
                .resolve("dists/bookworm-security/InRelease"))
        .isEqualTo(
            URI.create(
                "http://security.example.org/debian-security/dists/bookworm-security/InRelease"));
  }

  @Test
  void siblingBaseFor_anotherReleaseIsWhereTheSameClassOfSuiteIs() {
    // trixie is listed only in a disabled stanza: the bookworm archives serve it
    assertThat(sources.baseFor("trixie", "main")).isEmpty();
    assertThat(sources.siblingBaseFor("trixie", "main"))
        .hasValue(URI.create("http://mirror.example/debian/"));
    assertThat(sources.siblingBaseFor("trixie-updates", "main"))
        .hasValue(URI.create("http://mirror.example/debian/"));
    assertThat(sources.siblingBaseFor("trixie-security", "main"))
        .hasValue(URI.create("http://security.example.org/debian-security/"));
    assertThat(sources.siblingBaseFor("trixie-pgdg", "main"))
        .hasValue(URI.create("https://pg.example.org/apt/"));
  }

  @Test
  void siblingBaseFor_noneForAListedSuiteAnotherClassOrComponentOrForm() {
    assertThat(sources.siblingBaseFor("bookworm", "main")).isEmpty();
    assertThat(sources.siblingBaseFor("trixie-security", "contrib")).isEmpty();
    assertThat(sources.siblingBaseFor("trixie-backports", "main")).isEmpty();
    assertThat(sources.siblingBaseFor("./", "main")).isEmpty();
    assertThat(sources.siblingBaseFor("Trixie", "main")).isEmpty();
  }

  @Test
  void read_missingDirectoryIsEmpty(@TempDir Path dir) throws IOException {
    assertThat(AptSources.read(dir.resolve("nothing-here")).entries()).isEmpty();
  }

  @Test
  void read_stanzaWithoutSuitesNamesFileAndLine(@TempDir Path dir) throws IOException {
    Path d = Files.createDirectories(dir.resolve("sources.list.d"));
    Path bad = d.resolve("bad.sources");
    Files.writeString(
        bad,
        "Types: deb\nURIs: http://a.example.org/d\nSuites: x\nComponents: main\n\n"
            + "# second\nTypes: deb\nURIs: http://b.example.org/d\nComponents: main\n");
    assertThatThrownBy(() -> AptSources.read(dir))
        .isInstanceOf(IOException.class)
        .hasMessage(bad + ":7: stanza needs Types, URIs and Suites");
  }

  @Test
  void read_oneLineWithoutComponentNamesFileAndLine(@TempDir Path dir) throws IOException {
    Path list = dir.resolve("sources.list");
    Files.writeString(list, "# x\n\ndeb http://a.example.org/debian bookworm\n");
    assertThatThrownBy(() -> AptSources.read(dir))
        .isInstanceOf(IOException.class)
        .hasMessage(list + ":3: suite 'bookworm' needs at least one component");
  }
}
