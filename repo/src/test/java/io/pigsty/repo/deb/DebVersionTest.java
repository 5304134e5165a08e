package io.pigsty.repo.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class DebVersionTest {
  record Pair(String a, String b, int expected) {}

  static List<Pair> fixture() throws Exception {
    List<Pair> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        DebVersionTest.class.getResourceAsStream("/deb/version-pairs.tsv"), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split("\t");
        out.add(new Pair(f[0], f[1], f[2].equals("<") ? -1 : f[2].equals("=") ? 0 : 1));
      }
    }
    return out;
  }

  @Test
  void compare_matchesDpkgOnEveryFixturePairBothWays() throws Exception {
    List<Pair> pairs = fixture();
    assertThat(pairs).hasSizeGreaterThanOrEqualTo(300);
    List<String> wrong = new ArrayList<>();
    for (Pair p : pairs) {
      int got = Integer.signum(DebVersion.compare(p.a(), p.b()));
      int back = Integer.signum(DebVersion.compare(p.b(), p.a()));
      if (got != p.expected() || back != -p.expected()) {
        wrong.add(p + " got " + got);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void compare_sampleRecheckedAgainstDpkgWhenPresent() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "dpkg not installed");
    List<Pair> pairs = new ArrayList<>(fixture());
    Collections.shuffle(pairs, new Random());
    for (Pair p : pairs.subList(0, 60)) {
      Process lt = new ProcessBuilder("dpkg", "--compare-versions", p.a(), "lt", p.b()).start();
      Process eq = new ProcessBuilder("dpkg", "--compare-versions", p.a(), "eq", p.b()).start();
      int dpkg = lt.waitFor() == 0 ? -1 : eq.waitFor() == 0 ? 0 : 1;
      assertThat(Integer.signum(DebVersion.compare(p.a(), p.b()))).as(p.toString()).isEqualTo(dpkg);
    }
  }

  @Test
  void compare_tildeSortsBeforeEmpty() {
    assertThat(DebVersion.compare("1.0~rc1", "1.0")).isNegative();
    assertThat(DebVersion.compare("1.0~~", "1.0~")).isNegative();
  }

  @Test
  void compare_epochWins() {
    assertThat(DebVersion.compare("1:0.1", "9.9")).isPositive();
  }

  @Test
  void compare_lettersSortBeforeOtherCharacters() {
    assertThat(DebVersion.compare("1.0a", "1.0+")).isNegative();
    assertThat(DebVersion.compare("1.0+", "1.0")).isPositive();
  }

  @Test
  void compare_numbersLongerThanALong() {
    assertThat(DebVersion.compare("1.100000000000000000000", "1.99999999999999999999")).isPositive();
  }

  @Test
  void equals_consistentWithCompare() {
    assertThat(DebVersion.parse("0:1.0-0")).isEqualTo(DebVersion.parse("1.0"));
    assertThat(DebVersion.parse("0:1.0-0").hashCode()).isEqualTo(DebVersion.parse("1.0").hashCode());
    assertThat(DebVersion.parse("1.0")).isNotEqualTo(DebVersion.parse("1.0-1"));
    assertThat(DebVersion.parse("1:2.36-9").toString()).isEqualTo("1:2.36-9");
  }

  @Test
  void parse_splitsEpochUpstreamRevision() {
    DebVersion v = DebVersion.parse("1:9.2p1-2+deb12u7");
    assertThat(v.epoch()).isEqualTo(1);
    assertThat(v.upstream()).isEqualTo("9.2p1");
    assertThat(v.revision()).isEqualTo("2+deb12u7");
    assertThat(DebVersion.parse("1.2-3-4").upstream()).isEqualTo("1.2-3");
  }

  @Test
  void parse_rejectsEmptyBadEpochSpacesAndBadCharacters() {
    assertThatThrownBy(() -> DebVersion.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> DebVersion.parse("a:1.0")).hasMessageContaining("bad epoch");
    assertThatThrownBy(() -> DebVersion.parse("1.0 1")).hasMessageContaining("spaces");
    assertThatThrownBy(() -> DebVersion.parse("1.0_1")).hasMessageContaining("invalid character '_'");
    assertThatThrownBy(() -> DebVersion.parse("1.0-")).hasMessageContaining("empty revision");
  }
}
