package io.pigsty.repo.rpm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streaming reader of a repository's {@code primary.xml} (createrepo_c's "common" metadata) with
 * StAX: packages are handed out one at a time and no document tree is built. Repeated strings
 * (dependency names, versions) are shared within one read to keep the heap small.
 */
public final class PrimaryReader {

  /** Receives each package as soon as its {@code </package>} is read. */
  @FunctionalInterface
  public interface PackageSink {
    /**
     * @param pkg the package just read, never null
     * @throws RpmMetadataException to stop reading
     */
    void accept(RpmPackage pkg) throws RpmMetadataException;
  }

  private static final String XML_NS = "http://www.w3.org/XML/1998/namespace";
  private static final List<RpmDep> NO_DEPS = List.of();

  private final Map<String, String> strings = new HashMap<>();
  private final Map<String, Evr> evrs = new HashMap<>();

  private PrimaryReader() {}

  /**
   * Reads all packages of a primary file, decompressing by its file name suffix ({@link
   * MetadataCompression}).
   *
   * @param file path of {@code *-primary.xml[.gz|.xz|.zst|.bz2]}, never null
   * @return the packages in file order
   * @throws RpmMetadataException naming the file when it cannot be read or parsed
   */
  public static List<RpmPackage> readAll(Path file) throws RpmMetadataException {
    return readAll(file, Long.MAX_VALUE);
  }

  /**
   * Reads all packages of a primary file, as {@link #readAll(Path)}, decompressing at most {@code
   * maxBytes} ({@link MetadataCompression#open(InputStream, String, long)}).
   *
   * @param file path of the primary file, never null
   * @param maxBytes most uncompressed bytes read, e.g. {@link MetadataCompression#boundFor} of its
   *     repomd entry
   * @return the packages in file order
   * @throws RpmMetadataException naming the file when it cannot be read or parsed, or expands past
   *     {@code maxBytes}
   */
  public static List<RpmPackage> readAll(Path file, long maxBytes) throws RpmMetadataException {
    List<RpmPackage> out = new ArrayList<>();
    read(file, maxBytes, out::add);
    return out;
  }

  /**
   * Streams the packages of a primary file to a sink, decompressing by its name suffix.
   *
   * @param file path of the primary file, never null
   * @param sink receives each package, never null
   * @throws RpmMetadataException naming the file when it cannot be read or parsed, or as thrown by
   *     the sink
   */
  public static void read(Path file, PackageSink sink) throws RpmMetadataException {
    read(file, Long.MAX_VALUE, sink);
  }

