package io.pigsty.repo.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebFileContentsTest {
  @TempDir Path tmp;

  private static final String CONTROL =
      "Package: postgresql-15-demo\nSource: demo (1.0-1)\nVersion: 1.0-1+b1\n"
          + "Architecture: amd64\nDepends: postgresql-15\n"
          + "Description: Demo extension for PostgreSQL\n More text.\n";

  private Path write(Map<String, byte[]> data) throws Exception {
    byte[] deb = DebFixture.deb(CONTROL, Map.of("postinst", "#!/bin/sh\nexit 0\n"), data);
    return Files.write(tmp.resolve("postgresql-15-demo_1.0-1+b1_amd64.deb"), deb);
  }

  @Test
  void readContents_controlScriptsPathsAndKeptFiles() throws Exception {
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("usr/lib/postgresql/15/lib/demo.so", new byte[] {1, 2, 3});
    data.put("usr/share/postgresql/15/extension/demo.control", "comment = 'x'\n".getBytes());
    data.put("usr/share/doc/postgresql-15-demo/copyright", "c".getBytes());
    data.put("usr/lib/postgresql/15/lib/demo-1.so", "-> demo.so".getBytes());

    DebFile.Contents c = DebFile.readContents(write(data), p -> p.endsWith(".so"), 1024);

    assertThat(c.control().name()).isEqualTo("postgresql-15-demo");
    assertThat(c.control().paragraph().get("Source")).isEqualTo("demo (1.0-1)");
    assertThat(c.controlFiles()).containsOnlyKeys("control", "postinst");
    assertThat(new String(c.controlFiles().get("postinst"), StandardCharsets.UTF_8))
        .startsWith("#!/bin/sh");
    assertThat(c.paths())
        .containsExactly(
            "usr/lib/postgresql/15/lib/demo.so",
            "usr/share/postgresql/15/extension/demo.control",
            "usr/share/doc/postgresql-15-demo/copyright",
            "usr/lib/postgresql/15/lib/demo-1.so");
    // the link is listed but has no content; the .control was not asked for
    assertThat(c.files()).containsOnlyKeys("usr/lib/postgresql/15/lib/demo.so");
    assertThat(c.files().get("usr/lib/postgresql/15/lib/demo.so")).containsExactly(1, 2, 3);
  }

  @Test
  void readContents_fileOverTheCap_isRefusedNamingIt() throws Exception {
    Path deb = write(Map.of("usr/lib/postgresql/15/lib/big.so", new byte[2000]));

    assertThatThrownBy(() -> DebFile.readContents(deb, p -> true, 1000))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("usr/lib/postgresql/15/lib/big.so is larger than 1000 bytes");
    assertThat(DebFile.readContents(deb, p -> false, 1000).paths()).hasSize(1);
  }

  @Test
  void readContents_truncatedDeb_isAMetadataError() throws Exception {
    Path deb = write(Map.of("usr/lib/postgresql/15/lib/demo.so", new byte[5000]));
    byte[] all = Files.readAllBytes(deb);
    Files.write(deb, java.util.Arrays.copyOf(all, all.length - 200));

    assertThatThrownBy(() -> DebFile.readContents(deb, p -> true, 1 << 20))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("postgresql-15-demo_1.0-1+b1_amd64.deb");
  }
}
