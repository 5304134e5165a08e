package io.pigsty.repo.deb;

import io.pigsty.repo.Threads;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The packages of one or more Packages indexes (several suites together), by name and by what they
 * provide. Only packages installable on the target architecture are kept: the target itself and
 * {@code all} (Debian Policy 5.6.8).
 */
public final class PackageIndex {
  /** The fields the resolver and the index writer read; others are skipped while parsing. */
  static final String[] FIELDS = {
    "Package",
    "Version",
    "Architecture",
    "Multi-Arch",
    "Essential",
    "Priority",
    "Pre-Depends",
    "Depends",
    "Recommends",
    "Provides",
    "Filename",
    "Size",
    "SHA256"
  };

  private final String architecture;
  private final Map<String, List<DebPackage>> byName = new HashMap<>(1 << 17);
  private final Map<String, List<DebPackage>> providers = new HashMap<>(1 << 14);
  private int count;

  /**
   * @param architecture the target architecture, e.g. {@code amd64}
   */
  public PackageIndex(String architecture) {
    this.architecture = architecture;
  }

  /**
   * @return the target architecture
   */
  public String architecture() {
    return architecture;
  }

  /**
   * Adds every stanza of a Packages file.
   *
   * @param packagesFile the uncompressed file content
   * @param origin the suite (or file) it came from, kept on each package and used in messages
   * @return the number of packages added (other architectures are skipped)
   * @throws MetadataException naming {@code origin} when a stanza is malformed
   */
  public int addPackagesFile(byte[] packagesFile, String origin) throws MetadataException {
    return addAll(parsePackagesFile(packagesFile, origin));
  }

  /**
   * Parses a Packages file without adding it, so several suites can be parsed in parallel.
   *
   * @param packagesFile the uncompressed file content
   * @param origin the suite (or file) it came from
   * @return every stanza as a package, in file order
   * @throws MetadataException naming {@code origin} when a stanza is malformed
   */
  public static List<DebPackage> parsePackagesFile(byte[] packagesFile, String origin)
      throws MetadataException {
    int n = packagesFile.length;
    int chunks =
        n < (4 << 20) ? 1 : Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    int[] bounds = new int[chunks + 1];
    bounds[chunks] = n;
    for (int i = 1; i < chunks; i++) {
      bounds[i] =
          paragraphStartAfter(packagesFile, Math.max(bounds[i - 1], (int) ((long) n * i / chunks)));
    }
    if (chunks == 1) {
      return parseChunk(packagesFile, 0, n, 1, origin);
    }
    int[] firstLines = new int[chunks];
    firstLines[0] = 1;
    for (int i = 1; i < chunks; i++) {
      firstLines[i] = firstLines[i - 1] + countLines(packagesFile, bounds[i - 1], bounds[i]);
    }
    ExecutorService pool = Executors.newFixedThreadPool(chunks, Threads.daemon("packages-parser-"));
    try {
      List<Future<List<DebPackage>>> parts = new ArrayList<>();
      for (int i = 0; i < chunks; i++) {
        int from = bounds[i];
        int to = bounds[i + 1];
        int line = firstLines[i];
        parts.add(pool.submit(() -> parseChunk(packagesFile, from, to, line, origin)));
      }
      List<DebPackage> out = new ArrayList<>(n / 700 + 16);
      for (Future<List<DebPackage>> f : parts) {
        try {
          out.addAll(f.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof MetadataException) {
            throw (MetadataException) e.getCause();
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MetadataException(origin + ": interrupted while parsing", e);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<DebPackage> parseChunk(byte[] data, int from, int to, int line, String origin)
      throws MetadataException {
    List<Paragraph> paragraphs = new ArrayList<>((to - from) / 700 + 16);
    Paragraph.parseRange(data, from, to, line, origin, FIELDS, paragraphs::add);
    List<DebPackage> out = new ArrayList<>(paragraphs.size());
    for (Paragraph p : paragraphs) {
      out.add(DebPackage.lazy(p, origin));
    }
    return out;
  }

  /** The index just after the first blank line at or after {@code pos}, or the end. */
  private static int paragraphStartAfter(byte[] d, int pos) {
    for (int i = Math.max(pos, 1); i < d.length; i++) {
      if (d[i] == '\n' && d[i - 1] == '\n') {
        return i + 1;
      }
    }
    return d.length;
  }

  private static int countLines(byte[] d, int from, int to) {
    int c = 0;
    for (int i = from; i < to; i++) {
      if (d[i] == '\n') {
        c++;
      }
    }
    return c;
  }

  /** Adds packages in order (see {@link #add}); @return how many were added */
  public int addAll(List<DebPackage> packages) {
    int added = 0;
    for (DebPackage p : packages) {
      if (add(p)) {
        added++;
      }
    }
    return added;
  }

  /**
   * Adds one package unless its architecture is neither the target nor {@code all}, or the same
   * name, version and architecture is already present (the first origin wins, as with identical
   * files in several suites).
   *
   * @return whether it was added
   */
  public boolean add(DebPackage p) {
    if (!p.architecture().equals(architecture) && !p.architecture().equals("all")) {
      return false;
    }
    List<DebPackage> versions = byName.computeIfAbsent(p.name(), k -> new ArrayList<>(1));
    for (DebPackage q : versions) {
      if (q.version().equals(p.version()) && q.architecture().equals(p.architecture())) {
        return false;
      }
    }
    versions.add(p);
    if (versions.size() > 1) {
      versions.sort(NEWEST_FIRST);
    }
    for (Dependency d : p.provides()) {
      providers.computeIfAbsent(d.name(), k -> new ArrayList<>(2)).add(p);
    }
    count++;
    return true;
  }

  private static final Comparator<DebPackage> NEWEST_FIRST =
      (a, b) -> b.version().compareTo(a.version());

  /**
   * @return every version of a real package, newest first; empty when unknown
   */
  public List<DebPackage> versions(String name) {
    return byName.getOrDefault(name, List.of());
  }

  /**
   * @return every package whose Provides names {@code virtualName}
   */
  public List<DebPackage> providers(String virtualName) {
    return providers.getOrDefault(virtualName, List.of());
  }

  /**
   * @return whether a real or virtual package of that name exists
   */
  public boolean knows(String name) {
    return byName.containsKey(name) || providers.containsKey(name);
  }

  /**
   * @return the number of package versions held
   */
  public int size() {
    return count;
  }

  /**
   * @return every package version held, in no particular order
   */
  public Collection<DebPackage> all() {
    List<DebPackage> out = new ArrayList<>(count);
    byName.values().forEach(out::addAll);
    return out;
  }
}