  /**
   * Streams the packages of a primary file to a sink, decompressing at most {@code maxBytes}.
   *
   * @param file path of the primary file, never null
   * @param maxBytes most uncompressed bytes read
   * @param sink receives each package, never null
   * @throws RpmMetadataException naming the file when it cannot be read or parsed, expands past
   *     {@code maxBytes}, or as thrown by the sink
   */
  public static void read(Path file, long maxBytes, PackageSink sink) throws RpmMetadataException {
    try (InputStream in =
        MetadataCompression.open(
            Files.newInputStream(file), file.getFileName().toString(), maxBytes)) {
      read(in, file.toString(), sink);
    } catch (IOException e) {
      throw new RpmMetadataException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Streams the packages of uncompressed primary XML to a sink.
   *
   * @param xml uncompressed XML, never null; not closed
   * @param source file name or URL used in error messages
   * @param sink receives each package, never null
   * @throws RpmMetadataException naming source on malformed XML or a package without name, arch,
   *     version or location, or as thrown by the sink
   */
  public static void read(InputStream xml, String source, PackageSink sink)
      throws RpmMetadataException {
    new PrimaryReader().parse(xml, source, sink);
  }

  private String str(String s) {
    if (s == null) {
      return null;
    }
    String c = strings.putIfAbsent(s, s);
    return c == null ? s : c;
  }

  private Evr evr(String e, String v, String r) {
    String key = (e == null ? "" : e) + '\u0000' + v + '\u0000' + (r == null ? "\u0001" : r);
    Evr x = evrs.get(key);
    if (x == null) {
      x = new Evr(str(e), str(v), str(r));
      evrs.put(key, x);
    }
    return x;
  }

  private void parse(InputStream xml, String source, PackageSink sink) throws RpmMetadataException {
    XMLStreamReader r;
    try {
      r = Xml.reader(xml);
    } catch (XMLStreamException e) {
      throw new RpmMetadataException(source + ": malformed XML: " + e.getMessage(), e);
    }
    Builder b = null;
    List<RpmDep> deps = null;
    int depth = 0;
    try {
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String n = r.getLocalName();
          if (depth == 1) {
            if (!n.equals("metadata")) {
              throw new RpmMetadataException(
                  source + ": root element is <" + n + ">, expected <metadata>");
            }
            continue;
          }
          if (depth == 2) {
            if (n.equals("package")) {
              b = new Builder();
            }
            continue;
          }
          if (b == null) {
            continue;
          }
          if (depth == 3) {
            switch (n) {
              case "name" -> {
                b.name = str(r.getElementText().trim());
                depth--;
              }
              case "arch" -> {
                b.arch = str(r.getElementText().trim());
                depth--;
              }
              case "version" ->
                  b.evr =
                      evr(
                          r.getAttributeValue(null, "epoch"),
                          r.getAttributeValue(null, "ver"),
                          r.getAttributeValue(null, "rel"));
              case "checksum" -> {
                b.checksumType = str(r.getAttributeValue(null, "type"));
                b.checksum = r.getElementText().trim();
                depth--;
              }
              case "location" -> {
                b.location = r.getAttributeValue(null, "href");
                b.locationBase = r.getAttributeValue(XML_NS, "base");
              }
              case "size" -> {
                b.packageSize = num(r.getAttributeValue(null, "package"));
                b.installedSize = num(r.getAttributeValue(null, "installed"));
              }
              default -> {}
            }
          } else if (depth == 4) {
            switch (n) {
              case "sourcerpm" -> {
                String t = r.getElementText().trim();
                b.sourceRpm = t.isEmpty() ? null : t;
                depth--;
              }
              case "file" -> {
                b.files.add(r.getElementText());
                depth--;
              }
              case "provides" -> deps = b.provides = new ArrayList<>();
              case "requires" -> deps = b.requires = new ArrayList<>();
              case "conflicts" -> deps = b.conflicts = new ArrayList<>();
              case "obsoletes" -> deps = b.obsoletes = new ArrayList<>();
              case "recommends" -> deps = b.recommends = new ArrayList<>();
              case "suggests" -> deps = b.suggests = new ArrayList<>();
              case "supplements" -> deps = b.supplements = new ArrayList<>();
              case "enhances" -> deps = b.enhances = new ArrayList<>();
              default -> deps = null;
            }
          } else if (depth == 5 && deps != null && n.equals("entry")) {
            deps.add(entry(r, source, b.name));
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT) {
          if (depth == 2 && b != null && r.getLocalName().equals("package")) {
            sink.accept(b.build(source));
            b = null;
          } else if (depth == 4) {
            deps = null;
          }
          depth--;
        }
      }
      r.close();
    } catch (XMLStreamException e) {
      throw new RpmMetadataException(
          source
              + ": malformed XML"
              + (b != null && b.name != null ? " in package " + b.name : "")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private RpmDep entry(XMLStreamReader r, String source, String pkg) throws RpmMetadataException {
    String name = r.getAttributeValue(null, "name");
    if (name == null) {
      throw new RpmMetadataException(source + ": package " + pkg + ": <rpm:entry> without name");
    }
    String flags = r.getAttributeValue(null, "flags");
    boolean pre = "1".equals(r.getAttributeValue(null, "pre"));
    RpmDep.Flags f = null;
    Evr v = null;
    if (flags != null) {
      try {
        f = RpmDep.Flags.valueOf(flags);
      } catch (IllegalArgumentException e) {
        throw new RpmMetadataException(
            source
                + ": package "
                + pkg
                + ": dependency "
                + name
                + " has unknown flags '"
                + flags
                + "'");
      }
      String ver = r.getAttributeValue(null, "ver");
      if (ver == null) {
        throw new RpmMetadataException(
            source + ": package " + pkg + ": dependency " + name + " has flags but no ver");
      }
      v = evr(r.getAttributeValue(null, "epoch"), ver, r.getAttributeValue(null, "rel"));
    }
    return new RpmDep(str(name), f, v, pre);
  }

  private static long num(String s) {
    if (s == null || s.isEmpty()) {
      return -1;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static final class Builder {
    String name;
    String arch;
    Evr evr;
    String checksumType;
    String checksum;
    String location;
    String locationBase;
    long packageSize = -1;
    long installedSize = -1;
    String sourceRpm;
    List<RpmDep> requires = NO_DEPS;
    List<RpmDep> provides = NO_DEPS;
    List<RpmDep> conflicts = NO_DEPS;
    List<RpmDep> obsoletes = NO_DEPS;
    List<RpmDep> recommends = NO_DEPS;
    List<RpmDep> suggests = NO_DEPS;
    List<RpmDep> supplements = NO_DEPS;
    List<RpmDep> enhances = NO_DEPS;
    final List<String> files = new ArrayList<>();

    RpmPackage build(String source) throws RpmMetadataException {
      if (name == null || arch == null || evr == null || location == null) {
        throw new RpmMetadataException(
            source
                + ": package "
                + (name == null ? "(unnamed)" : name)
                + " lacks name, arch, version or location");
      }
      return new RpmPackage(
          name,
          arch,
          evr,
          checksumType,
          checksum,
          location,
          locationBase,
          packageSize,
          installedSize,
          sourceRpm,
          requires,
          provides,
          conflicts,
          obsoletes,
          recommends,
          suggests,
          supplements,
          enhances,
          files);
    }
  }
}
