package io.pigsty.builder.render;

import io.pigsty.builder.files.Tarball;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes rendered files into a directory without leaving anything half-written: every file is
 * written into a temporary directory beside the destination first, and only when all are written is
 * each renamed into place (an atomic rename on the same file system). Other files in the
 * destination (a {@code .vagrant/} or {@code .terraform/} state directory) are left alone.
 */
public final class OutputWriter {

  private OutputWriter() {}

  /**
   * Writes {@code files} into {@code dir}, creating it.
   *
   * @param dir destination directory
   * @param files relative names (forward slashes, no {@code ..}) to UTF-8 content
   * @return the written paths, in the order of {@code files}
   * @throws IOException if anything cannot be written; the temporary directory is removed and
   *     {@code dir} holds none of the new files unless the failure came during the final renames
   */
  public static List<Path> write(Path dir, Map<String, String> files) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp-");
    try {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = tmp.resolve(f.getKey()).normalize();
        if (!p.startsWith(tmp) || p.equals(tmp)) {
          throw new IOException("refusing to write " + f.getKey() + " outside " + dir);
        }
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
      }
      List<Path> out = new ArrayList<>();
      for (String name : files.keySet()) {
        Path target = abs.resolve(name);
        Files.createDirectories(target.getParent());
        // the temp directory is beside the target: same file system, so the rename is atomic
        Files.move(
            tmp.resolve(name),
            target,
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        out.add(dir.resolve(name));
      }
      return out;
    } finally {
      Tarball.deleteTree(tmp);
    }
  }
}
