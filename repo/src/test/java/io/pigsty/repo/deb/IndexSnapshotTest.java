package io.pigsty.repo.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IndexSnapshotTest {
  private static byte[] stanzas() throws Exception {
    try (InputStream in = IndexSnapshotTest.class.getResourceAsStream("/solve/main.stanzas")) {
      return in.readAllBytes();
    }
  }

  @Test
  void read_restoresWhatParsingGaveAndReadsTheTextOnlyWhenAsked() throws Exception {
    byte[] file = stanzas();
    List<DebPackage> parsed = PackageIndex.parsePackagesFile(file, "main");
    AtomicInteger reads = new AtomicInteger();
    List<DebPackage> restored =
        IndexSnapshot.read(
            IndexSnapshot.write(parsed),
            "main",
            () -> {
              reads.incrementAndGet();
              return file;
            });
    assertThat(restored).hasSameSizeAs(parsed);
    for (int i = 0; i < parsed.size(); i++) {
      DebPackage a = parsed.get(i);
      DebPackage b = restored.get(i);
      assertThat(b.id()).isEqualTo(a.id());
      assertThat(b.multiArch()).isEqualTo(a.multiArch());
      assertThat(b.priority()).isEqualTo(a.priority());
      assertThat(b.provides()).isEqualTo(a.provides());
      assertThat(b.depends()).isEqualTo(a.depends());
      assertThat(b.preDepends()).isEqualTo(a.preDepends());
      assertThat(b.recommends()).isEqualTo(a.recommends());
      assertThat(b.filename()).isEqualTo(a.filename());
    }
    assertThat(reads.get()).isZero();
    assertThat(restored.get(0).paragraph().text()).isEqualTo(parsed.get(0).paragraph().text());
    assertThat(restored.get(5).paragraph().text()).isEqualTo(parsed.get(5).paragraph().text());
    assertThat(reads.get()).isEqualTo(1);
  }

  @Test
  void read_rejectsDamagedSnapshot() throws Exception {
    byte[] snap = IndexSnapshot.write(PackageIndex.parsePackagesFile(stanzas(), "main"));
    assertThatThrownBy(
            () -> IndexSnapshot.read(Arrays.copyOf(snap, snap.length / 2), "main", () -> null))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("main");
    byte[] other = snap.clone();
    other[0] ^= 1;
    assertThatThrownBy(() -> IndexSnapshot.read(other, "main", () -> null))
        .isInstanceOf(MetadataException.class)
        .hasMessageContaining("format");
  }
}
