package io.pigsty.builder.install;

import java.nio.file.Path;
import java.util.Optional;

/** The files of the node an install acts on: {@link LocalFiles} on this one, a map in tests. */
public interface NodeFiles {
  /**
   * A file as it is.
   *
   * @param content its bytes
   * @param mode permissions such as {@code rw-r--r--}
   * @param owner owner user name
   * @param group owner group name
   */
  record State(byte[] content, String mode, String owner, String group) {}

  /**
   * @return the regular file at {@code path}, or empty when there is none
   * @throws InstallException when it exists but cannot be read
   */
  Optional<State> read(Path path) throws InstallException;

  /**
   * @return whether anything (file, directory or link, even dangling) is at {@code path}
   */
  boolean exists(Path path);

  /**
   * @return the number of directories directly under {@code dir} (0 when it is absent)
   * @throws InstallException when it cannot be listed
   */
  int directories(Path dir) throws InstallException;

  /**
   * Makes the file hold exactly these bytes, mode and owner, through a temporary file renamed into
   * place (parents created).
   *
   * @throws InstallException naming the file when it cannot be written or the owner is unknown
   */
  void write(Path path, byte[] content, String mode, String owner, String group)
      throws InstallException;

  /**
   * Removes a file or link.
   *
   * @throws InstallException naming it when it cannot be removed
   */
  void delete(Path path) throws InstallException;
}
