package io.pigsty.repo.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class PrimaryReaderTest {

  static final String SMALL =
      """
            <?xml version="1.0" encoding="UTF-8"?>
            <metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">
            <package type="rpm">
              <name>demo</name>
              <arch>noarch</arch>
              <version epoch="2" ver="1.0~rc1" rel="3.el9"/>
              <checksum type="sha256" pkgid="YES">abc123</checksum>
              <description>x &lt; y</description>
              <size package="1234" installed="5678" archive="9"/>
              <location xml:base="https://mirror.example/el9" href="Packages/demo-1.0~rc1-3.el9.noarch.rpm"/>
              <format>
                <rpm:sourcerpm>demo-1.0~rc1-3.el9.src.rpm</rpm:sourcerpm>
                <rpm:provides><rpm:entry name="demo" flags="EQ" epoch="2" ver="1.0~rc1" rel="3.el9"/></rpm:provides>
                <rpm:requires>
                  <rpm:entry name="/bin/sh" pre="1"/>
                  <rpm:entry name="(a if b else c)"/>
                  <rpm:entry name="libfoo" flags="GE" epoch="0" ver="2"/>
                </rpm:requires>
                <rpm:obsoletes><rpm:entry name="olddemo" flags="LT" epoch="0" ver="1" rel="0"/></rpm:obsoletes>
                <rpm:recommends><rpm:entry name="demo-doc"/></rpm:recommends>
                <rpm:supplements><rpm:entry name="(demo-lang and langpacks-de)"/></rpm:supplements>
                <file>/usr/bin/demo</file>
                <file type="dir">/etc/demo</file>
              </format>
            </package>
            </metadata>
            """;

  static List<RpmPackage> readBytes(byte[] bytes, String href) throws Exception {
    List<RpmPackage> out = new ArrayList<>();
    try (InputStream in = MetadataCompression.open(new ByteArrayInputStream(bytes), href)) {
      PrimaryReader.read(in, href, out::add);
    }
    return out;
  }

  @Test
  void read_allFieldsOfOnePackage() throws Exception {
    List<RpmPackage> pkgs = readBytes(SMALL.getBytes(StandardCharsets.UTF_8), "primary.xml");
    assertThat(pkgs).hasSize(1);
    RpmPackage p = pkgs.get(0);
    assertThat(p.name()).isEqualTo("demo");
    assertThat(p.arch()).isEqualTo("noarch");
    assertThat(p.evr()).isEqualTo(new Evr("2", "1.0~rc1", "3.el9"));
    assertThat(p.checksumType()).isEqualTo("sha256");
    assertThat(p.checksum()).isEqualTo("abc123");
    assertThat(p.location()).isEqualTo("Packages/demo-1.0~rc1-3.el9.noarch.rpm");
    assertThat(p.locationBase()).isEqualTo("https://mirror.example/el9");
    assertThat(p.packageSize()).isEqualTo(1234);
    assertThat(p.installedSize()).isEqualTo(5678);
    assertThat(p.sourceRpm()).isEqualTo("demo-1.0~rc1-3.el9.src.rpm");
    assertThat(p.requires())
        .containsExactly(
            new RpmDep("/bin/sh", null, null, true),
            RpmDep.of("(a if b else c)"),
            new RpmDep("libfoo", RpmDep.Flags.GE, new Evr("0", "2", null), false));
    assertThat(p.provides())
        .containsExactly(
            new RpmDep("demo", RpmDep.Flags.EQ, new Evr("2", "1.0~rc1", "3.el9"), false));
    assertThat(p.obsoletes()).extracting(RpmDep::toString).containsExactly("olddemo < 0:1-0");
    assertThat(p.recommends()).containsExactly(RpmDep.of("demo-doc"));
    assertThat(p.supplements()).containsExactly(RpmDep.of("(demo-lang and langpacks-de)"));
    assertThat(p.conflicts()).isEmpty();
    assertThat(p.files()).containsExactly("/usr/bin/demo", "/etc/demo");
    assertThat(p.nevra()).isEqualTo("demo-2:1.0~rc1-3.el9.noarch");
  }

  @Test
  void read_everyCompressionChosenByHrefSuffix() throws Exception {
    byte[] xml = SMALL.getBytes(StandardCharsets.UTF_8);
    for (String suffix : new String[] {".gz", ".xz", ".zst", ".bz2"}) {
      ByteArrayOutputStream bo = new ByteArrayOutputStream();
      try (OutputStream o =
          switch (suffix) {
            case ".gz" -> new GZIPOutputStream(bo);
            case ".xz" -> new XZOutputStream(bo, new LZMA2Options());
            case ".zst" -> new ZstdOutputStream(bo);
            default -> new BZip2CompressorOutputStream(bo);
          }) {
        o.write(xml);
      }
      assertThat(bo.toByteArray()).isNotEqualTo(xml);
      List<RpmPackage> pkgs = readBytes(bo.toByteArray(), "repodata/x-primary.xml" + suffix);
      assertThat(pkgs).as(suffix).extracting(RpmPackage::name).containsExactly("demo");
    }
  }

  @Test
  void read_malformedXmlNamesTheSource() {
    byte[] bad = SMALL.replace("</package>", "</pkg>").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> readBytes(bad, "repodata/broken-primary.xml"))
        .isInstanceOf(RpmMetadataException.class)
        .hasMessageContaining("repodata/broken-primary.xml");
  }

  @Test
  void read_wrongRootIsRejected() {
    byte[] bad = "<filelists packages=\"0\"></filelists>".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> readBytes(bad, "x.xml"))
        .isInstanceOf(RpmMetadataException.class)
        .hasMessageContaining("expected <metadata>");
  }

  @Test
  void read_baseos2022HasAllPackagesAndModemManagerEntries() throws Exception {
    Path repo = ElFixtures.repo("cs9-baseos-2022");
    Repomd md = Repomd.read(repo.resolve("repodata/repomd.xml"));
    List<RpmPackage> pkgs =
        PrimaryReader.readAll(repo.resolve(md.find("primary").orElseThrow().href()));
    assertThat(pkgs).hasSize(1125);
    RpmPackage mm =
        pkgs.stream()
            .filter(p -> p.nameArch().equals("ModemManager.x86_64"))
            .findFirst()
            .orElseThrow();
    assertThat(mm.evr()).isEqualTo(new Evr("0", "1.18.2", "3.el9"));
    assertThat(mm.location()).isEqualTo("Packages/ModemManager-1.18.2-3.el9.x86_64.rpm");
    assertThat(mm.requires())
        .contains(new RpmDep("/bin/sh", null, null, true), RpmDep.of("polkit"));
    assertThat(mm.conflicts())
        .contains(
            new RpmDep("glib2(x86-64)", RpmDep.Flags.LT, new Evr("0", "2.68.4", null), false));
    assertThat(mm.files()).contains("/usr/bin/mmcli");
    // every <file> element of primary is kept (3680 counted with grep)
    assertThat(pkgs.stream().mapToInt(p -> p.files().size()).sum()).isEqualTo(3680);
  }

  @Test
  void read_appstream2025CountsMatchSourcesTable() throws Exception {
    Path repo = ElFixtures.repo("cs9-appstream-2025");
    Repomd md = Repomd.read(repo.resolve("repodata/repomd.xml"));
    List<RpmPackage> pkgs =
        PrimaryReader.readAll(repo.resolve(md.find("primary").orElseThrow().href()));
    assertThat(pkgs).hasSize(17649);
    Map<String, Long> arches =
        pkgs.stream().collect(Collectors.groupingBy(RpmPackage::arch, Collectors.counting()));
    assertThat(arches)
        .containsEntry("x86_64", 9263L)
        .containsEntry("i686", 2689L)
        .containsEntry("noarch", 5697L);
    assertThat(pkgs.stream().map(RpmPackage::name).distinct().count()).isEqualTo(4848);
    assertThat(pkgs.stream().filter(p -> !"0".equals(p.evr().epoch())).count()).isEqualTo(4411);
    assertThat(pkgs.stream().mapToInt(p -> p.requires().size()).sum()).isEqualTo(199_427);
    assertThat(pkgs.stream().flatMap(p -> p.requires().stream()).filter(RpmDep::isRich).count())
        .isEqualTo(730);
    assertThat(pkgs.stream().flatMap(p -> p.supplements().stream()).filter(RpmDep::isRich).count())
        .isEqualTo(558);
  }

  @Test
  void read_zstdPrimaryOfAzureLinux() throws Exception {
    Path repo = ElFixtures.repo("azurelinux3-community-zstd");
    Repomd md = Repomd.read(repo.resolve("repodata/repomd.xml"));
    String href = md.find("primary").orElseThrow().href();
    assertThat(href).endsWith(".zst");
    List<RpmPackage> pkgs = PrimaryReader.readAll(repo.resolve(href));
    assertThat(pkgs).hasSize(113);
    assertThat(pkgs.stream().mapToInt(p -> p.requires().size()).sum()).isEqualTo(2062);
  }

  @Test
  void repomd_appstreamEntries() throws Exception {
    Repomd md = Repomd.read(ElFixtures.repo("cs9-appstream-2025").resolve("repodata/repomd.xml"));
    assertThat(md.revision()).isEqualTo("9-stream");
    Repomd.Data primary = md.find("primary").orElseThrow();
    assertThat(primary.href())
        .isEqualTo(
            "repodata/c03bb2ebc33bbee3046da091b45d90717273a43d3641a9d84e6eede05637bc8a-primary.xml.gz");
    assertThat(primary.checksumType()).isEqualTo("sha256");
    assertThat(primary.checksum())
        .isEqualTo("c03bb2ebc33bbee3046da091b45d90717273a43d3641a9d84e6eede05637bc8a");
    assertThat(primary.openChecksum())
        .isEqualTo("a1df0d610cd466c0ff1638782c5a1427b19a01bcde147105e9a07f87669f038a");
    assertThat(primary.size()).isEqualTo(3597627);
    assertThat(primary.openSize()).isEqualTo(51840420);
    assertThat(primary.timestamp()).isEqualTo(1736761560L);
    assertThat(md.find("modules"))
        .get()
        .extracting(Repomd.Data::href)
        .asString()
        .endsWith("modules.yaml.xz");
    assertThat(md.find("nonexistent")).isEmpty();
  }

  @Test
  void repository_modulesFilePassedThroughAsStored() throws Exception {
    RpmRepository repo = RpmRepository.load("pgsql", ElFixtures.repo("pigsty-pgsql-el9-aarch64"));
    Path modules = repo.modulesFile().orElseThrow();
    assertThat(modules.getFileName().toString()).endsWith("modules.yaml.gz");
    Repomd.Data entry = repo.repomd().find("modules").orElseThrow();
    RpmRepository.verify(modules, entry); // untouched bytes still match repomd
    try (InputStream in =
        MetadataCompression.open(Files.newInputStream(modules), modules.toString())) {
      assertThat(new String(in.readNBytes(200), StandardCharsets.UTF_8))
          .contains("document: modulemd");
    }
    assertThat(repo.packages()).hasSize(1665);
  }

  @Test
  void verify_tamperedPrimaryIsRejectedNamingFile(@TempDir Path tmp) throws Exception {
    Path src = ElFixtures.repo("el9-bzip2-rebuild");
    Files.createDirectories(tmp.resolve("repodata"));
    try (var s = Files.list(src.resolve("repodata"))) {
      for (Path f : s.toList()) {
        Files.copy(f, tmp.resolve("repodata").resolve(f.getFileName()));
      }
    }
    assertThat(RpmRepository.load("bz", tmp).packages()).hasSize(7);
    Path primary =
        tmp.resolve(
            Repomd.read(tmp.resolve("repodata/repomd.xml")).find("primary").orElseThrow().href());
    byte[] b = Files.readAllBytes(primary);
    b[b.length - 5] ^= 1;
    Files.write(primary, b);
    assertThatThrownBy(() -> RpmRepository.load("bz", tmp))
        .isInstanceOf(RpmMetadataException.class)
        .hasMessageContaining(primary.getFileName().toString())
        .hasMessageContaining("does not match");
  }

  @Test
  void load_primaryExpandingPastItsOpenSizeIsRefusedNamingIt(@TempDir Path tmp) throws Exception {
    Path src = ElFixtures.repo("el9-bzip2-rebuild");
    Files.createDirectories(tmp.resolve("repodata"));
    try (var s = Files.list(src.resolve("repodata"))) {
      for (Path f : s.toList()) {
        Files.copy(f, tmp.resolve("repodata").resolve(f.getFileName()));
      }
    }
    Path repomd = tmp.resolve("repodata/repomd.xml");
    String xml = Files.readString(repomd);
    int open = xml.indexOf("<open-size>", xml.indexOf("<data type=\"primary\">"));
    Files.writeString(
        repomd,
        xml.substring(0, open)
            + "<open-size>500"
            + xml.substring(xml.indexOf("</open-size>", open)));
    String href = Repomd.read(repomd).find("primary").orElseThrow().href();
    assertThatThrownBy(() -> RpmRepository.load("bz", tmp))
        .isInstanceOf(RpmMetadataException.class)
        .hasMessageContaining(href.substring(href.indexOf('/') + 1))
        .hasMessageContaining("expands to more than 500 bytes");
  }

  @Test
  void load_snapshotEditedInPlaceIsNotBelieved(@TempDir Path tmp) throws Exception {
    Path src = ElFixtures.repo("el9-bzip2-rebuild");
    Path root = tmp.resolve("repo");
    Files.createDirectories(root.resolve("repodata"));
    try (var s = Files.list(src.resolve("repodata"))) {
      for (Path f : s.toList()) {
        Files.copy(f, root.resolve("repodata").resolve(f.getFileName()));
      }
    }
    Path snapshots = tmp.resolve("snapshots");
    List<String> names =
        RpmRepository.load("bz", root, snapshots).packages().stream()
            .map(RpmPackage::name)
            .toList();
    assertThat(names).contains("bzip2-libs");
    Path snap;
    try (var s = Files.list(snapshots)) {
      snap = s.filter(p -> p.toString().endsWith(".prm1")).findFirst().orElseThrow();
    }
    String text = new String(Files.readAllBytes(snap), StandardCharsets.ISO_8859_1);
    assertThat(text).contains("bzip2-libs");
    // every bzip2-libs becomes bzip2-Xibs: same lengths, so the snapshot still parses
    Files.write(
        snap, text.replace("bzip2-libs", "bzip2-Xibs").getBytes(StandardCharsets.ISO_8859_1));

    assertThat(
            RpmRepository.load("bz", root, snapshots).packages().stream()
                .map(RpmPackage::name)
                .toList())
        .isEqualTo(names);
  }

  @Test
  void metadataCompression_boundedStreamYieldsTheBoundAndFailsOneBytePast() throws Exception {
    byte[] ten = new byte[10];
    try (InputStream in = MetadataCompression.open(new ByteArrayInputStream(ten), "x.xml", 10)) {
      assertThat(in.readAllBytes()).hasSize(10);
    }
    try (InputStream in = MetadataCompression.open(new ByteArrayInputStream(ten), "x.xml", 9)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("x.xml expands to more than 9 bytes");
    }
  }

  @Test
  void boundFor_isOpenSizeElseSizeOfAnUncompressedFileElseTheCap() {
    assertThat(MetadataCompression.boundFor(data("repodata/p.xml.gz", 10, 99))).isEqualTo(99);
    assertThat(MetadataCompression.boundFor(data("repodata/p.xml", 10, -1))).isEqualTo(10);
    assertThat(MetadataCompression.boundFor(data("repodata/p.xml.zst", 10, -1)))
        .isEqualTo(MetadataCompression.UNLISTED_MAX_BYTES);
  }

  private static Repomd.Data data(String href, long size, long openSize) {
    return new Repomd.Data("primary", href, "sha256", null, null, null, size, openSize, 0);
  }

  @Test
  void filelists_findsOwnerOfPathNotInPrimary() throws Exception {
    RpmRepository repo = RpmRepository.load("zfs", ElFixtures.repo("el9-zfs-2.1"));
    assertThat(repo.packages())
        .noneMatch(p -> p.files().contains("/usr/share/man/man8/zpool.8.gz"));
    Map<String, List<FilelistsReader.Owner>> owners =
        repo.fileOwners(Set.of("/usr/share/man/man8/zpool.8.gz", "/no/such/file"));
    assertThat(owners).containsOnlyKeys("/usr/share/man/man8/zpool.8.gz");
    assertThat(owners.get("/usr/share/man/man8/zpool.8.gz"))
        .extracting(FilelistsReader.Owner::name)
        .containsOnly("zfs");
    assertThat(owners.get("/usr/share/man/man8/zpool.8.gz"))
        .extracting(o -> o.evr().version())
        .containsExactlyInAnyOrder("2.1.4", "2.1.5");
    String pkgid = owners.get("/usr/share/man/man8/zpool.8.gz").get(0).pkgid();
    assertThat(repo.packages()).anyMatch(p -> pkgid.equals(p.checksum()) && p.name().equals("zfs"));
  }

  @Test
  void filelists_stubOfAppstreamYieldsNothing() throws Exception {
    Path repo = ElFixtures.repo("cs9-appstream-2025");
    Repomd.Data fl =
        Repomd.read(repo.resolve("repodata/repomd.xml")).find("filelists").orElseThrow();
    assertThat(FilelistsReader.findOwners(repo.resolve(fl.href()), Set.of("/usr/bin/tmux")))
        .isEmpty();
  }
}
