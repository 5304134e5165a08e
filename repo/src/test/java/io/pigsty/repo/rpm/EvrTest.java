package io.pigsty.repo.rpm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class EvrTest {

  record Pair(String a, String b, int expected) {}

  static List<Pair> pairs() throws IOException {
    List<Pair> out = new ArrayList<>();
    try (InputStream in = EvrTest.class.getResourceAsStream("/rpm/evr-pairs.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("#") || line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        out.add(new Pair(f[0], f[1], Integer.parseInt(f[2])));
      }
    }
    return out;
  }

  /**
   * rpm.vercmp parses both sides as EVRs and compares them with rpmverCmp (missing release = "").
   */
  static int ours(String a, String b) {
    return Integer.signum(Evr.parse(a).compareTo(Evr.parse(b)));
  }

  @Test
  void compare_allFixturePairsMatchRpm() throws IOException {
    List<Pair> pairs = pairs();
    assertThat(pairs).hasSizeGreaterThanOrEqualTo(400);
    List<String> wrong = new ArrayList<>();
    for (Pair p : pairs) {
      int got = ours(p.a(), p.b());
      if (got != p.expected()) {
        wrong.add(p.a() + " vs " + p.b() + ": rpm " + p.expected() + ", ours " + got);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void compare_fixtureCoversAllThreeOutcomesAndTildeCaret() throws IOException {
    List<Pair> pairs = pairs();
    assertThat(pairs).extracting(Pair::expected).contains(-1, 0, 1);
    assertThat(pairs).anyMatch(p -> p.a().contains("~") || p.b().contains("~"));
    assertThat(pairs).anyMatch(p -> p.a().contains("^") || p.b().contains("^"));
  }

  @Test
  void compare_tildeSortsBeforeEmpty() {
    assertThat(Evr.rpmvercmp("1.0~rc1", "1.0")).isEqualTo(-1);
    assertThat(Evr.rpmvercmp("1.0~rc1", "1.0~rc2")).isEqualTo(-1);
    assertThat(Evr.rpmvercmp("1.0~~", "1.0~")).isEqualTo(-1);
  }

  @Test
  void compare_caretSortsAfterEmptyButBeforeMore() {
    assertThat(Evr.rpmvercmp("1.0^git1", "1.0")).isEqualTo(1);
    assertThat(Evr.rpmvercmp("1.0^git1", "1.0.1")).isEqualTo(-1);
    assertThat(Evr.rpmvercmp("1.0^", "1.0")).isEqualTo(1);
  }

  @Test
  void compare_numericBeatsAlphaAndLeadingZerosIgnored() {
    assertThat(Evr.rpmvercmp("1.1", "1.a")).isEqualTo(1);
    assertThat(Evr.rpmvercmp("1.001", "1.1")).isEqualTo(0);
    assertThat(Evr.rpmvercmp("1000000000000000000000", "999999999999999999999")).isEqualTo(1);
    assertThat(Evr.rpmvercmp("1_0", "1.0")).isEqualTo(0);
  }

  @Test
  void parse_epochVersionRelease() {
    assertThat(Evr.parse("2:1.0-3.el9")).isEqualTo(new Evr("2", "1.0", "3.el9"));
    assertThat(Evr.parse("1.0")).isEqualTo(new Evr(null, "1.0", null));
    assertThat(Evr.parse(":1.0")).isEqualTo(new Evr("0", "1.0", null));
    assertThat(Evr.parse("5.6.7-8-9")).isEqualTo(new Evr(null, "5.6.7-8", "9"));
    assertThat(Evr.parse("2:1.0-3").toString()).isEqualTo("2:1.0-3");
  }

  @Test
  void compareTo_epochWinsThenReleaseCounts() {
    assertThat(Evr.parse("1:1.0-1").compareTo(Evr.parse("0:9.9-9"))).isPositive();
    assertThat(Evr.parse("1.0-2").compareTo(Evr.parse("1.0-10"))).isNegative();
    assertThat(Evr.parse("1.0").compareTo(Evr.parse("0:1.0"))).isZero();
    // dependency matching ignores a missing release, the total order does not
    assertThat(Evr.parse("1.0").compareForDependency(Evr.parse("1.0-5"))).isZero();
    assertThat(Evr.parse("1.0").compareTo(Evr.parse("1.0-5"))).isNegative();
  }

  @Test
  void compare_randomSampleAgainstRpmWhenPresent() throws Exception {
    Assumptions.assumeTrue(rpmPresent(), "rpm not installed");
    List<Pair> pairs = new ArrayList<>(pairs());
    // also invent new pairs by recombining fixture strings, so rpm sees cases not in the table
    List<String> strings = new ArrayList<>();
    for (Pair p : pairs) {
      strings.add(p.a());
    }
    Random rnd = new Random();
    Collections.shuffle(pairs, rnd);
    List<String[]> sample = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      sample.add(new String[] {pairs.get(i).a(), pairs.get(i).b()});
      sample.add(
          new String[] {
            strings.get(rnd.nextInt(strings.size())), strings.get(rnd.nextInt(strings.size()))
          });
    }
    StringBuilder lua = new StringBuilder("%{lua: ");
    for (String[] s : sample) {
      lua.append("print(rpm.vercmp(\"")
          .append(s[0])
          .append("\",\"")
          .append(s[1])
          .append("\") .. \" \") ");
    }
    lua.append('}');
    Process p =
        new ProcessBuilder("rpm", "--eval", lua.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String[] values = out.split("\\s+");
    assertThat(values).hasSize(sample.size());
    for (int i = 0; i < sample.size(); i++) {
      String[] s = sample.get(i);
      assertThat(ours(s[0], s[1]))
          .as("%s vs %s", s[0], s[1])
          .isEqualTo(Integer.parseInt(values[i]));
    }
  }

  static boolean rpmPresent() {
    try {
      Process p = new ProcessBuilder("rpm", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
