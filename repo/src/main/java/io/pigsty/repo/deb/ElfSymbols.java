package io.pigsty.repo.deb;

import io.pigsty.repo.Printable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The dynamic symbols of a shared object (a PostgreSQL module {@code usr/lib/postgresql/N/lib/*.so}
 * of a .deb): the undefined entries of its dynamic symbol table, which it imports ({@code nm -D
 * --undefined-only}), and the defined ones, which it exports ({@code nm -D --defined-only}). Read
 * from the section headers, {@code SHT_DYNSYM} and the string table its {@code sh_link} names
 * (System V ABI, "Object Files": ELF header, sections, symbol table; 32- and 64-bit, either byte
 * order). Nothing is executed or mapped; every offset is checked against the bytes.
 */
public final class ElfSymbols {
  private static final int SHT_DYNSYM = 11;
  private static final int SHN_UNDEF = 0;

  private ElfSymbols() {}

  /**
   * The named entries of a dynamic symbol table, split by whether they are defined.
   *
   * @param imported the undefined symbols ({@code st_shndx} is {@code SHN_UNDEF}), sorted
   * @param exported the defined symbols (any other {@code st_shndx}, {@code SHN_ABS} version
   *     definitions such as {@code ZLIB_1.2.9} included, as nm lists them), sorted
   */
  public record Dynamic(Set<String> imported, Set<String> exported) {
    /** Copies the sets. */
    public Dynamic {
      imported = Collections.unmodifiableSet(new TreeSet<>(imported));
      exported = Collections.unmodifiableSet(new TreeSet<>(exported));
    }
  }

  /**
   * The names of the undefined dynamic symbols of an ELF file: {@code read(elf, where).imported()}.
   *
   * @param elf the whole file
   * @param where what the bytes are (a .deb and a path in it), for messages
   * @return the names, sorted (without symbol versions, which live in {@code .gnu.version}); empty
   *     for an object without a dynamic symbol table
   * @throws MetadataException naming {@code where} when the bytes are not an ELF file or an offset,
   *     size or index in them points outside the file
   */
  public static Set<String> imported(byte[] elf, String where) throws MetadataException {
    return read(elf, where).imported();
  }

  /**
   * The names of the defined dynamic symbols of an ELF file: {@code read(elf, where).exported()}.
   *
   * @param elf the whole file
   * @param where what the bytes are (a .deb and a path in it), for messages
   * @return the names, sorted, without symbol versions; empty for an object without a dynamic
   *     symbol table
   * @throws MetadataException as {@link #imported}
   */
  public static Set<String> exported(byte[] elf, String where) throws MetadataException {
    return read(elf, where).exported();
  }

  /**
   * Both sets of named dynamic symbols of an ELF file, in one pass over its sections.
   *
   * @param elf the whole file
   * @param where what the bytes are (a .deb and a path in it), for messages
   * @return the undefined and the defined names (without symbol versions); both empty for an object
   *     without a dynamic symbol table
   * @throws MetadataException naming {@code where} when the bytes are not an ELF file or an offset,
   *     size or index in them points outside the file
   */
  public static Dynamic read(byte[] elf, String where) throws MetadataException {
    String name = Printable.escape(where);
    if (elf.length < 16 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
      throw new MetadataException(name + ": not an ELF file");
    }
    boolean wide;
    switch (elf[4]) {
      case 1 -> wide = false;
      case 2 -> wide = true;
      default -> throw new MetadataException(name + ": unknown ELF class " + elf[4]);
    }
    ByteBuffer b = ByteBuffer.wrap(elf);
    switch (elf[5]) {
      case 1 -> b.order(ByteOrder.LITTLE_ENDIAN);
      case 2 -> b.order(ByteOrder.BIG_ENDIAN);
      default -> throw new MetadataException(name + ": unknown ELF byte order " + elf[5]);
    }
    Reader r = new Reader(b, name);
    long shoff = wide ? r.u64(0x28) : r.u32(0x20);
    int shentsize = r.u16(wide ? 0x3A : 0x2E);
    long shnum = r.u16(wide ? 0x3C : 0x30);
    int minEntry = wide ? 64 : 40;
    if (shoff == 0) {
      return new Dynamic(
          Set.of(), Set.of()); // no section headers: nothing to read the symbols from
    }
    if (shentsize < minEntry) {
      throw new MetadataException(name + ": section header size " + shentsize + " is too small");
    }
    if (shnum == 0) { // extended numbering: the count is section 0's sh_size
      shnum = wide ? r.u64(shoff + 32) : r.u32(shoff + 20);
    }
    if (shnum > (elf.length - shoff) / shentsize) {
      throw new MetadataException(name + ": " + shnum + " section headers run past the file");
    }
    Set<String> imported = new TreeSet<>();
    Set<String> exported = new TreeSet<>();
    for (long i = 0; i < shnum; i++) {
      long sh = shoff + i * shentsize;
      if (r.u32(sh + 4) != SHT_DYNSYM) {
        continue;
      }
      long offset = wide ? r.u64(sh + 24) : r.u32(sh + 16);
      long size = wide ? r.u64(sh + 32) : r.u32(sh + 20);
      long link = r.u32(wide ? sh + 40 : sh + 24);
      long entsize = wide ? r.u64(sh + 56) : r.u32(sh + 36);
      int minSym = wide ? 24 : 16;
      if (entsize == 0) {
        entsize = minSym;
      }
      if (entsize < minSym) {
        throw new MetadataException(name + ": symbol size " + entsize + " is too small");
      }
      r.range(offset, size, "the dynamic symbol table");
      if (link >= shnum) {
        throw new MetadataException(
            name + ": the dynamic symbol table links to section " + link + " of " + shnum);
      }
      long strSh = shoff + link * shentsize;
      long strOff = wide ? r.u64(strSh + 24) : r.u32(strSh + 16);
      long strSize = wide ? r.u64(strSh + 32) : r.u32(strSh + 20);
      r.range(strOff, strSize, "the dynamic string table");
      for (long s = offset + entsize; s + minSym <= offset + size; s += entsize) {
        long nameOff = r.u32(s);
        int shndx = r.u16(wide ? s + 6 : s + 14);
        if (nameOff == 0) {
          continue;
        }
        if (nameOff >= strSize) {
          throw new MetadataException(name + ": a symbol name lies outside the string table");
        }
        int start = (int) (strOff + nameOff);
        int end = start;
        int limit = (int) (strOff + strSize);
        while (end < limit && elf[end] != 0) {
          end++;
        }
        if (end == limit) {
          throw new MetadataException(name + ": a symbol name is not terminated");
        }
        String symbol = new String(elf, start, end - start, StandardCharsets.ISO_8859_1);
        (shndx == SHN_UNDEF ? imported : exported).add(symbol);
      }
    }
    return new Dynamic(imported, exported);
  }

  /** Bounds-checked reads of unsigned fields. */
  private record Reader(ByteBuffer b, String name) {
    void range(long offset, long size, String what) throws MetadataException {
      if (offset < 0 || size < 0 || offset > b.capacity() || size > b.capacity() - offset) {
        throw new MetadataException(name + ": " + what + " lies outside the file");
      }
    }

    int u16(long at) throws MetadataException {
      range(at, 2, "a field at offset " + at);
      return Short.toUnsignedInt(b.getShort((int) at));
    }

    long u32(long at) throws MetadataException {
      range(at, 4, "a field at offset " + at);
      return Integer.toUnsignedLong(b.getInt((int) at));
    }

    long u64(long at) throws MetadataException {
      range(at, 8, "a field at offset " + at);
      long v = b.getLong((int) at);
      if (v < 0) {
        throw new MetadataException(name + ": a 64-bit offset or size is out of range");
      }
      return v;
    }
  }
}
