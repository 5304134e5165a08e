package io.pigsty.repo.rpm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which packages of a repository belong to module streams, read from its {@code modules.yaml}
 * (modulemd v2 documents' {@code artifacts: rpms:} lists and modulemd-defaults' default {@code
 * stream}). Used for dnf's modular filtering: packages of a stream that is neither a default nor
 * enabled are hidden. The file itself is never rewritten.
 *
 * @param streamOf artifact NEVRA ({@code name-epoch:version-release.arch}) to {@code module:stream}
 * @param defaultStreams module name to its default stream
 */
public record ModuleArtifacts(Map<String, String> streamOf, Map<String, String> defaultStreams) {

  /** Copies the maps. */
  public ModuleArtifacts {
    streamOf = Map.copyOf(streamOf);
    defaultStreams = Map.copyOf(defaultStreams);
  }

  /**
   * @return an index with no modules
   */
  public static ModuleArtifacts none() {
    return new ModuleArtifacts(Map.of(), Map.of());
  }

  /**
   * Reads a (possibly compressed, by suffix) modules.yaml with a line scanner that understands the
   * layout createrepo_c/modulemd emit; no YAML library is needed.
   *
   * @param file the modules file, never null
   * @return the index
   * @throws RpmMetadataException naming the file when it cannot be read
   */
  public static ModuleArtifacts read(Path file) throws RpmMetadataException {
    return read(file, Long.MAX_VALUE);
  }

  /**
   * As {@link #read(Path)}, decompressing at most {@code maxBytes}.
   *
   * @param file the modules file, never null
   * @param maxBytes most uncompressed bytes read, e.g. {@link MetadataCompression#boundFor} of its
   *     repomd entry
   * @return the index
   * @throws RpmMetadataException naming the file when it cannot be read or expands past {@code
   *     maxBytes}
   */
  public static ModuleArtifacts read(Path file, long maxBytes) throws RpmMetadataException {
    Map<String, String> streamOf = new HashMap<>();
    Map<String, String> defaults = new HashMap<>();
    try (InputStream in =
            MetadataCompression.open(
                Files.newInputStream(file), file.getFileName().toString(), maxBytes);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String doc = null;
      String name = null;
      String stream = null;
      boolean inArtifacts = false;
      boolean inRpms = false;
      Set<String> rpms = new HashSet<>();
      String line;
      while (true) {
        line = r.readLine();
        if (line == null || line.equals("---") || line.equals("...")) {
          if ("modulemd".equals(doc) && name != null) {
            String ms = name + ":" + (stream == null ? "" : stream);
            for (String n : rpms) {
              streamOf.put(n, ms);
            }
          } else if ("modulemd-defaults".equals(doc) && name != null && stream != null) {
            defaults.put(name, stream);
          }
          if (line == null) {
            break;
          }
          doc = name = stream = null;
          inArtifacts = inRpms = false;
          rpms = new HashSet<>();
          continue;
        }
        if (line.startsWith("document: ")) {
          doc = line.substring(10).trim();
        } else if (line.startsWith("  name: ") || line.startsWith("  module: ")) {
          name = unquote(line.substring(line.indexOf(':') + 1));
        } else if (line.startsWith("  stream: ")) {
          stream = unquote(line.substring(10));
        } else if (line.equals("  artifacts:")) {
          inArtifacts = true;
        } else if (inArtifacts && line.equals("    rpms:")) {
          inRpms = true;
        } else if (inRpms && line.startsWith("    - ")) {
          rpms.add(unquote(line.substring(6)));
        } else if (inRpms && !line.startsWith("    ")) {
          inRpms = inArtifacts = false;
        } else if (inArtifacts && line.startsWith("  ") && !line.startsWith("   ")) {
          inArtifacts = false;
        }
      }
    } catch (IOException e) {
      throw new RpmMetadataException(file + ": cannot read modules.yaml: " + e.getMessage(), e);
    }
    return new ModuleArtifacts(streamOf, defaults);
  }

  private static String unquote(String s) {
    s = s.trim();
    if (s.length() >= 2
        && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }

  /**
   * @param p a package
   * @return its {@code module:stream}, or null when it is not a module artifact
   */
  public String streamOf(RpmPackage p) {
    String e = p.evr().epoch() == null ? "0" : p.evr().epoch();
    return streamOf.get(
        p.name() + "-" + e + ":" + p.evr().version() + "-" + p.evr().release() + "." + p.arch());
  }
}
