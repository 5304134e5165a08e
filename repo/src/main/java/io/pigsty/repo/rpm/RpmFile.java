package io.pigsty.repo.rpm;

import io.pigsty.repo.Printable;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.packager.rpm.RpmBaseTag;
import org.eclipse.packager.rpm.parse.InputHeader;
import org.eclipse.packager.rpm.parse.RpmInputStream;

/**
 * The metadata of one .rpm file as repodata needs it, read from its signature and main headers with
 * eclipse packager-rpm (tag numbers from rpm's include/rpm/rpmtag.h).
 *
 * @param name NAME
 * @param arch ARCH ({@code src} for source packages)
 * @param evr EPOCH, VERSION, RELEASE
 * @param summary SUMMARY
 * @param description DESCRIPTION
 * @param packager PACKAGER or ""
 * @param url URL or ""
 * @param buildTime BUILDTIME, seconds since the epoch
 * @param installedSize LONGSIZE or SIZE, bytes
 * @param archiveSize payload size from the signature header, bytes
 * @param license LICENSE
 * @param vendor VENDOR or ""
 * @param group GROUP or ""
 * @param buildHost BUILDHOST or ""
 * @param sourceRpm SOURCERPM or "" (source packages have none)
 * @param headerStart byte offset of the main header
 * @param headerEnd byte offset just after it
 * @param deps provides, requires, conflicts, obsoletes, recommends, suggests, supplements,
 *     enhances, in that order
 * @param files every file path (dirname + basename)
 * @param dirs which of {@code files} are directories
 * @param changelogs (time, author, text) triples, newest first as in the header
 */
