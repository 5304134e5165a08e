package io.pigsty.repo.rpm;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A compact binary form of a parsed primary (what libsolv's {@code .solv} cache is to dnf): every
 * field of {@link RpmPackage}, strings and EVRs stored once, so a second load skips decompressing
 * and parsing the XML (52 MB for CentOS Stream 9 AppStream). A snapshot is only made from, and
 * named after, a primary whose checksum was checked against its repomd.xml.
 *
 * <p>Layout (big-endian, {@link DataOutputStream}): magic {@code PRM1}; the string table (count,
 * then modified-UTF-8 strings); the EVR table (count, then three string indexes); the packages
 * (count, then per package the string and EVR indexes of its fields, the two sizes, eight
 * dependency lists and the file list). Index -1 stands for null.
 */
public final class PrimarySnapshot {
  private static final int MAGIC = 0x50524d31; // "PRM1"
  private static final RpmDep.Flags[] FLAGS = RpmDep.Flags.values();

  private PrimarySnapshot() {}

  /**
   * @param packages packages as {@link PrimaryReader} returns them
   * @return the snapshot bytes
   * @throws IllegalArgumentException when a string is longer than 65,535 UTF-8 bytes (no snapshot
   *     can hold it; the caller keeps the XML)
   */
  public static byte[] write(List<RpmPackage> packages) {
    Map<String, Integer> strings = new HashMap<>();
    List<String> stringList = new ArrayList<>();
    Map<Evr, Integer> evrs = new HashMap<>();
    List<Evr> evrList = new ArrayList<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream(packages.size() * 256);
    try (DataOutputStream out = new DataOutputStream(body)) {
      out.writeInt(packages.size());
      for (RpmPackage p : packages) {
        for (String s :
            new String[] {
              p.name(),
              p.arch(),
              p.checksumType(),
              p.checksum(),
              p.location(),
              p.locationBase(),
              p.sourceRpm()
            }) {
          out.writeInt(index(s, strings, stringList));
        }
        out.writeInt(evr(p.evr(), evrs, evrList, strings, stringList));
        out.writeLong(p.packageSize());
        out.writeLong(p.installedSize());
        for (List<RpmDep> deps :
            List.of(
                p.requires(),
                p.provides(),
                p.conflicts(),
                p.obsoletes(),
                p.recommends(),
                p.suggests(),
                p.supplements(),
                p.enhances())) {
          out.writeInt(deps.size());
          for (RpmDep d : deps) {
            out.writeInt(index(d.name(), strings, stringList));
            out.writeByte(d.flags() == null ? -1 : d.flags().ordinal());
            out.writeInt(d.evr() == null ? -1 : evr(d.evr(), evrs, evrList, strings, stringList));
            out.writeBoolean(d.pre());
          }
        }
        out.writeInt(p.files().size());
        for (String f : p.files()) {
          out.writeInt(index(f, strings, stringList));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream(body.size() + stringList.size() * 24);
    try (DataOutputStream out = new DataOutputStream(all)) {
      out.writeInt(MAGIC);
      out.writeInt(stringList.size());
      for (String s : stringList) {
        if (s.length() > 21_000 && s.getBytes(StandardCharsets.UTF_8).length > 65_535) {
          throw new IllegalArgumentException(
              "string of " + s.length() + " characters cannot be snapshot");
        }
        out.writeUTF(s);
      }
      out.writeInt(evrList.size());
      for (Evr e : evrList) {
        out.writeInt(index(e.epoch(), strings, null));
        out.writeInt(index(e.version(), strings, null));
        out.writeInt(index(e.release(), strings, null));
      }
      body.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all.toByteArray();
  }

  private static int index(String s, Map<String, Integer> strings, List<String> list) {
    if (s == null) {
      return -1;
    }
    Integer i = strings.get(s);
    if (i == null) {
      i = list.size();
      strings.put(s, i);
      list.add(s);
    }
    return i;
  }

  private static int evr(
      Evr e,
      Map<Evr, Integer> evrs,
      List<Evr> list,
      Map<String, Integer> strings,
      List<String> stringList) {
    Integer i = evrs.get(e);
    if (i == null) {
      index(e.epoch(), strings, stringList);
      index(e.version(), strings, stringList);
      index(e.release(), strings, stringList);
      i = list.size();
      evrs.put(e, i);
      list.add(e);
    }
    return i;
  }

  /**
   * Restores the packages of a snapshot.
   *
   * @param snapshot bytes from {@link #write}
   * @param source named in the error (the snapshot file)
   * @return the packages, in primary's order, equal to what the parser returned
   * @throws RpmMetadataException naming {@code source} when the bytes are not a snapshot of this
   *     format or are cut short (the caller then parses the XML)
   */
  public static List<RpmPackage> read(byte[] snapshot, String source) throws RpmMetadataException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      if (in.readInt() != MAGIC) {
        throw new RpmMetadataException(source + ": not a primary snapshot of this format");
      }
      String[] strings = new String[count(in, snapshot.length, source)];
      for (int i = 0; i < strings.length; i++) {
        strings[i] = in.readUTF();
      }
      Evr[] evrs = new Evr[count(in, snapshot.length, source)];
      for (int i = 0; i < evrs.length; i++) {
        evrs[i] =
            new Evr(
                str(strings, in.readInt()), str(strings, in.readInt()), str(strings, in.readInt()));
      }
      int n = count(in, snapshot.length, source);
      List<RpmPackage> out = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        String[] f = new String[7];
        for (int i = 0; i < f.length; i++) {
          f[i] = str(strings, in.readInt());
        }
        Evr evr = evrs[in.readInt()];
        long size = in.readLong();
        long installed = in.readLong();
        List<List<RpmDep>> deps = new ArrayList<>(8);
        for (int j = 0; j < 8; j++) {
          int m = count(in, snapshot.length, source);
          List<RpmDep> list = new ArrayList<>(m);
          for (int i = 0; i < m; i++) {
            String name = strings[in.readInt()];
            int flag = in.readByte();
            int e = in.readInt();
            boolean pre = in.readBoolean();
            list.add(new RpmDep(name, flag < 0 ? null : FLAGS[flag], e < 0 ? null : evrs[e], pre));
          }
          deps.add(list);
        }
        int nf = count(in, snapshot.length, source);
        List<String> files = new ArrayList<>(nf);
        for (int i = 0; i < nf; i++) {
          files.add(strings[in.readInt()]);
        }
        out.add(
            new RpmPackage(
                f[0],
                f[1],
                evr,
                f[2],
                f[3],
                f[4],
                f[5],
                size,
                installed,
                f[6],
                deps.get(0),
                deps.get(1),
                deps.get(2),
                deps.get(3),
                deps.get(4),
                deps.get(5),
                deps.get(6),
                deps.get(7),
                files));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new RpmMetadataException(source + ": damaged primary snapshot (" + e + ")", e);
    }
  }

  private static int count(DataInputStream in, int max, String source)
      throws IOException, RpmMetadataException {
    int n = in.readInt();
    if (n < 0 || n > max) {
      throw new RpmMetadataException(source + ": damaged primary snapshot (count " + n + ")");
    }
    return n;
  }

  private static String str(String[] strings, int i) {
    return i < 0 ? null : strings[i];
  }
}
