package io.pigsty.builder.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.repo.deb.DebFile;
import io.pigsty.repo.deb.DebFixture;
import io.pigsty.repo.deb.ElfFixture;
import io.pigsty.repo.deb.MetadataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageScanTest {
  @TempDir Path tmp;

  /** The postinst of Debian's postgresql-15-postgis-3-scripts, shortened. */
  static final String POSTGIS_POSTINST =
      """
      #!/bin/sh
      set -eu
      MAJOR_VERSION="3"
      PGVERSION="15"
      DIR="/usr/share/postgresql/$PGVERSION/extension"
      case $1 in
        configure)
          update-alternatives \\
          --install $DIR/postgis.control postgresql-$PGVERSION-postgis.control $DIR/postgis-$MAJOR_VERSION.control ${MAJOR_VERSION}0 \\
            --slave $DIR/postgis_topology.control postgresql-$PGVERSION-postgis_topology.control $DIR/postgis_topology-$MAJOR_VERSION.control
          ;;
      esac
      exit 0
      """;

  private PackageScan scan(String control, Map<String, String> scripts, Map<String, byte[]> data)
      throws Exception {
    Path f = Files.write(tmp.resolve("p.deb"), DebFixture.deb(control, scripts, data));
    DebFile.Contents c =
        DebFile.readContents(f, PackageScan.modulePaths(15), PackageScan.MAX_MODULE_BYTES);
    return PackageScan.of(c, 15, "pool/p.deb");
  }

  @Test
  void of_readsControlFilesOfTheMajorOnly_andLeavesSecondaryControlFilesOut() throws Exception {
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("usr/share/postgresql/15/extension/pgq.control", "x".getBytes());
    data.put("usr/share/postgresql/15/extension/pgq--3.5.control", "x".getBytes());
    data.put("usr/share/postgresql/15/extension/pgq--3.4--3.5.sql", "x".getBytes());
    data.put("usr/share/postgresql/16/extension/other.control", "x".getBytes());
    data.put("usr/share/postgresql/15/extension/sub/nested.control", "x".getBytes());
    data.put("usr/share/postgresql/15/extension/linked.control", "-> pgq.control".getBytes());
    data.put("usr/lib/postgresql/15/lib/pgq_lowlevel.so", ElfFixture.so(List.of(), List.of()));
    data.put("usr/lib/postgresql/15/lib/bitcode/pgq_lowlevel/x.bc", "bc".getBytes());

    PackageScan s =
        scan(
            "Package: postgresql-15-pgq3\nSource: pgq (3.5-1)\nVersion: 3.5-1+b1\n"
                + "Architecture: amd64\nDepends: libc6 (>= 2.4), postgresql-15 | postgresql-16\n"
                + "Description: Generic queue for PostgreSQL\n Long text.\n",
            Map.of(),
            data);

    assertThat(s.name()).isEqualTo("postgresql-15-pgq3");
    assertThat(s.version()).isEqualTo("3.5-1+b1");
    assertThat(s.source()).isEqualTo("pgq");
    assertThat(s.description()).isEqualTo("Generic queue for PostgreSQL");
    assertThat(s.depends()).containsExactly("libc6", "postgresql-15", "postgresql-16");
    assertThat(s.controlStems()).containsExactly("linked", "pgq");
    assertThat(s.modules()).containsOnlyKeys("pgq_lowlevel");
  }

  @Test
  void extensionNames_postgisAlternativesGiveTheUnversionedNames() throws Exception {
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("usr/share/postgresql/15/extension/postgis-3.control", "x".getBytes());
    data.put("usr/share/postgresql/15/extension/postgis_topology-3.control", "x".getBytes());
    data.put("usr/share/postgresql/15/extension/address_standardizer-3.control", "x".getBytes());

    PackageScan s =
        scan(
            "Package: postgresql-15-postgis-3-scripts\nSource: postgis\nVersion: 3.3.2+dfsg-1\n"
                + "Architecture: all\nDescription: Geographic objects support - SQL scripts\n",
            Map.of("postinst", POSTGIS_POSTINST),
            data);

    assertThat(s.alternatives()).containsExactly("postgis", "postgis_topology");
    // address_standardizer-3 has no alternative in this (shortened) postinst: its stem stays
    assertThat(PackageScan.extensionNames(s.controlStems(), s.alternatives()))
        .containsExactly("address_standardizer-3", "postgis", "postgis_topology");
    assertThat(PackageScan.extensionNames(Set.of("a", "b"), Set.of("zzz")))
        .containsExactly("a", "b");
  }

  @Test
  void of_moduleThatIsNotElf_isAMetadataErrorNamingIt() {
    Map<String, byte[]> data = Map.of("usr/lib/postgresql/15/lib/bad.so", "#!/bin/sh\n".getBytes());

    assertThatThrownBy(
            () ->
                scan(
                    "Package: postgresql-15-bad\nVersion: 1\nArchitecture: amd64\n"
                        + "Description: bad\n",
                    Map.of(),
                    data))
        .isInstanceOf(MetadataException.class)
        .hasMessage("pool/p.deb: usr/lib/postgresql/15/lib/bad.so: not an ELF file");
  }
}
