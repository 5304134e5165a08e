package io.pigsty.repo.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class DebVersionTest {
  /**
   * One fixture line: {@code expected} is -1, 0 or 1 as dpkg ordered {@code a} against {@code b}.
   */
  record Pair(String a, String b, int expected) {}

  private static final String FIXTURE = "/deb/version-pairs.tsv";

  static List<Pair> fixture() throws IOException {
    List<Pair> out = new ArrayList<>();
    InputStream in = DebVersionTest.class.getResourceAsStream(FIXTURE);
    assertThat(in).as(FIXTURE).isNotNull();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        String[] f = line.split("\t", -1);
        assertThat(f).as(FIXTURE + ":" + n).hasSize(3);
        int op =
            switch (f[2]) {
              case "<" -> -1;
              case "=" -> 0;
              case ">" -> 1;
              default -> throw new AssertionError(FIXTURE + ":" + n + ": bad op '" + f[2] + "'");
            };
        out.add(new Pair(f[0], f[1], op));
      }
    }
    return out;
  }

  // ---- the dpkg-produced fixture

  @Test
  void compare_matchesDpkgOnEveryFixturePairBothWays() throws IOException {
    List<Pair> pairs = fixture();
    assertThat(pairs).hasSizeGreaterThanOrEqualTo(400);
    List<String> wrong = new ArrayList<>();
    for (Pair p : pairs) {
      int got = DebVersion.compare(p.a(), p.b());
      int back = DebVersion.compare(p.b(), p.a());
      if (got != p.expected() || back != -p.expected()) {
        wrong.add(p + " got " + got + ", reversed " + back);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void compare_randomSampleAgreesWithDpkgWhenPresent() throws Exception {
    Optional<Path> dpkg = onPath("dpkg");
    Assumptions.assumeTrue(dpkg.isPresent(), "dpkg not on PATH");
    long seed = System.nanoTime();
    List<Pair> pairs = new ArrayList<>(fixture());
    Collections.shuffle(pairs, new Random(seed));
    for (Pair p : pairs.subList(0, 60)) {
      int lt = dpkgCompare(dpkg.get(), p.a(), "lt", p.b());
      int eq = dpkgCompare(dpkg.get(), p.a(), "eq", p.b());
      int gt = dpkgCompare(dpkg.get(), p.a(), "gt", p.b());
      assertThat(List.of(lt, eq, gt))
          .as("dpkg exit codes for %s (seed %d)", p, seed)
          .containsOnly(0, 1)
          .containsOnlyOnce(0);
      int byDpkg = lt == 0 ? -1 : eq == 0 ? 0 : 1;
      assertThat(byDpkg).as("fixture line for %s (seed %d)", p, seed).isEqualTo(p.expected());
      assertThat(DebVersion.compare(p.a(), p.b())).as("%s (seed %d)", p, seed).isEqualTo(byDpkg);
    }
  }

  @Test
  void equals_agreesWithFixtureAndEqualPairsShareHashCode() throws IOException {
    for (Pair p : fixture()) {
      DebVersion a = DebVersion.parse(p.a());
      DebVersion b = DebVersion.parse(p.b());
      assertThat(a.equals(b)).as(p.toString()).isEqualTo(p.expected() == 0);
      assertThat(b.equals(a)).as(p.toString()).isEqualTo(p.expected() == 0);
      if (p.expected() == 0) {
        assertThat(a.hashCode()).as(p.toString()).isEqualTo(b.hashCode());
      }
    }
  }

  @Test
  void compareTo_sortsAllFixtureVersionsTransitively() throws IOException {
    Set<String> texts = new LinkedHashSet<>();
    for (Pair p : fixture()) {
      texts.add(p.a());
      texts.add(p.b());
    }
    List<DebVersion> sorted = new ArrayList<>();
    for (String t : texts) {
      sorted.add(DebVersion.parse(t));
    }
    Collections.sort(sorted);
    List<String> broken = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size(); j++) {
        if (sorted.get(i).compareTo(sorted.get(j)) > 0
            || sorted.get(j).compareTo(sorted.get(i)) < 0) {
          broken.add(sorted.get(i) + " / " + sorted.get(j));
        }
      }
    }
    assertThat(sorted).hasSizeGreaterThan(500);
    assertThat(broken).isEmpty();
  }

  @Test
  void hashCode_equalForEveryEqualPairOfGeneratedVersions() {
    Random rnd = new Random(5612);
    String alphabet = "00001a.~+-:";
    List<DebVersion> vs = new ArrayList<>();
    while (vs.size() < 1500) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + rnd.nextInt(6);
      for (int i = 0; i < len; i++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      try {
        vs.add(DebVersion.parse(sb.toString()));
      } catch (IllegalArgumentException e) {
        // text dpkg rejects: not a version, skipped
      }
    }
    int equalPairs = 0;
    for (DebVersion a : vs) {
      for (DebVersion b : vs) {
        if (a.compareTo(b) == 0) {
          equalPairs++;
          assertThat(a).isEqualTo(b);
          assertThat(a.hashCode()).as("%s / %s", a, b).isEqualTo(b.hashCode());
        } else {
          assertThat(a).isNotEqualTo(b);
        }
      }
    }
    assertThat(equalPairs)
        .as("pairs equal without being the same object")
        .isGreaterThan(2 * vs.size());
  }

  // ---- named comparison cases

  @Test
  void compare_tildeSortsBeforeEmpty() {
    assertThat(DebVersion.compare("1.0~rc1", "1.0")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.0~", "1.0")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.0-1~bpo1", "1.0-1")).isEqualTo(-1);
  }

  @Test
  void compare_doubleTildeSortsBeforeSingleTilde() {
    assertThat(DebVersion.compare("1.0~~", "1.0~")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.0~~a", "1.0~")).isEqualTo(-1);
  }

  @Test
  void compare_epochWins() {
    assertThat(DebVersion.compare("1:0.1", "9.9")).isEqualTo(1);
    assertThat(DebVersion.compare("2:0", "10:0")).isEqualTo(-1);
    assertThat(DebVersion.compare("0:1.0", "1.0")).isZero();
  }

  @Test
  void compare_emptyRevisionEqualsZero() {
    assertThat(DebVersion.compare("1.0", "1.0-0")).isZero();
    assertThat(DebVersion.compare("1.0", "1.0-1")).isEqualTo(-1);
  }

  @Test
  void compare_lettersSortBeforeNonLetters() {
    assertThat(DebVersion.compare("1.0a", "1.0+")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.0z", "1.0.")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.0Z", "1.0a")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.0a", "1.0")).isEqualTo(1);
  }

  @Test
  void compare_plusSortsBeforeDot() {
    assertThat(DebVersion.compare("1.0+dfsg", "1.0.1")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.0-1+b1", "1.0-1.1")).isEqualTo(-1);
  }

  @Test
  void compare_leadingZerosAndTrailingZeroRunsIgnored() {
    assertThat(DebVersion.compare("007", "7")).isZero();
    assertThat(DebVersion.compare("1.0a0", "1.0a")).isZero();
    assertThat(DebVersion.compare("1.0", "1.0.0")).isEqualTo(-1);
  }

  @Test
  void compare_digitRunsLongerThanALongCompareNumerically() {
    assertThat(DebVersion.compare("20240101123456789012", "20240101123456789013")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.100000000000000000000", "1.99999999999999999999"))
        .isEqualTo(1);
    assertThat(DebVersion.compare("0020240101123456789012", "20240101123456789012")).isZero();
  }

  @Test
  void compare_warningOnlyCharactersSortAfterPlusByCode() {
    // dpkg warns about '_' and '@' but orders them like any other non-letter: by ASCII code
    assertThat(DebVersion.compare("1.0_1", "1.0.1")).isEqualTo(1);
    assertThat(DebVersion.compare("1.0,1", "1.0.1")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.0@", "1.0~")).isEqualTo(1);
  }

  @Test
  void compare_nonAsciiBytesSortAfterLettersBeforePunctuation() {
    // as dpkg 1.21.23 on amd64 (signed char): 'é' is bytes C3 A9, ordered 195 and 169
    assertThat(DebVersion.compare("1.0\u00e9", "1.0z")).isEqualTo(1);
    assertThat(DebVersion.compare("1.0\u00e9", "1.0+")).isEqualTo(-1);
    assertThat(DebVersion.compare("1.0\u00e9", "1.0")).isEqualTo(1);
  }

  @Test
  void compareTo_allocatesNothing() {
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertThat(mx.isThreadAllocatedMemorySupported()).isTrue();
    mx.setThreadAllocatedMemoryEnabled(true);
    DebVersion[] vs = {
      DebVersion.parse("1:2.36-9+deb12u7"), DebVersion.parse("1:2.36-9+deb12u10"),
      DebVersion.parse("0.0~git20221020150751.30e8cfc+ds1-1+b1"),
          DebVersion.parse("20240101123456789012"),
      DebVersion.parse("1.0~rc1-1"), DebVersion.parse("1.0-1"),
    };
    long sink = 0;
    for (int i = 0; i < 200_000; i++) {
      sink += vs[i % vs.length].compareTo(vs[(i / vs.length) % vs.length]);
    }
    long id = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(id);
    for (int i = 0; i < 1_000_000; i++) {
      sink += vs[i % vs.length].compareTo(vs[(i / vs.length) % vs.length]);
    }
    long allocated = mx.getThreadAllocatedBytes(id) - before;
    assertThat(sink).isNotEqualTo(Long.MIN_VALUE);
    assertThat(allocated).as("bytes allocated by 1,000,000 compareTo calls").isLessThan(10_000);
  }

  // ---- parsing

  @Test
  void parse_splitsEpochUpstreamRevision() {
    DebVersion v = DebVersion.parse("1:9.2p1-2+deb12u7");
    assertThat(v.epoch()).isEqualTo(1);
    assertThat(v.upstream()).isEqualTo("9.2p1");
    assertThat(v.revision()).isEqualTo("2+deb12u7");
    assertThat(v.toString()).isEqualTo("1:9.2p1-2+deb12u7");
    DebVersion n = DebVersion.parse("2.0");
    assertThat(n.epoch()).isZero();
    assertThat(n.revision()).isEmpty();
  }

  @Test
  void parse_revisionFollowsLastHyphenEpochPrecedesFirstColon() {
    DebVersion v = DebVersion.parse("1:2:3-a-b");
    assertThat(v.epoch()).isEqualTo(1);
    assertThat(v.upstream()).isEqualTo("2:3-a");
    assertThat(v.revision()).isEqualTo("b");
  }

  @Test
  void parse_readsEpochLikeStrtol() {
    assertThat(DebVersion.parse("+1:2").epoch()).isEqualTo(1);
    assertThat(DebVersion.parse("0000000001:2").epoch()).isEqualTo(1);
    assertThat(DebVersion.parse("2147483647:1").epoch()).isEqualTo(Integer.MAX_VALUE);
    assertThat(DebVersion.parse("-0:1").epoch()).isZero();
  }

  @Test
  void parse_ignoresSurroundingBlanksButKeepsThemInToString() {
    DebVersion v = DebVersion.parse(" \t1.0-1 ");
    assertThat(v.upstream()).isEqualTo("1.0");
    assertThat(v.revision()).isEqualTo("1");
    assertThat(v.toString()).isEqualTo(" \t1.0-1 ");
    assertThat(v).isEqualTo(DebVersion.parse("1.0-1"));
  }

  @Test
  void parse_acceptsWhatDpkgOnlyWarnsAbout() {
    assertThat(DebVersion.parse("a").upstream()).isEqualTo("a");
    assertThat(DebVersion.parse("~1").upstream()).isEqualTo("~1");
    assertThat(DebVersion.parse("1.0_1").upstream()).isEqualTo("1.0_1");
    assertThat(DebVersion.parse("1:2-3:4").revision()).isEqualTo("3:4");
    assertThat(DebVersion.parse("1.0\n").upstream()).isEqualTo("1.0\n");
  }

  @Test
  void parse_rejectsEmpty() {
    assertRejected("", "version string is empty");
  }

  @Test
  void parse_rejectsBlankOnly() {
    assertRejected(" \t ", "version string is empty");
  }

  @Test
  void parse_rejectsNull() {
    assertThatThrownBy(() -> DebVersion.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
  }

  @Test
  void parse_rejectsEmbeddedSpaces() {
    assertRejected("1.0 1", "embedded spaces");
    assertRejected("1:1\t0", "embedded spaces");
  }

  @Test
  void parse_rejectsEmptyEpoch() {
    assertRejected(":1.0", "epoch in version is empty");
    assertRejected("a:1.0", "epoch in version is empty");
    assertRejected("+:1.0", "epoch in version is empty");
  }

  @Test
  void parse_rejectsNonNumericEpoch() {
    assertRejected("1a:1.0", "epoch in version is not number");
    assertRejected("1.0-1:2", "epoch in version is not number");
    assertRejected("0x1:1", "epoch in version is not number");
  }

  @Test
  void parse_rejectsNegativeEpoch() {
    assertRejected("-1:1.0", "epoch in version is negative");
  }

  @Test
  void parse_rejectsEpochAboveIntMax() {
    assertRejected("2147483648:1.0", "epoch in version is too big");
    assertRejected("99999999999999999999999:1.0", "epoch in version is too big");
  }

  @Test
  void parse_rejectsNothingAfterColon() {
    assertRejected("1:", "nothing after colon");
  }

  @Test
  void parse_rejectsEmptyRevision() {
    assertRejected("1.0-", "revision number is empty");
    assertRejected("1:-", "revision number is empty");
  }

  @Test
  void parse_rejectsEmptyUpstream() {
    assertRejected("-1", "version number is empty");
    assertRejected("1:-1", "version number is empty");
  }

  @Test
  void parse_rejectsNulCharacter() {
    assertRejected("1.0\u00001", "NUL");
  }

  private static void assertRejected(String text, String why) {
    assertThatThrownBy(() -> DebVersion.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining(why);
  }

  private static Optional<Path> onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Exit code of {@code dpkg --compare-versions a op b}: 0 true, 1 false, 2 dpkg rejected a
   * version.
   */
  private static int dpkgCompare(Path dpkg, String a, String op, String b) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(dpkg.toString(), "--compare-versions", a, op, b)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("LC_ALL", "C");
    return pb.start().waitFor();
  }
}
