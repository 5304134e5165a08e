package io.pigsty.repo.rpm;

import com.github.luben.zstd.ZstdOutputStream;
import io.pigsty.repo.Digests;
import io.pigsty.repo.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes yum/dnf repository metadata for a set of RPM files, as createrepo_c does: primary,
 * filelists and other XML (gzip, or zstd on request), each named {@code <sha256>-<type>.xml.gz}
 * under {@code repodata/}, and {@code repomd.xml} listing them with checksum, open-checksum, sizes
 * and timestamp (createrepo_c's {@code cr_xml_dump_*}; repomd format of rpm-software-management).
 * Output depends only on the RPMs, their paths and the given time.
 */
public final class RepodataWriter {
  /** Compression of the XML files. */
  public enum Compression {
    /** {@code .xml.gz}, what every dnf reads. */
    GZ(".gz"),
    /** {@code .xml.zst}, EL9 and later. */
    ZSTD(".zst");

    final String suffix;

    Compression(String suffix) {
      this.suffix = suffix;
    }
  }

  /** One package to list: its headers, where it is below the repository, its SHA256 and size. */
  public record Entry(RpmFile rpm, String location, String sha256, long size) {}

  /** Names of the {@link RpmFile#deps()} lists, in their order. */
  private static final String[] DEP_KINDS = {
    "provides",
    "requires",
    "conflicts",
    "obsoletes",
    "recommends",
    "suggests",
    "supplements",
    "enhances"
  };

  /** The order createrepo_c writes them in primary.xml (its xml_dump_primary.c). */
  private static final int[] PRIMARY_DEP_ORDER = {0, 1, 2, 3, 5, 7, 4, 6};

  /**
   * Changelog entries per package in other.xml: createrepo_c's default {@code --changelog-limit}.
   */
  static final int CHANGELOG_LIMIT = 10;

  private static final String COMMON = "http://linux.duke.edu/metadata/common";
  private static final String RPM = "http://linux.duke.edu/metadata/rpm";

  private RepodataWriter() {}

  /**
   * Writes {@code dir/repodata/} for the given RPM files, replacing an existing one: the new
   * directory is written beside it and renamed into place.
   *
   * @param dir the repository root
   * @param rpms RPM files below {@code dir}, listed in this order with paths relative to it; read,
   *     hashed and rendered on one thread per processor, a bounded number ahead of the writer, so
   *     memory does not grow with the repository (as createrepo_c's workers)
   * @return the files written, by name
   * @throws RpmMetadataException naming the first file that is not a readable RPM
   */
  public static Map<String, byte[]> write(
      Path dir, List<Path> rpms, Instant time, Compression compression, byte[] modules)
      throws IOException, RpmMetadataException {
    Map<String, byte[]> files = stream(dir, rpms, time, compression).finish(modules);
    Path tmp = Files.createTempDirectory(dir, ".repodata-");
    try {
      // temp directories are 0700; repodata/ must be readable by dnf, nginx and apt's users
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    try {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Files.write(tmp.resolve(f.getKey()), f.getValue());
      }
      Path target = dir.resolve("repodata");
      Path old = null;
      if (Files.exists(target)) {
        old = dir.resolve(".repodata-old-" + System.nanoTime());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      deleteFlatDir(old);
    } finally {
      deleteFlatDir(tmp);
    }
    return files;
  }

  /**
   * Reads, hashes and renders each RPM on up to one thread per processor, and appends the results
   * to the documents in list order. At most {@code 8 x threads} packages are in flight.
   *
   * @throws RpmMetadataException naming the first file in the list that is not a readable RPM
   */
  private static Documents stream(Path dir, List<Path> rpms, Instant time, Compression compression)
      throws IOException, RpmMetadataException {
    Documents docs = new Documents(rpms.size(), time, compression);
    int threads = Math.max(1, Math.min(rpms.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService pool =
        Executors.newFixedThreadPool(threads, Threads.daemon("repodata-reader-"));
    try {
      ArrayDeque<Future<Fragments>> window = new ArrayDeque<>();
      Iterator<Path> next = rpms.iterator();
      while (next.hasNext() || !window.isEmpty()) {
        while (next.hasNext() && window.size() < 8 * threads) {
          Path p = next.next();
          window.add(pool.submit(() -> fragments(entry(dir, p), time)));
        }
        docs.add(get(window.poll()));
      }
      return docs;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Fragments get(Future<Fragments> f) throws IOException, RpmMetadataException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RpmMetadataException m) {
        throw m;
      }
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading RPM headers");
    }
  }

  private static Entry entry(Path dir, Path rpm) throws IOException, RpmMetadataException {
    RpmFile h = RpmFile.read(rpm);
    long size = Files.size(rpm);
    return new Entry(
        h, dir.relativize(rpm).toString().replace('\\', '/'), Digests.sha256Hex(rpm), size);
  }

  /** Deletes a directory of plain files, if it exists. */
  private static void deleteFlatDir(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  private static void data(
      StringBuilder sb,
      String type,
      String sha,
      String openSha,
      String href,
      long ts,
      long size,
      long openSize) {
    sb.append("  <data type=\"")
        .append(type)
        .append("\">\n")
        .append("    <checksum type=\"sha256\">")
        .append(sha)
        .append("</checksum>\n")
        .append("    <open-checksum type=\"sha256\">")
        .append(openSha)
        .append("</open-checksum>\n")
        .append("    <location href=\"")
        .append(href)
        .append("\"/>\n")
        .append("    <timestamp>")
        .append(ts)
        .append("</timestamp>\n")
        .append("    <size>")
        .append(size)
        .append("</size>\n")
        .append("    <open-size>")
        .append(openSize)
        .append("</open-size>\n")
        .append("  </data>\n");
  }

  private interface Body {
    void write(XMLStreamWriter w) throws XMLStreamException;
  }

  /** One package's {@code <package>} elements of primary, filelists and other, as UTF-8 XML. */
  private record Fragments(byte[] primary, byte[] filelists, byte[] other) {}

  private static final ThreadLocal<XMLOutputFactory> XML =
      ThreadLocal.withInitial(XMLOutputFactory::newFactory);

  /** Renders one package's three fragments, each followed by a line break. */
  static Fragments fragments(Entry e, Instant time) {
    return new Fragments(
        fragment(w -> primaryPackage(w, e, time)),
        fragment(w -> perPackage(w, e, RepodataWriter::filelistsBody)),
        fragment(w -> perPackage(w, e, RepodataWriter::otherBody)));
  }

  private static byte[] fragment(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      XMLStreamWriter w = XML.get().createXMLStreamWriter(out, "UTF-8");
      body.write(w);
      w.writeCharacters("\n");
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  /**
   * Repodata written one package at a time: each package's fragments go straight into the three
   * compressors, with the SHA256 and size of the uncompressed content taken on the way (repomd's
   * open-*), so memory does not depend on the number of packages. Not thread-safe.
   */
  public static final class Documents {
    private final int packages;
    private final Instant time;
    private final Compression compression;
    private final Sink primary;
    private final Sink filelists;
    private final Sink other;
    private int added;

    /**
     * @param packages how many packages will be added (the documents' {@code packages} attribute)
     * @param time the repomd revision and timestamps, and the {@code file} time of packages
     * @param compression how the XML files are compressed
     */
    public Documents(int packages, Instant time, Compression compression) {
      this.packages = packages;
      this.time = time;
      this.compression = compression;
      String head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
      primary =
          new Sink(
              compression,
              head
                  + "<metadata xmlns=\""
                  + COMMON
                  + "\" xmlns:rpm=\""
                  + RPM
                  + "\" packages=\""
                  + packages
                  + "\">\n");
      filelists =
          new Sink(
              compression,
              head
                  + "<filelists xmlns=\"http://linux.duke.edu/metadata/filelists\" packages=\""
                  + packages
                  + "\">\n");
      other =
          new Sink(
              compression,
              head
                  + "<otherdata xmlns=\"http://linux.duke.edu/metadata/other\" packages=\""
                  + packages
                  + "\">\n");
    }

    /** Appends one package (after those added before). */
    public void add(Entry e) {
      add(fragments(e, time));
    }

    void add(Fragments f) {
      if (++added > packages) {
        throw new IllegalStateException("more than the " + packages + " packages announced");
      }
      primary.write(f.primary());
      filelists.write(f.filelists());
      other.write(f.other());
    }

    /**
     * Ends the documents and writes repomd.xml.
     *
     * @param modules {@code modules.yaml} content to list as type {@code modules}, or null
     * @return file name below {@code repodata/} to content; {@code repomd.xml} last
     * @throws IllegalStateException when fewer packages were added than announced
     */
    public Map<String, byte[]> finish(byte[] modules) {
      if (added != packages) {
        throw new IllegalStateException(added + " packages added, " + packages + " announced");
      }
      // repomd type to its document; modules.yaml, when given, compressed like the XML
      Map<String, Sink> docs = new LinkedHashMap<>();
      docs.put("primary", primary.end("</metadata>\n"));
      docs.put("filelists", filelists.end("</filelists>\n"));
      docs.put("other", other.end("</otherdata>\n"));
      if (modules != null) {
        Sink m = new Sink(compression, "");
        m.write(modules);
        docs.put("modules", m.end(""));
      }
      Map<String, byte[]> out = new LinkedHashMap<>();
      StringBuilder repomd = new StringBuilder();
      long ts = time.getEpochSecond();
      repomd
          .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
          .append(
              "<repomd xmlns=\"http://linux.duke.edu/metadata/repo\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n")
          .append("  <revision>")
          .append(ts)
          .append("</revision>\n");
      for (Map.Entry<String, Sink> e : docs.entrySet()) {
        Sink x = e.getValue();
        byte[] packed = x.bytes();
        String sha = Digests.sha256Hex(packed);
        String file = e.getKey().equals("modules") ? "modules.yaml" : e.getKey() + ".xml";
        String href = "repodata/" + sha + "-" + file + compression.suffix;
        out.put(href.substring("repodata/".length()), packed);
        data(repomd, e.getKey(), sha, x.openSha256(), href, ts, packed.length, x.openSize());
      }
      repomd.append("</repomd>\n");
      out.put("repomd.xml", repomd.toString().getBytes(StandardCharsets.UTF_8));
      return out;
    }
  }

  /** One compressed document: digest and size of what goes in, the compressed bytes out. */
  private static final class Sink {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
    private final MessageDigest md = Digests.sha256();
    private final OutputStream z;
    private long size;

    Sink(Compression c, String head) {
      try {
        z = c == Compression.GZ ? new GZIPOutputStream(out, 1 << 16) : new ZstdOutputStream(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      write(head.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] b) {
      md.update(b);
      size += b.length;
      try {
        z.write(b);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Sink end(String tail) {
      write(tail.getBytes(StandardCharsets.UTF_8));
      try {
        z.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    String openSha256() {
      return HexFormat.of().formatHex(md.digest());
    }

    long openSize() {
      return size;
    }
  }

  private static void primaryPackage(XMLStreamWriter w, Entry e, Instant time)
      throws XMLStreamException {
    RpmFile r = e.rpm();
    w.writeStartElement("package");
    w.writeAttribute("type", "rpm");
    text(w, "name", r.name());
    text(w, "arch", r.arch());
    version(w, r.evr());
    w.writeStartElement("checksum");
    w.writeAttribute("type", "sha256");
    w.writeAttribute("pkgid", "YES");
    w.writeCharacters(e.sha256());
    w.writeEndElement();
    text(w, "summary", r.summary());
    text(w, "description", r.description());
    text(w, "packager", r.packager());
    text(w, "url", r.url());
    w.writeEmptyElement("time");
    w.writeAttribute("file", Long.toString(time.getEpochSecond()));
    w.writeAttribute("build", Long.toString(r.buildTime()));
    w.writeEmptyElement("size");
    w.writeAttribute("package", Long.toString(e.size()));
    w.writeAttribute("installed", Long.toString(r.installedSize()));
    w.writeAttribute("archive", Long.toString(r.archiveSize()));
    w.writeEmptyElement("location");
    w.writeAttribute("href", e.location());
    w.writeStartElement("format");
    text(w, "rpm", RPM, "license", r.license());
    text(w, "rpm", RPM, "vendor", r.vendor());
    text(w, "rpm", RPM, "group", r.group());
    text(w, "rpm", RPM, "buildhost", r.buildHost());
    text(w, "rpm", RPM, "sourcerpm", r.sourceRpm());
    w.writeEmptyElement("rpm", "header-range", RPM);
    w.writeAttribute("start", Long.toString(r.headerStart()));
    w.writeAttribute("end", Long.toString(r.headerEnd()));
    for (int k : PRIMARY_DEP_ORDER) {
      deps(w, DEP_KINDS[k], k == 1 ? requiresForPrimary(r) : r.deps().get(k), k == 1);
    }
    primaryFiles(w, r);
    w.writeEndElement(); // format
    w.writeEndElement(); // package
  }

  /** One {@code rpm:provides}, {@code rpm:requires}, ... list; nothing when empty. */
  private static void deps(XMLStreamWriter w, String kind, List<RpmDep> deps, boolean requires)
      throws XMLStreamException {
    if (deps.isEmpty()) {
      return;
    }
    w.writeStartElement("rpm", kind, RPM);
    for (RpmDep d : deps) {
      w.writeEmptyElement("rpm", "entry", RPM);
      w.writeAttribute("name", d.name());
      if (d.flags() != null) {
        w.writeAttribute("flags", d.flags().name());
        if (d.evr() != null) {
          w.writeAttribute("epoch", d.evr().epoch() == null ? "0" : d.evr().epoch());
          w.writeAttribute("ver", d.evr().version());
          if (d.evr().release() != null && !d.evr().release().isEmpty()) {
            w.writeAttribute("rel", d.evr().release());
          }
        }
      }
      if (requires && d.pre()) {
        w.writeAttribute("pre", "1");
      }
    }
    w.writeEndElement();
  }

  /** The files primary.xml lists (see {@link #primaryFile}). */
  private static void primaryFiles(XMLStreamWriter w, RpmFile r) throws XMLStreamException {
    for (int i = 0; i < r.files().size(); i++) {
      String f = r.files().get(i);
      if (primaryFile(f)) {
        w.writeStartElement("file");
        if (r.dirs().get(i)) {
          w.writeAttribute("type", "dir");
        }
        w.writeCharacters(f);
        w.writeEndElement();
      }
    }
  }

  /**
   * Whether primary.xml lists a file (createrepo_c's and yum's rule, the regular expression {@code
   * ^(/etc/.*|.*bin/.*|/usr/lib/sendmail)$}, whose {@code .} excludes a line break).
   */
  static boolean primaryFile(String f) {
    return (f.startsWith("/etc/") || f.contains("bin/") || f.equals("/usr/lib/sendmail"))
        && f.indexOf('\n') < 0;
  }

  /**
   * Requires as createrepo_c lists them (its parsehdr.c): without rpmlib() features, without
   * requirements the package satisfies itself (its own Provides, or a file it contains), and of the
   * {@code libc.so.6} requirements only the one naming the newest GLIBC version, listed last; a
   * requirement equal (flags, version, pre) to the last one listed under its name is left out.
   */
  static List<RpmDep> requiresForPrimary(RpmFile r) {
    List<RpmDep> out = new ArrayList<>();
    Map<String, RpmDep> lastKept = new HashMap<>();
    Set<String> files = null;
    Map<String, List<RpmDep>> provides = new HashMap<>();
    for (RpmDep p : r.deps().get(0)) {
      provides.computeIfAbsent(p.name(), k -> new ArrayList<>(1)).add(p);
    }
    RpmDep newestLibc = null;
    String newestGlibc = null;
    for (RpmDep d : r.deps().get(1)) {
      String n = d.name();
      if (n.startsWith("libc.so.6(GLIBC_")) {
        int end = n.indexOf(')');
        String v = end > 16 ? n.substring(16, end) : "";
        if (newestGlibc == null || Evr.rpmvercmp(v, newestGlibc) > 0) {
          newestGlibc = v;
          newestLibc = d;
        }
      }
    }
    for (RpmDep d : r.deps().get(1)) {
      if (d.name().startsWith("libc.so.6") && newestLibc != null) {
        continue; // the newest one goes last, as createrepo_c adds it after the others
      }
      if (d.name().startsWith("/")) {
        if (files == null) {
          files = new HashSet<>(r.files());
        }
        if (files.contains(d.name())) {
          continue;
        }
      }
      boolean selfProvided = false;
      for (RpmDep p : provides.getOrDefault(d.name(), List.of())) {
        if (d.flags() == null || d.overlaps(p)) {
          selfProvided = true;
          break;
        }
      }
      // createrepo_c skips a requirement equal to the last one kept under the same name
      if (!selfProvided && !d.equals(lastKept.get(d.name()))) {
        out.add(d);
        lastKept.put(d.name(), d);
      }
    }
    if (newestLibc != null) {
      out.add(newestLibc);
    }
    return out;
  }

  /** What one package contributes inside its {@code <package>} element of filelists or other. */
  private interface PackageBody {
    void write(XMLStreamWriter w, RpmFile r) throws XMLStreamException;
  }

  /** A package of filelists.xml or other.xml: {@code <package pkgid name arch>}, version, body. */
  private static void perPackage(XMLStreamWriter w, Entry e, PackageBody body)
      throws XMLStreamException {
    RpmFile r = e.rpm();
    w.writeStartElement("package");
    w.writeAttribute("pkgid", e.sha256());
    w.writeAttribute("name", r.name());
    w.writeAttribute("arch", r.arch());
    version(w, r.evr());
    body.write(w, r);
    w.writeEndElement();
  }

  private static void filelistsBody(XMLStreamWriter w, RpmFile r) throws XMLStreamException {
    for (int i = 0; i < r.files().size(); i++) {
      w.writeStartElement("file");
      if (r.dirs().get(i)) {
        w.writeAttribute("type", "dir");
      }
      w.writeCharacters(r.files().get(i));
      w.writeEndElement();
    }
  }

  private static void otherBody(XMLStreamWriter w, RpmFile r) throws XMLStreamException {
    for (String[] c : changelogsForOther(r.changelogs())) {
      w.writeStartElement("changelog");
      w.writeAttribute("author", c[1]);
      w.writeAttribute("date", c[0]);
      w.writeCharacters(c[2]);
      w.writeEndElement();
    }
  }

  /**
   * The changelog entries other.xml lists, as createrepo_c does by default (its parsehdr.c, {@code
   * --changelog-limit 10}): the first {@value #CHANGELOG_LIMIT} entries of the header (the newest),
   * listed oldest first, trailing blanks cut from the author, and where entries share a time the
   * older-listed ones moved one second apart so that every date is distinct within a run.
   *
   * @param header (time, author, text) triples in header order, newest first
   * @return (time, author, text) triples in the order to write them
   */
  static List<String[]> changelogsForOther(List<String[]> header) {
    int n = Math.min(header.size(), CHANGELOG_LIMIT);
    // head of createrepo_c's prepend-built list at index 0: entry i of the header lands first
    long[] date = new long[n];
    List<String[]> out = new ArrayList<>(n);
    long last = 0;
    for (int i = 0; i < n; i++) {
      String[] c = header.get(i);
      long t = Long.parseLong(c[0]);
      date[i] = t;
      if (last == t) {
        long tmp = t;
        for (int j = i - 1; j >= 0 && date[j] == tmp; j--) {
          date[j]++;
          tmp++;
        }
      } else {
        last = t;
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      String[] c = header.get(i);
      String author = c[1];
      int end = author.length();
      while (end > 1 && author.charAt(end - 1) == ' ') {
        end--;
      }
      out.add(new String[] {Long.toString(date[i]), author.substring(0, end), c[2]});
    }
    return out;
  }

  private static void version(XMLStreamWriter w, Evr evr) throws XMLStreamException {
    w.writeEmptyElement("version");
    w.writeAttribute("epoch", evr.epoch() == null ? "0" : evr.epoch());
    w.writeAttribute("ver", evr.version());
    w.writeAttribute("rel", evr.release() == null ? "" : evr.release());
  }

  private static void text(XMLStreamWriter w, String name, String value) throws XMLStreamException {
    w.writeStartElement(name);
    w.writeCharacters(value);
    w.writeEndElement();
  }

  private static void text(XMLStreamWriter w, String prefix, String ns, String name, String value)
      throws XMLStreamException {
    w.writeStartElement(prefix, name, ns);
    w.writeCharacters(value);
    w.writeEndElement();
  }
}
