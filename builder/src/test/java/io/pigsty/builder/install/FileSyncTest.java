package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSyncTest {

    @TempDir Path tmp;

    @Test
    void write_secondWriteOfSameContentChangesNothing() throws Exception {
        Path f = tmp.resolve("etc/x.conf");
        assertThat(FileSync.write(f, "a = 1\n", "rw-r-----", null, null)).isTrue();
        assertThat(FileSync.write(f, "a = 1\n", "rw-r-----", null, null)).isFalse();
        assertThat(Files.readString(f)).isEqualTo("a = 1\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");
    }

    @Test
    void write_newContentOrModeIsAChange() throws Exception {
        Path f = tmp.resolve("x.conf");
        FileSync.write(f, "a\n", "rw-r--r--", null, null);
        assertThat(FileSync.write(f, "b\n", "rw-r--r--", null, null)).isTrue();
        assertThat(Files.readString(f)).isEqualTo("b\n");
        assertThat(FileSync.write(f, "b\n", "rw-------", null, null)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("x.conf");
        }
    }

    @Test
    void write_unknownOwnerIsAnInstallErrorNamingTheFile() {
        Path f = tmp.resolve("y.conf");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> FileSync.write(f, "a\n", "rw-r--r--", "no-such-user-pigsty", null))
                .isInstanceOf(InstallException.class).hasMessageContaining("y.conf");
    }
}
