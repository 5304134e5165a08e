package io.pigsty.repo.rpm;

import io.pigsty.repo.HeapPeak;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark, not a test: parses the cs9 AppStream primary (17,649 packages) into records and prints
 * seconds and peak heap. Run: {@code java -cp ... io.pigsty.repo.rpm.PrimaryParseBenchmark
 * [fixturesDir]} (with {@code -Xmx256m} to check the heap goal).
 */
public final class PrimaryParseBenchmark {
  private PrimaryParseBenchmark() {}

  /**
   * @param args optional fixtures directory (default: located as the tests do)
   * @throws Exception on metadata errors
   */
  public static void main(String[] args) throws Exception {
    Path root = args.length > 0 ? Path.of(args[0]) : ElFixtures.root();
    Path repo = root.resolve("cs9-appstream-2025");
    Path primary =
        repo.resolve(
            Repomd.read(repo.resolve("repodata/repomd.xml")).find("primary").orElseThrow().href());
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    for (int i = 0; i < runs; i++) {
      System.gc();
      HeapPeak.reset();
      long t0 = System.nanoTime();
      List<RpmPackage> pkgs = PrimaryReader.readAll(primary);
      long t1 = System.nanoTime();
      long peak = HeapPeak.bytes();
      System.gc();
      long retained = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
      System.out.printf(
          "run %d: %d packages in %.2f s, peak heap %d MB, retained after GC %d MB%n",
          i + 1, pkgs.size(), (t1 - t0) / 1e9, peak >> 20, retained >> 20);
    }
  }
}
