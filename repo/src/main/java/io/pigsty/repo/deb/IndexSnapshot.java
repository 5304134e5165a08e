package io.pigsty.repo.deb;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A compact binary form of a parsed Packages file (what apt's {@code pkgcache.bin} is to apt): the
 * fields the resolver reads and where each stanza lies in the file, so a second load skips scanning
 * the 50 MB text. A snapshot is only ever made from, and named after, a Packages file whose SHA256
 * was checked against a signed Release; the stanza text is read from that file (through the given
 * supplier) only when an index writer asks for it.
 */
public final class IndexSnapshot {
  private static final int MAGIC = 0x50494732; // "PIG2"

  private IndexSnapshot() {}

  /**
   * @param packages packages parsed by {@link PackageIndex#parsePackagesFile}, in file order
   * @return the snapshot bytes
   */
  public static byte[] write(List<DebPackage> packages) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(packages.size() * 160);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(PackageIndex.FIELDS.length);
      out.writeInt(packages.size());
      for (DebPackage p : packages) {
        Paragraph para = p.paragraph();
        for (int i = 0; i < PackageIndex.FIELDS.length; i++) {
          String v = para.keptValue(i);
          if (v == null) {
            out.writeInt(-1);
          } else {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
          }
        }
        out.writeInt(para.start());
        out.writeInt(para.end());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Restores the packages of a snapshot.
   *
   * @param snapshot bytes from {@link #write}
   * @param origin the suite the Packages file belongs to
   * @param packagesFile supplies the Packages file when a stanza's text is needed
   * @return the packages, in file order
   * @throws MetadataException naming {@code origin} when the snapshot is not one of ours or is cut
   *     short (the caller then parses the Packages file instead)
   */
  public static List<DebPackage> read(byte[] snapshot, String origin, Supplier<byte[]> packagesFile)
      throws MetadataException {
    String[] names = PackageIndex.FIELDS;
    Supplier<byte[]> once = memoize(packagesFile);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      if (in.readInt() != MAGIC || in.readInt() != names.length) {
        throw new MetadataException(origin + ": index snapshot of another format");
      }
      int n = in.readInt();
      List<DebPackage> out = new ArrayList<>(n);
      String[] values = new String[names.length];
      for (int k = 0; k < n; k++) {
        for (int i = 0; i < names.length; i++) {
          int len = in.readInt();
          if (len < -1 || len > in.available()) {
            throw new MetadataException(origin + ": index snapshot is damaged");
          }
          if (len < 0) {
            values[i] = null;
          } else {
            byte[] b = new byte[len];
            in.readFully(b);
            values[i] = new String(b, StandardCharsets.UTF_8);
          }
        }
        int start = in.readInt();
        int end = in.readInt();
        out.add(DebPackage.lazy(Paragraph.restored(names, values, once, start, end), origin));
      }
      if (in.available() != 0) {
        throw new MetadataException(origin + ": index snapshot has trailing bytes");
      }
      return out;
    } catch (IOException e) {
      throw new MetadataException(origin + ": index snapshot is cut short", e);
    }
  }

  private static Supplier<byte[]> memoize(Supplier<byte[]> s) {
    return new Supplier<>() {
      private byte[] value;

      @Override
      public synchronized byte[] get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }
}
