package io.pigsty.builder.install;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * This node's file system. A file is written to a temporary file in the same directory, created
 * with mode 0600 (so a secret is never readable by others, even for an instant), given its owner
 * and mode, then renamed into place.
 */
public final class LocalFiles implements NodeFiles {
  @Override
  public Optional<State> read(Path path) throws InstallException {
    if (!Files.isRegularFile(path)) {
      return Optional.empty();
    }
    try {
      PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
      return Optional.of(
          new State(
              Files.readAllBytes(path),
              PosixFilePermissions.toString(a.permissions()),
              a.owner().getName(),
              a.group().getName()));
    } catch (IOException e) {
      throw new InstallException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public int directories(Path dir) throws InstallException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return (int) s.filter(Files::isDirectory).count();
    } catch (IOException e) {
      throw new InstallException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void write(Path path, byte[] content, String mode, String owner, String group)
      throws InstallException {
    Path tmp = path.resolveSibling("." + path.getFileName() + ".pigsty-tmp");
    try {
      Files.createDirectories(path.getParent());
      Files.deleteIfExists(tmp);
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(tmp, content);
      PosixFileAttributeView v = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
      UserPrincipalLookupService lookup = tmp.getFileSystem().getUserPrincipalLookupService();
      v.setOwner(lookup.lookupPrincipalByName(owner));
      v.setGroup(lookup.lookupPrincipalByGroupName(group));
      v.setPermissions(PosixFilePermissions.fromString(mode));
      try {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | UnsupportedOperationException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the write failed already; that error is the one reported
      }
      throw new InstallException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(Path path) throws InstallException {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new InstallException("cannot remove " + path + ": " + e.getMessage(), e);
    }
  }
}