public record RpmFile(
    String name,
    String arch,
    Evr evr,
    String summary,
    String description,
    String packager,
    String url,
    long buildTime,
    long installedSize,
    long archiveSize,
    String license,
    String vendor,
    String group,
    String buildHost,
    String sourceRpm,
    long headerStart,
    long headerEnd,
    List<List<RpmDep>> deps,
    List<String> files,
    List<Boolean> dirs,
    List<String[]> changelogs) {

  /** Flag bits of a dependency (rpm's rpmsenseFlags). */
  static final int LESS = 1 << 1;

  static final int GREATER = 1 << 2;
  static final int EQUAL = 1 << 3;
  static final int PREREQ = 1 << 6;
  static final int SCRIPT_PRE = 1 << 9;
  static final int SCRIPT_POST = 1 << 10;
  static final int RPMLIB = 1 << 24;

  /**
   * Reads the headers of an RPM.
   *
   * @throws RpmMetadataException naming the file when it is not a readable RPM
   * @throws IOException when the file cannot be read
   */
  public static RpmFile read(Path rpm) throws RpmMetadataException, IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(rpm));
        HeaderReader r = new HeaderReader(in)) {
      Tags sig = new Tags(r.readHeader(true), rpm);
      Tags h = new Tags(r.readHeader(false), rpm);
      String name = str(h, 1000);
      if (name == null) {
        throw new RpmMetadataException(rpm + ": RPM header has no NAME");
      }
      Long epoch = num(h, 1003);
      Evr evr = Evr.of(epoch == null ? null : Long.toString(epoch), str(h, 1001), str(h, 1002));
      boolean source = h.header.getOptionalTag(1044).isEmpty();
      String arch = source ? "src" : str(h, 1022);
      Long longSize = num(h, 5009);
      Long size = longSize != null ? longSize : num(h, 1009);
      Long archive = num(sig, 271); // LONGARCHIVESIZE
      if (archive == null) {
        archive = num(sig, 1007); // PAYLOADSIZE
      }
      List<List<RpmDep>> deps = new ArrayList<>();
      deps.add(deps(h, 1047, 1112, 1113)); // provides
      deps.add(deps(h, 1049, 1048, 1050)); // requires
      deps.add(deps(h, 1054, 1053, 1055)); // conflicts
      deps.add(deps(h, 1090, 1114, 1115)); // obsoletes
      deps.add(deps(h, 5046, 5048, 5047)); // recommends
      deps.add(deps(h, 5049, 5051, 5050)); // suggests
      deps.add(deps(h, 5052, 5054, 5053)); // supplements
      deps.add(deps(h, 5055, 5057, 5056)); // enhances
      List<String> files = new ArrayList<>();
      List<Boolean> dirs = new ArrayList<>();
      files(strs(h, 1117), strs(h, 1118), nums(h, 1116), nums(h, 1030), files, dirs);
      List<String[]> logs = changelogs(nums(h, 1080), strs(h, 1081), strs(h, 1082));
      return new RpmFile(
          name,
          arch,
          evr,
          orEmpty(str(h, 1004)),
          orEmpty(str(h, 1005)),
          orEmpty(str(h, 1015)),
          orEmpty(str(h, 1020)),
          orZero(num(h, 1006)),
          orZero(size),
          orZero(archive),
          orEmpty(str(h, 1014)),
          orEmpty(str(h, 1011)),
          orEmpty(str(h, 1016)),
          orEmpty(str(h, 1007)),
          source ? "" : orEmpty(str(h, 1044)),
          h.header.getStart(),
          h.header.getStart() + h.header.getLength(),
          deps,
          files,
          dirs,
          logs);
    } catch (IOException | RuntimeException e) {
      if (e instanceof NoSuchFileException) {
        throw (IOException) e;
      }
      // packager's exceptions often carry no message (an EOFException of a cut header, a
      // NullPointerException of a missing tag): name the kind then, never "(null)"
      String why =
          e.getMessage() != null
              ? e.getMessage()
              : e instanceof java.io.EOFException ? "truncated" : e.getClass().getSimpleName();
      throw new RpmMetadataException(
          Printable.escape(rpm.toString()) + ": not a readable RPM (" + Printable.escape(why) + ")",
          e);
    }
  }

  /** BASENAMES, DIRNAMES, DIRINDEXES and FILEMODES into full paths and which are directories. */
  private static void files(
      String[] base,
      String[] dirNames,
      long[] dirIndex,
      long[] modes,
      List<String> files,
      List<Boolean> dirs) {
    for (int i = 0; i < base.length; i++) {
      files.add(dirNames[(int) dirIndex[i]] + base[i]);
      dirs.add(i < modes.length && (modes[i] & 0170000) == 0040000);
    }
  }

  /** CHANGELOGTIME, CHANGELOGNAME and CHANGELOGTEXT into (time, author, text) triples. */
  private static List<String[]> changelogs(long[] times, String[] authors, String[] texts) {
    List<String[]> logs = new ArrayList<>();
    for (int i = 0; i < times.length && i < authors.length && i < texts.length; i++) {
      logs.add(new String[] {Long.toString(times[i]), authors[i], texts[i]});
    }
    return logs;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static long orZero(Long l) {
    return l == null ? 0 : l;
  }

  private static Object tag(Tags h, int tag) throws IOException {
    return h.value(tag);
  }

  static String str(Tags h, int tag) throws IOException {
    Object v = tag(h, tag);
    if (v instanceof String[]) {
      String[] a = (String[]) v;
      return a.length == 0 ? null : a[0];
    }
    return v == null ? null : v.toString();
  }

  static String[] strs(Tags h, int tag) throws IOException {
    Object v = tag(h, tag);
    if (v == null) {
      return new String[0];
    }
    if (v instanceof String[]) {
      return (String[]) v;
    }
    return new String[] {v.toString()};
  }

  static Long num(Tags h, int tag) throws IOException {
    long[] a = nums(h, tag);
    return a.length == 0 ? null : a[0];
  }

  static long[] nums(Tags h, int tag) throws IOException {
    Object v = tag(h, tag);
    if (v == null) {
      return new long[0];
    }
    if (v instanceof Number) {
      return new long[] {((Number) v).longValue() & unsignedMask(v)};
    }
    if (v instanceof int[]) {
      int[] a = (int[]) v;
      long[] out = new long[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = a[i] & 0xffffffffL;
      }
      return out;
    }
    if (v instanceof long[]) {
      return (long[]) v;
    }
    if (v instanceof short[]) {
      short[] a = (short[]) v;
      long[] out = new long[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = a[i] & 0xffff;
      }
      return out;
    }
    if (v instanceof Object[]) {
      Object[] a = (Object[]) v;
      long[] out = new long[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = ((Number) a[i]).longValue() & unsignedMask(a[i]);
      }
      return out;
    }
    throw new IllegalArgumentException(
        "tag " + tag + " is not numeric: " + v.getClass().getSimpleName());
  }

  private static long unsignedMask(Object n) {
    if (n instanceof Integer) {
      return 0xffffffffL;
    }
    if (n instanceof Short) {
      return 0xffffL;
    }
    return -1L;
  }

  private static List<RpmDep> deps(Tags h, int nameTag, int flagsTag, int versionTag)
      throws IOException {
    String[] names = strs(h, nameTag);
    long[] flags = nums(h, flagsTag);
    String[] versions = strs(h, versionTag);
    List<RpmDep> out = new ArrayList<>(names.length);
    for (int i = 0; i < names.length; i++) {
      int f = i < flags.length ? (int) flags[i] : 0;
      String v = i < versions.length ? versions[i] : "";
      RpmDep.Flags op = null;
      int cmp = f & (LESS | GREATER | EQUAL);
      if (cmp == EQUAL) op = RpmDep.Flags.EQ;
      else if (cmp == LESS) op = RpmDep.Flags.LT;
      else if (cmp == (LESS | EQUAL)) op = RpmDep.Flags.LE;
      else if (cmp == GREATER) op = RpmDep.Flags.GT;
      else if (cmp == (GREATER | EQUAL)) op = RpmDep.Flags.GE;
      boolean pre = (f & (PREREQ | SCRIPT_PRE | SCRIPT_POST)) != 0;
      if ((f & RPMLIB) != 0 || names[i].startsWith("rpmlib(")) {
        continue; // rpm's own features are never written to repodata
      }
      out.add(new RpmDep(names[i], op, op == null || v.isEmpty() ? null : Evr.parse(v), pre));
    }
    return out;
  }

  /**
   * packager-rpm's reader without its payload: {@link RpmInputStream} opens the payload
   * decompressor as soon as a header is asked for, which repodata never reads.
   */
  private static final class HeaderReader extends RpmInputStream {
    HeaderReader(InputStream in) throws IOException {
      super(in);
      readLead();
    }

    @Override
    protected void ensureInit() {
      // lead and headers are read by the caller; the payload is never opened
    }

    @Override
    protected <T extends RpmBaseTag> InputHeader<T> readHeader(boolean signature)
        throws IOException {
      return super.readHeader(signature);
    }
  }

  /**
   * One header's tags. Strings are taken as packager-rpm decodes them (UTF-8), except where the
   * bytes are not UTF-8: those are decoded again from the header store as createrepo_c writes them
   * (its xml_dump.c {@code cr_latin1_to_utf8}: ISO-8859-1, with bytes 0x80-0xBF dropped), since a
   * lossy decoding cannot be undone.
   */
  private static final class Tags {
    final InputHeader<?> header;
    private final Path file;
    private ByteBuffer store;

    Tags(InputHeader<?> header, Path file) {
      this.header = header;
      this.file = file;
    }

    Object value(int tag) throws IOException {
      Object v = header.getOptionalTag(tag).orElse(null);
      if (v instanceof String str && str.indexOf('\uFFFD') >= 0) {
        String[] raw = raw(tag);
        return raw.length == 0 ? v : raw[0];
      }
      if (v instanceof String[] arr && Arrays.stream(arr).anyMatch(x -> x.indexOf('\uFFFD') >= 0)) {
        String[] raw = raw(tag);
        return raw.length == arr.length ? raw : v;
      }
      return v;
    }

    /**
     * The strings of a tag read from the header store (rpm's header layout: 16-byte intro, 16-byte
     * index entries, store).
     */
    private String[] raw(int tag) throws IOException {
      var entry = header.getEntry(tag);
      if (entry.isEmpty()) {
        return new String[0];
      }
      if (store == null) {
        try (InputStream in = Files.newInputStream(file)) {
          in.skipNBytes(header.getStart());
          ByteBuffer intro = ByteBuffer.wrap(in.readNBytes(16));
          int nindex = intro.capacity() == 16 ? intro.getInt(8) : -1;
          int hsize = intro.capacity() == 16 ? intro.getInt(12) : -1;
          if (nindex < 0 || hsize < 0 || 16L + 16L * nindex + hsize > header.getLength()) {
            throw new IOException("header intro does not match its length");
          }
          in.skipNBytes(16L * nindex);
          store = ByteBuffer.wrap(in.readNBytes(hsize));
        }
      }
      int at = entry.get().getIndex();
      String[] out = new String[entry.get().getCount()];
      for (int i = 0; i < out.length; i++) {
        int end = at;
        while (end < store.limit() && store.get(end) != 0) {
          end++;
        }
        if (end >= store.limit()) {
          throw new IOException("string of tag " + tag + " runs past the header store");
        }
        byte[] b = new byte[end - at];
        store.get(at, b);
        out[i] = createrepoString(b);
        at = end + 1;
      }
      return out;
    }
  }

  /**
   * Decodes header string bytes as createrepo_c writes them into XML: UTF-8 when they are valid
   * UTF-8, else ISO-8859-1 where bytes 0x80-0xBF (taken for mis-encoded cp1252) are dropped
   * (createrepo_c xml_dump.c, {@code cr_xmlNewTextChild} and {@code cr_latin1_to_utf8}).
   */
  static String createrepoString(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      StringBuilder sb = new StringBuilder(b.length);
      for (byte x : b) {
        int c = x & 0xff;
        if (c < 0x80 || c >= 0xc0) {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }
  }
}
