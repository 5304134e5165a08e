package io.pigsty.repo.rpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepodataWriterTest {
  @TempDir Path tmp;

  static final List<String> RPMS =
      List.of(
          "bzip2-1.0.8-18.el9.x86_64.rpm", "bzip2-libs-1.0.8-18.el9.x86_64.rpm",
          "bzip2-devel-1.0.8-18.el9.x86_64.rpm", "zfs-2.1.5-1.el9.x86_64.rpm",
          "libzfs5-2.1.5-1.el9.x86_64.rpm", "libzpool5-2.1.5-1.el9.x86_64.rpm",
          "libnvpair3-2.1.5-1.el9.x86_64.rpm", "libuutil3-2.1.5-1.el9.x86_64.rpm");

  private Path stage(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    for (String r : RPMS) {
      Files.copy(ElFixtures.repo("rpms").resolve(r), dir.resolve(r));
    }
    return dir;
  }

  private static List<Path> rpms(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".rpm")).sorted().collect(Collectors.toList());
    }
  }

  private static Map<String, RpmPackage> primary(Path dir) throws Exception {
    Repomd md = Repomd.read(dir.resolve("repodata/repomd.xml"));
    Map<String, RpmPackage> out = new TreeMap<>();
    for (RpmPackage p :
        PrimaryReader.readAll(dir.resolve(md.find("primary").orElseThrow().href()))) {
      out.put(p.nevra(), p);
    }
    return out;
  }

  @Test
  void write_matchesCreaterepoCPackageByPackage() throws Exception {
    Path ours = stage("ours");
    Path theirs = stage("theirs");
    RepodataWriter.write(
        ours,
        rpms(ours),
        Instant.parse("2026-01-01T00:00:00Z"),
        RepodataWriter.Compression.GZ,
        null);
    createrepoC(theirs);
    Map<String, RpmPackage> a = primary(ours);
    Map<String, RpmPackage> b = primary(theirs);
    assertThat(a.keySet()).isEqualTo(b.keySet()).hasSize(RPMS.size());
    List<String> diffs = new ArrayList<>();
    for (String k : b.keySet()) {
      RpmPackage x = a.get(k);
      RpmPackage y = b.get(k);
      Map<String, List<?>> fx = fields(x);
      Map<String, List<?>> fy = fields(y);
      for (String f : fy.keySet()) {
        if (!new HashSet<>(fx.get(f)).equals(new HashSet<>(fy.get(f)))) {
          diffs.add(k + " " + f + ": ours " + fx.get(f) + " createrepo_c " + fy.get(f));
        }
      }
    }
    assertThat(diffs).isEmpty();
  }

  private static Map<String, List<?>> fields(RpmPackage p) {
    Map<String, List<?>> m = new LinkedHashMap<>();
    m.put(
        "checksum",
        List.of(p.checksum(), p.location(), p.packageSize(), p.installedSize(), p.sourceRpm()));
    m.put("requires", p.requires());
    m.put("provides", p.provides());
    m.put("conflicts", p.conflicts());
    m.put("obsoletes", p.obsoletes());
    m.put("recommends", p.recommends());
    m.put("supplements", p.supplements());
    m.put("files", p.files());
    return m;
  }

  /** A directory holding a copy of every fixture RPM. */
  private Path everyFixtureRpm(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    try (Stream<Path> s = Files.list(ElFixtures.repo("rpms"))) {
      for (Path r : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".rpm"))::iterator) {
        Files.copy(r, dir.resolve(r.getFileName()));
      }
    }
    return dir;
  }

  private static void createrepoC(Path dir) throws Exception {
    Process p =
        new ProcessBuilder("createrepo_c", "-q", "--no-database", dir.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void write_listsTheChangelogsCreaterepoCLists() throws Exception {
    Path ours = everyFixtureRpm("ours");
    Path theirs = everyFixtureRpm("theirs");
    RepodataWriter.write(
        ours,
        rpms(ours),
        Instant.parse("2026-01-01T00:00:00Z"),
        RepodataWriter.Compression.GZ,
        null);
    createrepoC(theirs);
    Map<String, List<String>> a = canonical(ours, "other");
    Map<String, List<String>> b = canonical(theirs, "other");
    assertThat(a.keySet()).isEqualTo(b.keySet());
    // the fixtures hold packages with more than ten entries (container-selinux, httpd), so the
    // limit and the order are both exercised
    assertThat(
            b.values().stream()
                .mapToLong(l -> l.stream().filter(x -> x.startsWith("changelog ")).count())
                .max()
                .orElse(0))
        .isEqualTo(RepodataWriter.CHANGELOG_LIMIT);
    for (String k : b.keySet()) {
      assertThat(a.get(k)).as(k).containsExactlyElementsOf(b.get(k));
    }
  }

  /**
   * A repodata document as (pkgid location-or-name) to the lines of its package element: each
   * element with its attributes (sorted) and text, in document order; {@code time file} is left out
   * (createrepo_c writes the file's mtime there, we the build time).
   */
  private static Map<String, List<String>> canonical(Path dir, String type) throws Exception {
    Repomd md = Repomd.read(dir.resolve("repodata/repomd.xml"));
    Path doc = dir.resolve(md.find(type).orElseThrow().href());
    Map<String, List<String>> out = new TreeMap<>();
    try (var in =
        MetadataCompression.open(Files.newInputStream(doc), doc.getFileName().toString())) {
      XMLStreamReader r = XMLInputFactory.newFactory().createXMLStreamReader(in);
      List<String> current = null;
      String pkgid = null;
      while (r.hasNext()) {
        int ev = r.next();
        if (ev == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("package")) {
          out.put(
              pkgid
                  + " "
                  + String.join(
                      " ", current.stream().filter(l -> l.startsWith("location ")).toList()),
              current);
          current = null;
          continue;
        }
        if (ev != XMLStreamConstants.START_ELEMENT) {
          continue;
        }
        String name = r.getLocalName();
        if (name.equals("package")) {
          current = new ArrayList<>();
          pkgid = r.getAttributeValue(null, "pkgid");
        }
        if (current == null) {
          continue;
        }
        TreeMap<String, String> attrs = new TreeMap<>();
        for (int i = 0; i < r.getAttributeCount(); i++) {
          attrs.put(r.getAttributeLocalName(i), r.getAttributeValue(i));
        }
        if (name.equals("time")) {
          attrs.remove("file");
        }
        String line = name + " " + attrs;
        boolean leaf =
            !Set.of(
                        "package",
                        "format",
                        "provides",
                        "requires",
                        "conflicts",
                        "obsoletes",
                        "recommends",
                        "suggests",
                        "supplements",
                        "enhances")
                    .contains(name)
                && !name.equals("entry")
                && !name.equals("version")
                && !name.equals("time")
                && !name.equals("size")
                && !name.equals("location")
                && !name.equals("header-range");
        if (leaf) {
          line += " | " + r.getElementText();
        }
        current.add(line);
      }
    }
    return out;
  }

  @Test
  void write_primaryAndFilelistsEqualCreaterepoCsForEveryFixtureRpm() throws Exception {
    Path ours = everyFixtureRpm("ours");
    Path theirs = everyFixtureRpm("theirs");
    RepodataWriter.write(
        ours,
        rpms(ours),
        Instant.parse("2026-01-01T00:00:00Z"),
        RepodataWriter.Compression.GZ,
        null);
    createrepoC(theirs);
    for (String type : List.of("primary", "filelists")) {
      Map<String, List<String>> a = canonical(ours, type);
      Map<String, List<String>> b = canonical(theirs, type);
      assertThat(a.keySet()).as(type).isEqualTo(b.keySet()).hasSize(rpms(ours).size());
      for (String k : b.keySet()) {
        assertThat(a.get(k)).as(type + " " + k).containsExactlyElementsOf(b.get(k));
      }
    }
  }

  @Test
  void documents_holdToThePackageCountTheyAnnounce() throws Exception {
    Path rpm = ElFixtures.repo("rpms").resolve("bzip2-libs-1.0.8-18.el9.x86_64.rpm");
    RepodataWriter.Entry e =
        new RepodataWriter.Entry(RpmFile.read(rpm), rpm.getFileName().toString(), "00", 1);
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    RepodataWriter.Documents two =
        new RepodataWriter.Documents(2, t, RepodataWriter.Compression.GZ);
    two.add(e);
    assertThatThrownBy(() -> two.finish(null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 packages added, 2 announced");
    RepodataWriter.Documents one =
        new RepodataWriter.Documents(1, t, RepodataWriter.Compression.GZ);
    one.add(e);
    assertThatThrownBy(() -> one.add(e)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void changelogsForOther_spreadsEqualTimesAsCreaterepoCDoes() {
    // header order, newest first; three entries of the same day, then an older one
    List<String[]> header =
        List.of(
            new String[] {"300", "c <c@x> - 3  ", "three"},
            new String[] {"300", "b <b@x> - 2", "two"},
            new String[] {"300", "a <a@x> - 1", "one"},
            new String[] {"100", "z - 0", "zero"});
    List<String> got =
        RepodataWriter.changelogsForOther(header).stream()
            .map(c -> c[0] + " " + c[1] + " " + c[2])
            .collect(Collectors.toList());
    assertThat(got)
        .containsExactly(
            "100 z - 0 zero",
            "300 a <a@x> - 1 one",
            "301 b <b@x> - 2 two",
            "302 c <c@x> - 3 three");
  }

  @Test
  void write_isLoadedByDnfWhichResolvesBzip2AndZfsFromIt() throws Exception {
    Path ours = stage("ours");
    RepodataWriter.write(
        ours,
        rpms(ours),
        Instant.parse("2026-01-01T00:00:00Z"),
        RepodataWriter.Compression.ZSTD,
        null);
    Map<String, Path> repos = new LinkedHashMap<>();
    repos.put("pigsty", ours);
    repos.put("baseos", ElFixtures.repo("cs9-baseos-2022"));
    repos.put("appstream", ElFixtures.repo("cs9-appstream-2025"));
    DnfOracle dnf = new DnfOracle(Files.createDirectories(tmp.resolve("dnf")), repos, "x86_64");
    DnfOracle.Result r = dnf.install(List.of("bzip2", "libzfs5"), false);
    assertThat(r.resolved()).as(r.output()).isTrue();
    assertThat(r.nevras())
        .as(r.output())
        .contains(
            "bzip2-1.0.8-18.el9.x86_64",
            "bzip2-libs-1.0.8-18.el9.x86_64",
            "libzfs5-2.1.5-1.el9.x86_64",
            "libnvpair3-2.1.5-1.el9.x86_64");
  }

  @Test
  void write_isDeterministicAndNamesABrokenRpm() throws Exception {
    Path a = stage("a");
    Path b = stage("b");
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Map<String, byte[]> x =
        RepodataWriter.write(a, rpms(a), t, RepodataWriter.Compression.GZ, null);
    Map<String, byte[]> y =
        RepodataWriter.write(b, rpms(b), t, RepodataWriter.Compression.GZ, null);
    assertThat(x.keySet()).isEqualTo(y.keySet());
    for (String k : x.keySet()) {
      assertThat(x.get(k)).as(k).isEqualTo(y.get(k));
    }
    Path broken = a.resolve("broken-1-1.x86_64.rpm");
    Files.write(broken, new byte[] {(byte) 0xed, (byte) 0xab, 1, 2, 3});
    Set<String> before =
        Set.copyOf(
            Files.list(a.resolve("repodata")).map(Path::toString).collect(Collectors.toList()));
    assertThatThrownBy(
            () -> RepodataWriter.write(a, rpms(a), t, RepodataWriter.Compression.GZ, null))
        .isInstanceOf(RpmMetadataException.class)
        .hasMessageContaining("broken-1-1.x86_64.rpm");
    assertThat(
            Set.copyOf(
                Files.list(a.resolve("repodata")).map(Path::toString).collect(Collectors.toList())))
        .isEqualTo(before);
  }
}
