package io.pigsty.builder.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL settings of one tuning template sized for a node: the fixed values of the v1.4 tables
 * (Pigsty's pg_conf templates tiny, oltp, olap, crit) plus the memory-derived ones.
 *
 * @param profile the template
 * @param memBytes node memory in bytes (MemTotal of /proc/meminfo)
 * @param cpus CPUs available
 * @param params settings in file order, name to value as written in postgresql.conf
 * @param checksums whether the cluster is initialised with data checksums (crit only)
 */
public record Tuning(
    Profile profile, long memBytes, int cpus, Map<String, String> params, boolean checksums) {

  private static final long MB = 1024L * 1024;
  private static final long GB = 1024 * MB;

  /** The four tuning templates and their fixed values (Pigsty v1.4's pg_conf tables). */
  public enum Profile {
    TINY(100, 4, 8, 0, 1, 10, 15, 1, "10min", false),
    OLTP(800, 32, 64, 0, 100, 400, 60, 3, "10min", false),
    OLAP(800, 128, 64, 8, 100, 400, 60, 3, "0", false),
    CRIT(800, 32, 64, 0, 100, 400, 60, 3, "1min", true);

    final int maxConnections;
    final int workMemMb;
    final int maxWorkerProcesses;
    final int parallelPerGather;
    final int minWalGb;
    final int maxWalGb;
    final int checkpointMinutes;
    final int autovacuumWorkers;
    final String idleInTransaction;
    final boolean checksums;

    Profile(
        int maxConnections,
        int workMemMb,
        int maxWorkerProcesses,
        int parallelPerGather,
        int minWalGb,
        int maxWalGb,
        int checkpointMinutes,
        int autovacuumWorkers,
        String idleInTransaction,
        boolean checksums) {
      this.maxConnections = maxConnections;
      this.workMemMb = workMemMb;
      this.maxWorkerProcesses = maxWorkerProcesses;
      this.parallelPerGather = parallelPerGather;
      this.minWalGb = minWalGb;
      this.maxWalGb = maxWalGb;
      this.checkpointMinutes = checkpointMinutes;
      this.autovacuumWorkers = autovacuumWorkers;
      this.idleInTransaction = idleInTransaction;
      this.checksums = checksums;
    }

    /**
     * @param fileName a {@code pg_conf} value such as {@code tiny.yml} (the {@code .yml} is
     *     optional)
     * @return the profile, or empty when the name is not one of the four
     */
    public static Optional<Profile> fromFileName(String fileName) {
      String base =
          fileName.endsWith(".yml") ? fileName.substring(0, fileName.length() - 4) : fileName;
      return Arrays.stream(values())
          .filter(p -> p.name().toLowerCase(Locale.ROOT).equals(base))
          .findFirst();
    }
  }

  /**
   * Sizes a template for a node.
   *
   * <p>Rules (Pigsty v1.4 pg_conf templates): {@code shared_buffers = min(25% RAM, 32 GiB)}, 256 MB
   * when that is under 1 GiB (but never above 25% RAM, so nodes under 1 GiB stay valid); {@code
   * maintenance_work_mem = min(RAM/16, 8 GiB)}, 64 MB when shared_buffers fell back; {@code
   * effective_cache_size = RAM - shared_buffers}. Beyond the tables, so that the result stays valid
   * and sane on 1 CPU / 1 GB: {@code work_mem} is capped so that a quarter of {@code
   * max_connections} at work_mem fit in {@code RAM - shared_buffers} (whole MB, at least 1 MB),
   * {@code max_parallel_workers = min(max(cpus, 2), max_worker_processes)} and {@code
   * max_parallel_workers_per_gather} is capped by it.
   *
   * @param profile the template (not null)
   * @param memBytes node memory in bytes, at least 256 MiB
   * @param cpus CPUs, at least 1
   * @return the settings
   * @throws IllegalArgumentException when memBytes or cpus is below its minimum
   */
  public static Tuning of(Profile profile, long memBytes, int cpus) {
    if (memBytes < 256 * MB) {
      throw new IllegalArgumentException("node memory " + memBytes + " bytes is below 256 MiB");
    }
    if (cpus < 1) {
      throw new IllegalArgumentException("cpus " + cpus + " is below 1");
    }
    long quarter = memBytes / 4;
    long shared = Math.min(quarter, 32 * GB);
    boolean fellBack = shared < GB;
    if (fellBack) {
      shared = Math.min(256 * MB, quarter);
    }
    long maintenance = fellBack ? 64 * MB : Math.min(memBytes / 16, 8 * GB);
    long cache = memBytes - shared;
    long workMem =
        Math.min(
            profile.workMemMb * MB,
            Math.max(MB, 4 * (memBytes - shared) / profile.maxConnections / MB * MB));
    int parallel = Math.min(Math.max(cpus, 2), profile.maxWorkerProcesses);
    int perGather = Math.min(profile.parallelPerGather, parallel);

    Map<String, String> p = new LinkedHashMap<>();
    p.put("max_connections", Integer.toString(profile.maxConnections));
    p.put("shared_buffers", size(shared));
    p.put("maintenance_work_mem", size(maintenance));
    p.put("effective_cache_size", size(cache));
    p.put("work_mem", size(workMem));
    p.put("max_worker_processes", Integer.toString(profile.maxWorkerProcesses));
    p.put("max_parallel_workers", Integer.toString(parallel));
    p.put("max_parallel_workers_per_gather", Integer.toString(perGather));
    p.put("min_wal_size", profile.minWalGb + "GB");
    p.put("max_wal_size", profile.maxWalGb + "GB");
    p.put("checkpoint_timeout", profile.checkpointMinutes + "min");
    p.put("checkpoint_completion_target", "0.9");
    p.put("autovacuum_max_workers", Integer.toString(profile.autovacuumWorkers));
    p.put("idle_in_transaction_session_timeout", profile.idleInTransaction);
    // logical, as Pigsty sets it: logical decoding (wal2json, pgoutput) needs no restart
    p.put("wal_level", "logical");
    p.put("max_wal_senders", "10");
    p.put("password_encryption", "scram-sha-256");
    p.put("shared_preload_libraries", "pg_stat_statements");
    p.put("track_io_timing", "on");
    p.put("log_min_duration_statement", "100");
    return new Tuning(profile, memBytes, cpus, Collections.unmodifiableMap(p), profile.checksums);
  }

  /**
   * Reads {@code MemTotal} from a meminfo file.
   *
   * @param meminfo usually {@code /proc/meminfo}
   * @return memory in bytes
   * @throws IOException when the file cannot be read or has no MemTotal line (named in the message)
   */
  public static long memTotalBytes(Path meminfo) throws IOException {
    for (String line : Files.readAllLines(meminfo)) {
      if (line.startsWith("MemTotal:")) {
        String[] f = line.substring(9).trim().split("\\s+");
        long v = Long.parseLong(f[0]);
        return f.length > 1 && f[1].equalsIgnoreCase("kB") ? v * 1024 : v;
      }
    }
    throw new IOException(meminfo + ": no MemTotal line");
  }

  /**
   * @return the settings as postgresql.conf lines, with a header naming the template and node size
   */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "# pigsty tuning template %s.yml for %d MiB RAM, %d CPU(s)%n",
            profile.name().toLowerCase(Locale.ROOT),
            memBytes / MB,
            cpus));
    params.forEach((k, v) -> sb.append(k).append(" = '").append(v).append("'\n"));
    return sb.toString();
  }

  /** Sizes in postgresql.conf units: whole GB when exact, else MB, else kB. */
  static String size(long bytes) {
    if (bytes % GB == 0) {
      return bytes / GB + "GB";
    }
    if (bytes >= MB) {
      return bytes / MB + "MB";
    }
    return Math.max(64, bytes / 1024) + "kB";
  }
}
