package io.pigsty.repo.deb;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiny ELF shared objects for tests: an ELF header, {@code .dynsym}, {@code .dynstr} and {@code
 * .shstrtab}, laid out as the System V ABI describes, with the given imported (undefined) and
 * defined dynamic symbols. Not loadable (no program headers), only readable.
 */
public final class ElfFixture {
  private ElfFixture() {}

  /** A 64-bit little-endian object (x86-64, aarch64). */
  public static byte[] so(List<String> imported, List<String> defined) {
    return so(true, ByteOrder.LITTLE_ENDIAN, imported, defined);
  }

  /**
   * @param wide 64-bit (ELFCLASS64) or 32-bit
   * @param order the byte order (ELFDATA2LSB or ELFDATA2MSB)
   * @param imported names of undefined symbols (section index 0)
   * @param defined names of symbols defined in a (fictitious) section 5
   */
  public static byte[] so(
      boolean wide, ByteOrder order, List<String> imported, List<String> defined) {
    ByteArrayOutputStream str = new ByteArrayOutputStream();
    str.write(0);
    List<int[]> syms = new ArrayList<>(); // name offset, section index
    for (String n : imported) {
      syms.add(new int[] {str.size(), 0});
      str.writeBytes((n + "\0").getBytes(StandardCharsets.US_ASCII));
    }
    for (String n : defined) {
      syms.add(new int[] {str.size(), 5});
      str.writeBytes((n + "\0").getBytes(StandardCharsets.US_ASCII));
    }
    byte[] dynstr = str.toByteArray();
    byte[] shstr = "\0.dynsym\0.dynstr\0.shstrtab\0".getBytes(StandardCharsets.US_ASCII);
    int ehsize = wide ? 64 : 52;
    int symsize = wide ? 24 : 16;
    int shentsize = wide ? 64 : 40;
    int dynsymOff = ehsize;
    int dynsymSize = (syms.size() + 1) * symsize;
    int dynstrOff = dynsymOff + dynsymSize;
    int shstrOff = dynstrOff + dynstr.length;
    int shoff = (shstrOff + shstr.length + 7) & ~7;
    ByteBuffer b = ByteBuffer.allocate(shoff + 4 * shentsize).order(order);
    b.put(new byte[] {0x7f, 'E', 'L', 'F'});
    b.put((byte) (wide ? 2 : 1));
    b.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2));
    b.put((byte) 1); // EV_CURRENT
    b.position(16);
    b.putShort((short) 3); // ET_DYN
    b.putShort((short) (wide ? 62 : 3)); // EM_X86_64 / EM_386
    b.putInt(1);
    if (wide) {
      b.putLong(0).putLong(0).putLong(shoff);
    } else {
      b.putInt(0).putInt(0).putInt(shoff);
    }
    b.putInt(0); // e_flags
    b.putShort((short) ehsize);
    b.putShort((short) 0).putShort((short) 0); // no program headers
    b.putShort((short) shentsize).putShort((short) 4).putShort((short) 3);
    b.position(dynsymOff + symsize); // symbol 0 stays zero
    for (int[] s : syms) {
      if (wide) {
        b.putInt(s[0]).put((byte) 0x12).put((byte) 0).putShort((short) s[1]);
        b.putLong(0).putLong(0);
      } else {
        b.putInt(s[0]).putInt(0).putInt(0).put((byte) 0x12).put((byte) 0).putShort((short) s[1]);
      }
    }
    b.position(dynstrOff);
    b.put(dynstr);
    b.position(shstrOff);
    b.put(shstr);
    b.position(shoff + shentsize); // section 0 stays zero
    section(b, wide, 1, 11, dynsymOff, dynsymSize, 2, symsize); // .dynsym -> .dynstr
    section(b, wide, 9, 3, dynstrOff, dynstr.length, 0, 0); // .dynstr
    section(b, wide, 17, 3, shstrOff, shstr.length, 0, 0); // .shstrtab
    return b.array();
  }

  private static void section(
      ByteBuffer b, boolean wide, int name, int type, int off, int size, int link, int entsize) {
    b.putInt(name).putInt(type);
    if (wide) {
      b.putLong(0).putLong(0).putLong(off).putLong(size);
      b.putInt(link).putInt(0).putLong(1).putLong(entsize);
    } else {
      b.putInt(0).putInt(0).putInt(off).putInt(size);
      b.putInt(link).putInt(0).putInt(1).putInt(entsize);
    }
  }
}
