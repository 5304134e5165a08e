package io.pigsty.repo.rpm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The index of a yum/dnf repository, {@code repodata/repomd.xml} (createrepo_c's format).
 *
 * @param revision {@code <revision>} text, or null
 * @param data the {@code <data>} entries in file order, never null
 */
public record Repomd(String revision, List<Data> data) {

  /**
   * One {@code <data type="...">} entry.
   *
   * @param type {@code primary}, {@code filelists}, {@code other}, {@code modules}, {@code group}
   *     ...
   * @param href {@code location href}, relative to the repository root
   * @param checksumType algorithm of {@code checksum} (e.g. {@code sha256}), or null
   * @param checksum hex checksum of the file as stored, or null
   * @param openChecksumType algorithm of {@code open-checksum}, or null
   * @param openChecksum hex checksum of the uncompressed content, or null
   * @param size size of the stored file in bytes, -1 when absent
   * @param openSize uncompressed size in bytes, -1 when absent
   * @param timestamp seconds since the epoch, -1 when absent
   */
  public record Data(
      String type,
      String href,
      String checksumType,
      String checksum,
      String openChecksumType,
      String openChecksum,
      long size,
      long openSize,
      long timestamp) {}

  /** Copies the list. */
  public Repomd {
    data = List.copyOf(data);
  }

  /**
   * @param type a data type such as {@code primary}
   * @return the first entry of that type, or empty
   */
  public Optional<Data> find(String type) {
    return data.stream().filter(d -> d.type().equals(type)).findFirst();
  }

  /**
   * Reads {@code repomd.xml} from a file.
   *
   * @param file path to repomd.xml, never null
   * @return the parsed index
   * @throws RpmMetadataException naming the file when it cannot be read or is not a repomd document
   */
  public static Repomd read(Path file) throws RpmMetadataException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new RpmMetadataException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Parses {@code repomd.xml} with StAX.
   *
   * @param in the XML bytes, never null; not closed
   * @param source file name or URL used in error messages
   * @return the parsed index
   * @throws RpmMetadataException naming source when the XML is malformed, the root is not {@code
   *     repomd}, or a data entry has no type or location
   */
  public static Repomd parse(InputStream in, String source) throws RpmMetadataException {
    try {
      XMLStreamReader r = Xml.reader(in);
      String revision = null;
      List<Data> out = new ArrayList<>();
      boolean root = false;
      String type = null;
      String href = null;
      String ct = null;
      String cv = null;
      String oct = null;
      String ocv = null;
      long size = -1;
      long openSize = -1;
      long ts = -1;
      int depth = 0;
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.START_ELEMENT) {
          depth++;
          String n = r.getLocalName();
          if (depth == 1) {
            if (!n.equals("repomd")) {
              throw new RpmMetadataException(
                  source + ": root element is <" + n + ">, expected <repomd>");
            }
            root = true;
          } else if (depth == 2 && n.equals("revision")) {
            revision = r.getElementText().trim();
            depth--;
          } else if (depth == 2 && n.equals("data")) {
            type = r.getAttributeValue(null, "type");
            href = null;
            ct = cv = oct = ocv = null;
            size = openSize = ts = -1;
          } else if (depth == 3 && type != null) {
            switch (n) {
              case "location" -> href = r.getAttributeValue(null, "href");
              case "checksum" -> {
                ct = r.getAttributeValue(null, "type");
                cv = r.getElementText().trim();
                depth--;
              }
              case "open-checksum" -> {
                oct = r.getAttributeValue(null, "type");
                ocv = r.getElementText().trim();
                depth--;
              }
              case "size" -> {
                size = number(r.getElementText(), source, "size");
                depth--;
              }
              case "open-size" -> {
                openSize = number(r.getElementText(), source, "open-size");
                depth--;
              }
              case "timestamp" -> {
                ts = number(r.getElementText(), source, "timestamp");
                depth--;
              }
              default -> {}
            }
          }
        } else if (ev == XMLStreamConstants.END_ELEMENT) {
          if (depth == 2 && r.getLocalName().equals("data")) {
            if (type == null || href == null) {
              throw new RpmMetadataException(
                  source + ": <data> entry without type or location href");
            }
            out.add(new Data(type, href, ct, cv, oct, ocv, size, openSize, ts));
            type = null;
          }
          depth--;
        }
      }
      if (!root) {
        throw new RpmMetadataException(source + ": empty document, expected <repomd>");
      }
      return new Repomd(revision, out);
    } catch (XMLStreamException e) {
      throw new RpmMetadataException(source + ": malformed XML: " + e.getMessage(), e);
    }
  }

  private static long number(String text, String source, String what) throws RpmMetadataException {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new RpmMetadataException(
          source + ": <" + what + "> is not a number: '" + text.trim() + "'");
    }
  }
}
