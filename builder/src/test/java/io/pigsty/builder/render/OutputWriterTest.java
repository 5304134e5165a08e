package io.pigsty.builder.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputWriterTest {
  @TempDir Path tmp;

  static long leftovers(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().contains(".tmp-")).count();
    }
  }

  @Test
  void write_replacesFilesKeepsOtherStateAndLeavesNoTempDir() throws Exception {
    Path out = tmp.resolve("vagrant/meta/d12/libvirt");
    Files.createDirectories(out.resolve(".vagrant/machines"));
    Files.writeString(out.resolve(".vagrant/machines/id"), "state");
    Files.writeString(out.resolve("Vagrantfile"), "old");
    Map<String, String> files = new LinkedHashMap<>();
    files.put("Vagrantfile", "new");
    files.put("http/user-data", "#cloud-config\n");
    assertThat(OutputWriter.write(out, files))
        .containsExactly(out.resolve("Vagrantfile"), out.resolve("http/user-data"));
    assertThat(out.resolve("Vagrantfile")).hasContent("new");
    assertThat(out.resolve("http/user-data")).hasContent("#cloud-config");
    assertThat(out.resolve(".vagrant/machines/id")).hasContent("state");
    assertThat(leftovers(out.getParent())).isZero();
  }

  @Test
  void write_nameOutsideTheDirectoryWritesNothing() throws Exception {
    Path out = tmp.resolve("out");
    Map<String, String> files = new LinkedHashMap<>();
    files.put("a", "1");
    files.put("../escape", "2");
    assertThatThrownBy(() -> OutputWriter.write(out, files))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("../escape");
    assertThat(out).doesNotExist();
    assertThat(tmp.resolve("escape")).doesNotExist();
    assertThat(leftovers(tmp)).isZero();
  }

  @Test
  void write_aDirectoryInTheWayFailsAndCleansUp() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("main.tf/x"));
    assertThatThrownBy(() -> OutputWriter.write(out, Map.of("main.tf", "x")))
        .isInstanceOf(IOException.class);
    assertThat(out.resolve("main.tf/x")).isDirectory();
    assertThat(leftovers(tmp)).isZero();
  }
}
