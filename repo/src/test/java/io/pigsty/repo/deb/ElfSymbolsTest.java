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
  void exported_listsDefinedSymbolsOnly() throws Exception {
    byte[] so =
        ElfFixture.so(
            List.of("OutputPluginPrepareWrite", "palloc"),
            List.of("_PG_output_plugin_init", "_PG_init", "Pg_magic_func"));

    assertThat(ElfSymbols.exported(so, "t.so"))
        .containsExactly("Pg_magic_func", "_PG_init", "_PG_output_plugin_init");
  }

  @Test
  void read_givesBothSetsOfOneTable_andAgreesWithImportedAndExported() throws Exception {
    for (boolean wide : new boolean[] {true, false}) {
      for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
        byte[] so =
            ElfFixture.so(wide, order, List.of("palloc", "elog_start"), List.of("wal2json_x"));

        ElfSymbols.Dynamic d = ElfSymbols.read(so, "t.so");

        assertThat(d.imported()).as("%s %s", wide, order).containsExactly("elog_start", "palloc");
        assertThat(d.exported()).as("%s %s", wide, order).containsExactly("wal2json_x");
        assertThat(ElfSymbols.imported(so, "t.so")).isEqualTo(d.imported());
        assertThat(ElfSymbols.exported(so, "t.so")).isEqualTo(d.exported());
      }
    }
  }

  @Test
  void exported_noSymbols_isEmpty() throws Exception {
    assertThat(ElfSymbols.exported(ElfFixture.so(List.of("palloc"), List.of()), "t.so")).isEmpty();
  }

  @Test
  void exported_notElf_namesTheFile() {
    assertThatThrownBy(() -> ElfSymbols.exported("\0\0\0\0".getBytes(), "x.deb:lib/a.so"))
        .isInstanceOf(MetadataException.class)
        .hasMessageStartingWith("x.deb:lib/a.so: ");
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
    for (Path lib : hostLibraries()) {
      assertThat(ElfSymbols.imported(Files.readAllBytes(lib), lib.toString()))
          .as(lib.toString())
          .isNotEmpty()
          .containsExactlyElementsOf(nm(lib, "--undefined-only", "[Uwv]"));
    }
  }

  /**
   * Oracle: what binutils' nm says a real shared object of this host exports (functions, data, weak
   * definitions and the absolute version-definition symbols such as {@code ZLIB_1.2.9}).
   */
  @Test
  void exported_matchesNmOnHostLibraries() throws Exception {
    for (Path lib : hostLibraries()) {
      Set<String> expected = nm(lib, "--defined-only", "[A-Za-z]");
      assertThat(expected).as(lib.toString()).isNotEmpty();
      assertThat(ElfSymbols.exported(Files.readAllBytes(lib), lib.toString()))
          .as(lib.toString())
          .containsExactlyElementsOf(expected);
    }
  }

  private static List<Path> hostLibraries() {
    assumeTrue(Files.isExecutable(NM), "binutils' nm is not installed");
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
    return libs;
  }

  private static final Path NM = Path.of("/usr/bin/nm");

  /**
   * {@code nm -D <filter> lib}: the names (symbol versions cut off) of the lines whose type letter
   * matches {@code types}.
   */
  private static Set<String> nm(Path lib, String filter, String types) throws Exception {
    Process p =
        new ProcessBuilder(NM.toString(), "-D", filter, lib.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    Set<String> names = new TreeSet<>();
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      int type = f.length - 2; // "U name" has no address; "0000... T name" has
      if (type >= 0 && f[type].matches(types)) {
        names.add(f[type + 1].replaceAll("@.*", ""));
      }
    }
    return names;
  }
}
