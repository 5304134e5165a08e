package io.pigsty.repo.rpm;

import io.pigsty.repo.HeapPeak;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Benchmark, not a test: writes {@code repodata/} for a directory of RPMs several times in one JVM
 * ({@link RepodataWriter#write}, what {@code pigsty repo index} runs before it signs) and prints
 * seconds and peak heap per run, so the indexing can be told apart from JVM start and JIT warm-up.
 * Run: {@code java -cp ... io.pigsty.repo.rpm.IndexBenchmark DIR [runs]}.
 */
public final class IndexBenchmark {
  private IndexBenchmark() {}

  /**
   * @param args the directory (searched recursively for .rpm files) and the number of runs (default
   *     5)
   * @throws Exception on unreadable RPMs
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<Path> rpms;
    try (Stream<Path> s = Files.walk(dir)) {
      rpms = s.filter(p -> p.toString().endsWith(".rpm")).sorted().collect(Collectors.toList());
    }
    for (int i = 0; i < runs; i++) {
      System.gc();
      HeapPeak.reset();
      long t0 = System.nanoTime();
      RepodataWriter.write(
          dir, rpms, Instant.parse("2026-01-01T00:00:00Z"), RepodataWriter.Compression.GZ, null);
      long t1 = System.nanoTime();
      long peak = HeapPeak.bytes();
      System.out.printf(
          "run %d: %d packages in %.3f s, peak heap %d MB%n",
          i + 1, rpms.size(), (t1 - t0) / 1e9, peak >> 20);
    }
  }
}
