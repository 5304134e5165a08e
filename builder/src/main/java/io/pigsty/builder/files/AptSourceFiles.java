package io.pigsty.builder.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A node's apt source files ({@code sources.list}, {@code sources.list.d/*.list} and {@code
 * *.sources}; sources.list(5)), for an offline node whose only source is Pigsty's: listed, and
 * moved aside to {@code /etc/apt/pigsty-backup/} keeping their relative paths.
 */
public final class AptSourceFiles {
  /** Where sources are moved, relative to the node's root. */
  public static final String BACKUP = "etc/apt/pigsty-backup";

  private AptSourceFiles() {}

  /**
   * The apt sources of a node but one: {@code sources.list}, and {@code sources.list.d/*.list} and
   * {@code *.sources} except {@code keep}.
   *
   * @param root the node's {@code /}
   * @param keep the file name under {@code sources.list.d} that is Pigsty's
   * @return the files, sorted
   * @throws IOException when the directory cannot be listed
   */
  public static List<Path> others(Path root, String keep) throws IOException {
    Path apt = root.resolve("etc/apt");
    List<Path> candidates = new ArrayList<>();
    if (Files.isRegularFile(apt.resolve("sources.list"))) {
      candidates.add(apt.resolve("sources.list"));
    }
    Path d = apt.resolve("sources.list.d");
    if (Files.isDirectory(d)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
        for (Path p : ds) {
          String n = p.getFileName().toString();
          if ((n.endsWith(".list") || n.endsWith(".sources")) && !n.equals(keep)) {
            candidates.add(p);
          }
        }
      }
    }
    candidates.sort(Comparator.naturalOrder());
    return candidates;
  }

  /**
   * {@link #moveOtherSourcesAside(Path)} keeping {@code keep} (a file name under {@code
   * sources.list.d}) in place.
   *
   * @return the files moved, at their new place
   * @throws IOException when a move fails
   */
  public static List<Path> moveAside(Path root, String keep) throws IOException {
    Path apt = root.resolve("etc/apt");
    Path backup = root.resolve(BACKUP);
    List<Path> candidates = others(root, keep);
    List<Path> moved = new ArrayList<>();
    for (Path p : candidates) {
      Path to = backup.resolve(apt.relativize(p).toString());
      Files.createDirectories(to.getParent());
      for (int i = 1; Files.exists(to, LinkOption.NOFOLLOW_LINKS); i++) {
        to = to.resolveSibling(p.getFileName() + "." + i);
      }
      Files.move(p, to);
      moved.add(to);
    }
    if (!moved.isEmpty()) {
      Files.writeString(
          backup.resolve("README"),
          "Apt sources moved aside by 'pigsty configure' on an offline "
              + "node.\nTo restore: move sources.list and sources.list.d/* back under /etc/apt/.\n");
    }
    return moved;
  }
}
