package io.pigsty.repo;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/** The JVM's peak heap use, as the benchmarks and {@code resolve --timings} report it. */
public final class HeapPeak {
  private HeapPeak() {}

  /** Starts a new peak from the current use of every heap pool. */
  public static void reset() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /**
   * @return the sum of the heap pools' peak use since start or the last {@link #reset}, bytes
   */
  public static long bytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
