package io.pigsty.builder.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileErrorsTest {
  @TempDir Path tmp;

  @Test
  void describe_jdkNoSuchFile_addsTheReasonToTheBarePath() {
    IOException e =
        assertThatThrownBy(() -> Files.readAllBytes(tmp.resolve("absent")))
                    .isInstanceOf(NoSuchFileException.class)
                    .actual()
                instanceof IOException io
            ? io
            : null;
    assertThat(FileErrors.describe(e))
        .isEqualTo(tmp.resolve("absent") + ": No such file or directory");
  }

  @Test
  void describe_accessDeniedWithoutReason_saysPermissionDenied() {
    assertThat(FileErrors.describe(new AccessDeniedException("/etc/x")))
        .isEqualTo("/etc/x: Permission denied");
  }

  @Test
  void describe_keepsAReasonTheExceptionHas() {
    assertThat(
            FileErrors.describe(new FileSystemException("/mnt/ro", null, "Read-only file system")))
        .isEqualTo("/mnt/ro: Read-only file system");
  }

  @Test
  void describe_escapesControlCharactersOfThePath() {
    assertThat(FileErrors.describe(new NoSuchFileException("/tmp/a\u001b[31m")))
        .isEqualTo("/tmp/a\\x1b[31m: No such file or directory");
  }

  @Test
  void describe_plainIoExceptionWithoutMessage_namesItsKind() {
    assertThat(FileErrors.describe(new java.io.EOFException())).isEqualTo("unexpected end of file");
  }

  @Test
  void requireWritable_missingDirUnderAWritableParent_passesAndCreatesNothing() throws Exception {
    OutputDirs.requireWritable(tmp.resolve("a/b/c"), "-o");
    try (var s = Files.list(tmp)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void requireWritable_existingDir_leavesNoProbeBehind() throws Exception {
    Path d = Files.createDirectory(tmp.resolve("out"));
    OutputDirs.requireWritable(d, "-o");
    try (var s = Files.list(d)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void requireWritable_pathUnderAFile_failsNamingTheFile() throws Exception {
    Path f = Files.writeString(tmp.resolve("f"), "x");
    assertThatThrownBy(() -> OutputDirs.requireWritable(f.resolve("sub"), "-o/--out"))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("Not a directory")
        .hasMessageContaining(f + " is a file");
  }
}
