package io.pigsty.builder.files;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Checks made before a long run, so that an output directory that cannot be written fails first.
 */
public final class OutputDirs {
  private OutputDirs() {}

  /**
   * Proves that files can be created in {@code dir}, or, when it does not exist yet, in its nearest
   * existing ancestor (where the run would create it): a temporary file is created there and
   * removed at once. Permission bits alone would not tell (root ignores them; a read-only mount or
   * an immutable directory refuses root too), so the check is the operation itself. Nothing is left
   * behind and no directory is created.
   *
   * @param dir the output directory
   * @param option what named it, for the message (e.g. {@code -o/--out})
   * @throws FileSystemException naming {@code dir} and the reason ({@code Permission denied},
   *     {@code Not a directory}, {@code Read-only file system}, ...) when it cannot be written
   * @throws IOException when the probe file cannot be removed
   */
  public static void requireWritable(Path dir, String option) throws IOException {
    Path abs = dir.toAbsolutePath();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new FileSystemException(dir.toString(), null, "no existing parent (" + option + ")");
    }
    if (!Files.isDirectory(existing)) {
      throw new FileSystemException(
          dir.toString(),
          null,
          "Not a directory"
              + (existing.equals(abs) ? "" : " (" + existing + " is a file)")
              + " ("
              + option
              + ")");
    }
    Path probe;
    try {
      probe = Files.createTempFile(existing, ".pigsty-write-check-", ".tmp");
    } catch (FileSystemException e) {
      String reason = e.getReason() != null ? e.getReason() : FileErrors.reason(e);
      throw new FileSystemException(
          dir.toString(),
          null,
          reason
              + " ("
              + option
              + ": no file can be created in "
              + (existing.equals(abs) ? "it" : existing)
              + ")");
    }
    Files.delete(probe);
    if (Files.exists(probe, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileSystemException(probe.toString(), null, "still present after delete");
    }
  }
}
