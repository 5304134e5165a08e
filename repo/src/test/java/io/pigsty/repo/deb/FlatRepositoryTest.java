package io.pigsty.repo.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatRepositoryTest {
  private static DebPackage pkg(String stanza) throws Exception {
    return PackageIndex.parsePackagesFile(stanza.getBytes(StandardCharsets.UTF_8), "t").get(0);
  }

  @Test
  void packagesFile_keepsStanzaAndReplacesFileFields() throws Exception {
    DebPackage p =
        pkg(
            "Package: b\nVersion: 1\nArchitecture: all\nDepends: a\nFilename: pool/main/b/b_1_all.deb\n"
                + "Size: 9\nMD5sum: 00\nSHA256: ff\nDescription: thing\n more text\n");
    DebPackage a = pkg("Package: a\nVersion: 2\nArchitecture: amd64\nDescription: first\n");
    String out =
        new String(
            FlatRepository.packagesFile(
                List.of(
                    new FlatRepository.Entry(p, "./b_1_all.deb", 123, "ab".repeat(32)),
                    new FlatRepository.Entry(a, "./a_2_amd64.deb", 5, "cd".repeat(32)))),
            StandardCharsets.UTF_8);
    assertThat(out).startsWith("Package: a\n");
    assertThat(out)
        .contains(
            "Package: b\nVersion: 1\nArchitecture: all\nDepends: a\nFilename: ./b_1_all.deb\nSize: 123\nSHA256: "
                + "ab".repeat(32)
                + "\nDescription: thing\n more text\n\n");
    assertThat(out).doesNotContain("MD5sum").doesNotContain("pool/main");
  }

  @Test
  void gzip_isDeterministic() {
    byte[] data = "Package: x\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
    assertThat(FlatRepository.gzip(data)).isEqualTo(FlatRepository.gzip(data));
  }

  @Test
  void releaseFile_listsSha256AndSizeAndParsesBack() throws Exception {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("Origin", "Pigsty");
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("Packages", "abc".getBytes(StandardCharsets.UTF_8));
    byte[] rel = FlatRepository.releaseFile(fields, Instant.parse("2026-01-02T03:04:05Z"), files);
    ReleaseFile r = ReleaseFile.parse(rel, "Release");
    assertThat(r.date()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    assertThat(r.sha256("Packages").orElseThrow().sha256())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(r.sha256("Packages").orElseThrow().size()).isEqualTo(3);
  }
}
