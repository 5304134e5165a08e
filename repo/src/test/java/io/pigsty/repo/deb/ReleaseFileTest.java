package io.pigsty.repo.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReleaseFileTest {
  private static final String TEXT =
      "Origin: Debian\nSuite: oldstable-security\nCodename: bookworm-security\n"
          + "Date: Sat, 11 Jul 2026 10:16:37 UTC\nValid-Until: Sat, 18 Jul 2026 10:16:37 UTC\n"
          + "SHA256:\n 515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f 50060337 main/binary-amd64/Packages\n"
          + " 9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5  8790396 main/binary-amd64/Packages.xz\n";

  private static ReleaseFile release() throws Exception {
    return ReleaseFile.parse(TEXT.getBytes(StandardCharsets.UTF_8), "test/InRelease");
  }

  @Test
  void parse_readsSha256EntriesAndDates() throws Exception {
    ReleaseFile r = release();
    assertThat(r.sha256("main/binary-amd64/Packages.xz"))
        .hasValueSatisfying(
            e -> {
              assertThat(e.size()).isEqualTo(8790396L);
              assertThat(e.sha256()).startsWith("9e0b5aab");
            });
    assertThat(r.date()).isEqualTo(Instant.parse("2026-07-11T10:16:37Z"));
    assertThat(r.sha256Entries()).hasSize(2);
  }

  @Test
  void checkFor_acceptsSuiteOrCodename() throws Exception {
    release().checkFor("bookworm-security", Instant.parse("2026-07-12T00:00:00Z"));
    release().checkFor("oldstable-security", Instant.parse("2026-07-12T00:00:00Z"));
  }

  @Test
  void checkFor_rejectsOtherSuite() {
    assertThatThrownBy(
            () -> release().checkFor("trixie-security", Instant.parse("2026-07-12T00:00:00Z")))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("expected 'trixie-security'");
  }

  @Test
  void checkFor_rejectsExpiredValidUntil() {
    assertThatThrownBy(
            () -> release().checkFor("bookworm-security", Instant.parse("2026-08-01T00:00:00Z")))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("Valid-Until");
  }

  @Test
  void checkFor_rejectsDateBeyondAptsTenSecondsInTheFuture() {
    // Date is 2026-07-11T10:16:37Z; apt-get update refuses it as "not valid yet" before 10:16:27
    assertThatThrownBy(
            () -> release().checkFor("bookworm-security", Instant.parse("2026-07-11T10:16:26Z")))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("test/InRelease")
        .hasMessageContaining("Date 2026-07-11T10:16:37Z is in the future");
  }

  @Test
  void checkDates_acceptsDateWithinTenSecondsAhead() throws Exception {
    release().checkDates(Instant.parse("2026-07-11T10:16:27Z"));
    release().checkDates(Instant.parse("2026-07-11T10:16:37Z"));
  }

  @Test
  void checkDates_rejectsFutureDateWithoutSuiteCheck() {
    assertThatThrownBy(() -> release().checkDates(Instant.parse("2026-07-10T00:00:00Z")))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("in the future");
  }

  @Test
  void parse_rejectsMalformedSha256Line() {
    assertThatThrownBy(() -> ReleaseFile.parse("SHA256:\n abc 12 x\n".getBytes(), "bad/Release"))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("bad/Release");
  }
}
