package io.pigsty.builder.inventory;

import io.pigsty.repo.PigstyException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The PostgreSQL major that pigsty.yml asks for ({@code pg_version}, or {@code configure -v}) is
 * not one the bundle carries (its manifest's {@code pg_major}): {@code apt-get} would fail late
 * with {@code Unable to locate package postgresql-N}. Thrown by {@code configure} and {@code
 * install} before anything changes. The message names the file, line, key, value and the majors the
 * bundle carries.
 */
public final class PgMajorException extends PigstyException {
  /** The process exit code of this failure. */
  public static final int EXIT_CODE = 36;

  private static final long serialVersionUID = 1L;

  /**
   * @param message names the file, key and value at fault and what the bundle carries
   */
  public PgMajorException(String message) {
    super(EXIT_CODE, message);
  }

  /**
   * Checks every cluster's {@code pg_version} against the majors a bundle carries.
   *
   * @param inv the inventory
   * @param carried the PostgreSQL majors of the bundle (not empty)
   * @param source where {@code carried} was read, e.g. {@code /www/pigsty/manifest.json}
   * @param detail appended to the message for a cluster's major (e.g. the packages the bundle
   *     lacks), or empty; receives the major asked
   * @throws PgMajorException naming every cluster whose {@code pg_version} is not carried, as
   *     {@code file:line: key.path: N, but ...}
   */
  public static void check(
      Inventory inv, Collection<Integer> carried, String source, IntFunction<String> detail)
      throws PgMajorException {
    List<String> wrong = new ArrayList<>();
    for (Inventory.PgCluster c : inv.clusters()) {
      if (!carried.contains(c.pgVersion())) {
        wrong.add(
            c.pgVersionAt()
                + ": "
                + c.pgVersion()
                + ", but the bundle carries "
                + carried(carried)
                + " ("
                + source
                + ")"
                + detail.apply(c.pgVersion()));
      }
    }
    if (!wrong.isEmpty()) {
      throw new PgMajorException(
          String.join("\n", wrong)
              + "\nset pg_version to a major the bundle carries, or use a bundle built for "
              + "PostgreSQL "
              + inv.clusters().stream()
                  .map(Inventory.PgCluster::pgVersion)
                  .filter(v -> !carried.contains(v))
                  .distinct()
                  .map(String::valueOf)
                  .collect(Collectors.joining(", ")));
    }
  }

  /**
   * @return {@code PostgreSQL 15 only} or {@code PostgreSQL 15, 16}
   */
  public static String carried(Collection<Integer> majors) {
    return "PostgreSQL "
        + majors.stream().map(String::valueOf).collect(Collectors.joining(", "))
        + (majors.size() == 1 ? " only" : "");
  }
}
