package io.pigsty.builder.appliance;

import io.pigsty.builder.files.Tarball;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a release tarball ({@code pigsty-<version>.tgz}, made by {@code box/release.sh}) before it
 * is unpacked into an image: it is a readable gzip tarball to its end; every entry is under {@code
 * pigsty/} with no {@code ..} segment; there are no devices, FIFOs or hard links; a symbolic link
 * (the jlinked runtime has some in {@code jre/legal/}) is relative and resolves inside {@code
 * pigsty/}; {@code pigsty/Makefile} is there; and, when {@code <release>.sha256} exists beside it
 * ({@code sha256sum} format), the SHA256 matches.
 */
public final class ReleaseCheck {
  private static final String ROOT = "pigsty";

  private ReleaseCheck() {}

  /**
   * @param release the release tarball
   * @throws RootfsException naming the release and every problem found
   */
  public static void check(Path release) throws RootfsException {
    if (!Files.isRegularFile(release)) {
      throw new RootfsException(
          release
              + ": no such release (make release writes dist/pigsty-<version>.tgz; "
              + "or name one with --release)");
    }
    boolean[] makefile = {false};
    Tarball.Scan scan;
    try {
      scan =
          Tarball.scan(
              release,
              ROOT,
              true,
              e -> makefile[0] |= e.isFile() && e.getName().equals(ROOT + "/Makefile"));
    } catch (IOException e) {
      throw new RootfsException(e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>(scan.problems());
    if (!makefile[0]) {
      problems.add("no " + ROOT + "/Makefile (not a Pigsty release)");
    }
    Path sums = release.resolveSibling(release.getFileName() + ".sha256");
    if (Files.isRegularFile(sums)) {
      try {
        String want = Files.readString(sums).strip().split("\\s+")[0];
        if (!want.equalsIgnoreCase(scan.sha256())) {
          problems.add("SHA256 " + scan.sha256() + " does not match " + sums + " (" + want + ")");
        }
      } catch (IOException e) {
        problems.add("cannot read " + sums + " (" + e.getMessage() + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new RootfsException(release + ": " + String.join("; ", problems));
    }
  }
}
