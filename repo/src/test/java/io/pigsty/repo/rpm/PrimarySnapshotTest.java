package io.pigsty.repo.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrimarySnapshotTest {
  @TempDir Path tmp;

  static Path primary(String repo) throws Exception {
    Path r = ElFixtures.repo(repo);
    return r.resolve(
        Repomd.read(r.resolve("repodata/repomd.xml")).find("primary").orElseThrow().href());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cs9-baseos-2022",
        "cs9-appstream-2025",
        "el9-zfs-2.1",
        "azurelinux3-community-zstd"
      })
  void roundTripGivesEqualPackages(String repo) throws Exception {
    List<RpmPackage> parsed = PrimaryReader.readAll(primary(repo));
    List<RpmPackage> restored = PrimarySnapshot.read(PrimarySnapshot.write(parsed), repo);
    assertThat(restored).hasSameSizeAs(parsed);
    assertThat(restored).isEqualTo(parsed); // records: every field, every dependency, every file
  }

  @Test
  void aCutOrForeignSnapshotIsRefused() throws Exception {
    byte[] b = PrimarySnapshot.write(PrimaryReader.readAll(primary("el9-zfs-2.1")));
    assertThatThrownBy(() -> PrimarySnapshot.read(Arrays.copyOf(b, b.length / 2), "cut"))
        .isInstanceOf(RpmMetadataException.class)
        .hasMessageContaining("cut: damaged");
    byte[] other = b.clone();
    other[0] = 'X';
    assertThatThrownBy(() -> PrimarySnapshot.read(other, "foreign"))
        .isInstanceOf(RpmMetadataException.class)
        .hasMessageContaining("not a primary snapshot");
  }

  @Test
  void repositoryLoadWritesAndThenReadsTheSnapshot() throws Exception {
    Path snaps = tmp.resolve("snapshots");
    RpmRepository first = RpmRepository.load("baseos", ElFixtures.repo("cs9-baseos-2022"), snaps);
    try (var s = Files.list(snaps)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactly("130494033cb9bffa40828ebc814d016920d9ce5d60041467af283ffcf38adef0.prm1");
    }
    RpmRepository second = RpmRepository.load("baseos", ElFixtures.repo("cs9-baseos-2022"), snaps);
    assertThat(second.packages()).isEqualTo(first.packages());
    // a damaged snapshot is replaced by a good one
    Path snap = Files.list(snaps).findFirst().orElseThrow();
    Files.write(snap, new byte[] {1, 2, 3});
    RpmRepository third = RpmRepository.load("baseos", ElFixtures.repo("cs9-baseos-2022"), snaps);
    assertThat(third.packages()).isEqualTo(first.packages());
    assertThat(Files.size(snap)).isGreaterThan(1000);
  }
}
