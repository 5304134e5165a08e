package io.pigsty.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The builder's package graph as the JDK's {@code jdeps} reads it from the compiled classes: no
 * cycles, every package has a {@code package-info.java}, and the layering the README describes
 * holds (the pigsty.yml model and the command runner depend on no other builder package).
 */
class PackageGraphTest {
  static final String ROOT = "io.pigsty.builder";

  static Map<String, Set<String>> graph() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int rc =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(new StringWriter()),
            "-verbose:package",
            "-filter:none",
            "target/classes");
    assertThat(rc).as(out.toString()).isZero();
    Map<String, Set<String>> g = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3
          && f[1].equals("->")
          && f[0].startsWith(ROOT)
          && f[2].startsWith(ROOT)
          && !f[0].equals(f[2])) {
        g.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2]);
      }
    }
    return g;
  }

  @Test
  void packages_haveNoCycles() {
    Map<String, Set<String>> g = graph();
    assertThat(g).containsKeys(ROOT + ".cli", ROOT + ".install", ROOT + ".configure");
    Map<String, Integer> state = new HashMap<>();
    List<String> cycle = new ArrayList<>();
    for (String p : g.keySet()) {
      if (visit(p, g, state, new ArrayList<>(), cycle)) {
        break;
      }
    }
    assertThat(cycle).as("a package cycle").isEmpty();
  }

  private static boolean visit(
      String p,
      Map<String, Set<String>> g,
      Map<String, Integer> state,
      List<String> path,
      List<String> cycle) {
    Integer s = state.get(p);
    if (s != null && s == 1) {
      cycle.addAll(path.subList(path.indexOf(p), path.size()));
      cycle.add(p);
      return true;
    }
    if (s != null) {
      return false;
    }
    state.put(p, 1);
    path.add(p);
    for (String q : g.getOrDefault(p, Set.of())) {
      if (visit(q, g, state, path, cycle)) {
        return true;
      }
    }
    path.remove(path.size() - 1);
    state.put(p, 2);
    return false;
  }

  @Test
  void inventoryAndExec_dependOnNoOtherBuilderPackage() {
    Map<String, Set<String>> g = graph();
    assertThat(g.getOrDefault(ROOT + ".inventory", Set.of())).isEmpty();
    assertThat(g.getOrDefault(ROOT + ".exec", Set.of())).isEmpty();
    assertThat(g.get(ROOT + ".install")).doesNotContain(ROOT + ".configure", ROOT + ".cli");
  }

  @Test
  void everyPackage_saysWhatItOwns() throws Exception {
    Path src = Path.of("src/main/java/io/pigsty/builder");
    try (var dirs = Files.walk(src)) {
      List<Path> missing =
          dirs.filter(Files::isDirectory)
              .filter(
                  d -> {
                    try (var files = Files.list(d)) {
                      return files.anyMatch(f -> f.toString().endsWith(".java"));
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .filter(d -> !Files.isRegularFile(d.resolve("package-info.java")))
              .toList();
      assertThat(missing).isEmpty();
    }
  }
}
