package io.pigsty.repo.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken RPM files: each fails naming the file and a reason, never "(null)" (issue 12, 17). */
class RpmFileErrorsTest {
  @TempDir Path tmp;

  /** A 96-byte lead (magic ed ab ee db, version 3.0, binary, name) as rpm's lib/rpmlead.c. */
  private static byte[] lead() {
    ByteBuffer b = ByteBuffer.allocate(96);
    b.put(new byte[] {(byte) 0xed, (byte) 0xab, (byte) 0xee, (byte) 0xdb, 3, 0, 0, 0, 0, 1});
    b.put("tiny-1.0-1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.position(78);
    b.putShort((short) 1).putShort((short) 5); // os Linux, signature type: header-style
    return b.array();
  }

  /** The lead, then a signature header's magic and counts that promise more than follows. */
  private static byte[] cutSignature() {
    ByteBuffer b = ByteBuffer.allocate(96 + 16 + 8);
    b.put(lead());
    b.put(new byte[] {(byte) 0x8e, (byte) 0xad, (byte) 0xe8, 1, 0, 0, 0, 0});
    b.putInt(3).putInt(64); // 3 index entries, 64 bytes of data: none of them present
    b.put(new byte[8]);
    return b.array();
  }

  private String message(byte[] content) throws Exception {
    Path f = Files.write(tmp.resolve("broken-1.0-1.noarch.rpm"), content);
    try {
      RpmFile.read(f);
    } catch (RpmMetadataException e) {
      return e.getMessage();
    }
    throw new AssertionError("read a broken RPM without an error");
  }

  @Test
  void read_leadOnlyNamesTheFileAndAReason() throws Exception {
    String m = message(lead());
    assertThat(m).contains("broken-1.0-1.noarch.rpm").doesNotContain("null");
  }

  @Test
  void read_cutSignatureHeaderSaysTruncatedNotNull() throws Exception {
    String m = message(cutSignature());
    assertThat(m).contains("broken-1.0-1.noarch.rpm").doesNotContain("null");
  }

  @Test
  void read_emptyFileSaysWhy() throws Exception {
    String m = message(new byte[0]);
    assertThat(m).contains("not a readable RPM (").doesNotContain("(null)").doesNotContain("()");
  }

  @Test
  void read_garbageWithEscapesNeverCarriesThemRaw() throws Exception {
    byte[] junk = new byte[200];
    Arrays.fill(junk, (byte) 0x1b);
    String m = message(junk);
    assertThat(m).doesNotContain("\u001b").doesNotContain("null");
  }

  @Test
  void read_missingFileIsAnIoErrorNotMetadata() {
    assertThatThrownBy(() -> RpmFile.read(tmp.resolve("absent.rpm")))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }
}
