package io.pigsty.builder.files;

import io.pigsty.repo.Printable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * One line for a failed file operation: the path and the reason, as {@code strerror(3)} words them.
 * The JDK's {@link FileSystemException}s of {@code ENOENT}, {@code EACCES} and {@code EEXIST} carry
 * the bare path as their message ({@code sun.nio.fs.UnixException#translateToIOException}); printed
 * as is, "/tmp/out" says nothing. Here it becomes "/tmp/out: Permission denied".
 */
public final class FileErrors {
  private FileErrors() {}

  /**
   * Describes a failed file operation.
   *
   * @param e the failure, non-null
   * @return {@code path[ -> other]: reason} for a {@link FileSystemException} (the reason from the
   *     exception, else the {@code strerror} text of its type), else the message (or the type when
   *     it has none); control characters escaped ({@link Printable#escape})
   */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String reason = f.getReason() != null ? f.getReason() : reason(f);
      return Printable.escape(
          f.getFile()
              + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile())
              + ": "
              + reason);
    }
    if (e.getMessage() != null) {
      return Printable.escape(e.getMessage());
    }
    return e instanceof EOFException ? "unexpected end of file" : e.getClass().getSimpleName();
  }

  /**
   * @return the {@code strerror(3)} text of the errno behind this type, or a generic reason
   */
  static String reason(FileSystemException f) {
    if (f instanceof NoSuchFileException) {
      return "No such file or directory";
    } else if (f instanceof AccessDeniedException) {
      return "Permission denied";
    } else if (f instanceof FileAlreadyExistsException) {
      return "File exists";
    } else if (f instanceof NotDirectoryException) {
      return "Not a directory";
    } else if (f instanceof DirectoryNotEmptyException) {
      return "Directory not empty";
    } else if (f instanceof NotLinkException) {
      return "Not a symbolic link";
    } else if (f instanceof FileSystemLoopException) {
      return "Too many levels of symbolic links";
    }
    return "file system error";
  }
}
