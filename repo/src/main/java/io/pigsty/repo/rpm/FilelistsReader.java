package io.pigsty.repo.rpm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streaming reader of {@code filelists.xml}: finds which packages own given paths, for file
 * dependencies that primary.xml does not list. Only the wanted paths are kept in memory.
 */
public final class FilelistsReader {

  /**
   * A package of filelists.xml that owns a wanted path.
   *
   * @param pkgid checksum of the package file (matches {@link RpmPackage#checksum()})
   * @param name package name
   * @param arch package arch
   * @param evr package EVR
   */
  public record Owner(String pkgid, String name, String arch, Evr evr) {}

  private FilelistsReader() {}

  /**
   * Finds the owners of the wanted paths in a filelists file, decompressing by its name suffix.
   *
   * @param file path of {@code *-filelists.xml[.gz|.xz|.zst|.bz2]}, never null
   * @param wanted absolute paths to look for, never null
   * @return for each wanted path that some package lists, its owners in file order
   * @throws RpmMetadataException naming the file when it cannot be read or parsed
   */
  public static Map<String, List<Owner>> findOwners(Path file, Set<String> wanted)
      throws RpmMetadataException {
    return findOwners(file, wanted, Long.MAX_VALUE);
  }

  /**
   * As {@link #findOwners(Path, Set)}, decompressing at most {@code maxBytes}.
   *
   * @param file path of the filelists file, never null
   * @param wanted absolute paths to look for, never null
   * @param maxBytes most uncompressed bytes read, e.g. {@link MetadataCompression#boundFor} of its
   *     repomd entry
   * @return for each wanted path that some package lists, its owners in file order
   * @throws RpmMetadataException naming the file when it cannot be read or parsed, or expands past
   *     {@code maxBytes}
   */
  public static Map<String, List<Owner>> findOwners(Path file, Set<String> wanted, long maxBytes)
      throws RpmMetadataException {
    try (InputStream in =
        MetadataCompression.open(
            Files.newInputStream(file), file.getFileName().toString(), maxBytes)) {
      return findOwners(in, file.toString(), wanted);
    } catch (IOException e) {
      throw new RpmMetadataException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Finds the owners of the wanted paths in uncompressed filelists XML.
   *
   * @param xml uncompressed XML, never null; not closed
   * @param source file name or URL used in error messages
   * @param wanted absolute paths to look for, never null
   * @return for each wanted path that some package lists, its owners in file order
   * @throws RpmMetadataException naming source on malformed XML or a root other than {@code
   *     <filelists>}
   */
  public static Map<String, List<Owner>> findOwners(
      InputStream xml, String source, Set<String> wanted) throws RpmMetadataException {
    Map<String, List<Owner>> out = new HashMap<>();
    try {
      XMLStreamReader r = Xml.reader(xml);
      String pkgid = null;
      String name = null;
      String arch = null;
      Evr evr = null;
      Owner owner = null;
      int depth = 0;
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String n = r.getLocalName();
          if (depth == 1 && !n.equals("filelists")) {
            throw new RpmMetadataException(
                source + ": root element is <" + n + ">, expected <filelists>");
          } else if (depth == 2 && n.equals("package")) {
            pkgid = r.getAttributeValue(null, "pkgid");
            name = r.getAttributeValue(null, "name");
            arch = r.getAttributeValue(null, "arch");
            evr = null;
            owner = null;
          } else if (depth == 3 && n.equals("version")) {
            evr =
                Evr.of(
                    r.getAttributeValue(null, "epoch"),
                    r.getAttributeValue(null, "ver"),
                    r.getAttributeValue(null, "rel"));
          } else if (depth == 3 && n.equals("file")) {
            String path = r.getElementText();
            depth--;
            if (wanted.contains(path)) {
              if (owner == null) {
                owner = new Owner(pkgid, name, arch, evr);
              }
              out.computeIfAbsent(path, k -> new ArrayList<>()).add(owner);
            }
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT) {
          depth--;
        }
      }
      r.close();
    } catch (XMLStreamException e) {
      throw new RpmMetadataException(source + ": malformed XML: " + e.getMessage(), e);
    }
    return out;
  }
}
