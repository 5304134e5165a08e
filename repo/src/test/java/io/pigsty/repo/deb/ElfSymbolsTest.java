package io.pigsty.repo.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ElfSymbolsTest {

  @Test
  void imported_listsUndefinedSymbolsOnly() throws Exception {
    byte[] so =
        ElfFixture.so(
            List.of("process_shared_preload_libraries_in_progress", "palloc"),
            List.of("_PG_init", "Pg_magic_func"));

    assertThat(ElfSymbols.imported(so, "t.so"))
        .containsExactly("palloc", "process_shared_preload_libraries_in_progress");
  }

  @Test
  void imported_readsBigEndian32BitObjects() throws Exception {
    byte[] so =
        ElfFixture.so(false, ByteOrder.BIG_ENDIAN, List.of("RegisterBackgroundWorker"), List.of());

    assertThat(ElfSymbols.imported(so, "t.so")).containsExactly("RegisterBackgroundWorker");
  }

  @Test
  void imported_wholeNamesNotSubstrings() throws Exception {
    byte[] so = ElfFixture.so(List.of("RegisterDynamicBackgroundWorker"), List.of());

    assertThat(ElfSymbols.imported(so, "t.so"))
        .containsExactly("RegisterDynamicBackgroundWorker")
        .doesNotContain("RegisterBackgroundWorker");
  }

  @Test
  void imported_notElf_namesTheFile() {
    assertThatThrownBy(() -> ElfSymbols.imported("#!/bin/sh\n".getBytes(), "x.deb:lib/a.so"))
        .isInstanceOf(MetadataException.class)
        .hasMessage("x.deb:lib/a.so: not an ELF file");
  }

  @Test
  void imported_truncatedObject_isAnErrorNotAnException() {
    byte[] so = ElfFixture.so(List.of("palloc"), List.of());
    for (int cut : new int[] {20, 70, so.length / 2, so.length - 1}) {
      assertThatThrownBy(() -> ElfSymbols.imported(Arrays.copyOf(so, cut), "t.so"))
          .as("cut at %d", cut)
          .isInstanceOf(MetadataException.class)
          .hasMessageStartingWith("t.so: ");
    }
  }

  @Test
  void imported_stringTableLinkOutOfRange_isRefused() {
    byte[] so = ElfFixture.so(List.of("palloc"), List.of());
    int shoff = (int) java.nio.ByteBuffer.wrap(so).order(ByteOrder.LITTLE_ENDIAN).getLong(0x28);
    so[shoff + 64 + 40] = 99; // .dynsym's sh_link
    assertThatThrownBy(() -> ElfSymbols.imported(so, "t.so"))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("links to section 99");
  }

  /** Oracle: what binutils' nm says a real shared object of this host imports. */
  @Test
  void imported_matchesNmOnHostLibraries() throws Exception {
    Path nm = Path.of("/usr/bin/nm");
    assumeTrue(Files.isExecutable(nm), "binutils' nm is not installed");
    List<Path> libs;
    try (Stream<Path> s = Files.list(Path.of("/usr/lib/x86_64-linux-gnu"))) {
      libs =
          s.filter(p -> p.getFileName().toString().matches("lib(z|crypt|acl|lz4|zstd)\\.so\\..*"))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
    } catch (IOException e) {
      libs = List.of();
    }
    assumeTrue(!libs.isEmpty(), "no host libraries to compare with");
    for (Path lib : libs) {
      Process p =
          new ProcessBuilder(nm.toString(), "-D", "--undefined-only", lib.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Set<String> expected = new TreeSet<>();
      for (String line : out.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 2 && (f[0].equals("U") || f[0].equals("w") || f[0].equals("v"))) {
          expected.add(f[1].replaceAll("@.*", ""));
        }
      }
      assertThat(ElfSymbols.imported(Files.readAllBytes(lib), lib.toString()))
          .as(lib.toString())
          .isNotEmpty()
          .containsExactlyElementsOf(expected);
    }
  }
}
