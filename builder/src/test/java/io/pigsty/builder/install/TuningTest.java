package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.install.Tuning.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TuningTest {

  private static final long MB = 1024L * 1024;
  private static final long GB = 1024 * MB;

  @TempDir Path tmp;

  /** Parses a postgresql.conf size such as 256MB, 1GB or 64kB to bytes. */
  static long bytes(String v) {
    if (v.endsWith("GB")) {
      return Long.parseLong(v.substring(0, v.length() - 2)) * GB;
    }
    if (v.endsWith("MB")) {
      return Long.parseLong(v.substring(0, v.length() - 2)) * MB;
    }
    if (v.endsWith("kB")) {
      return Long.parseLong(v.substring(0, v.length() - 2)) * 1024;
    }
    throw new IllegalArgumentException(v);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void of_oneCpuOneGigabyteStaysValid(Profile p) {
    Tuning t = Tuning.of(p, GB, 1);
    long shared = bytes(t.params().get("shared_buffers"));
    long cache = bytes(t.params().get("effective_cache_size"));
    long work = bytes(t.params().get("work_mem"));
    int conns = Integer.parseInt(t.params().get("max_connections"));
    assertThat(shared).isEqualTo(256 * MB);
    assertThat(bytes(t.params().get("maintenance_work_mem"))).isEqualTo(64 * MB);
    assertThat(cache).isEqualTo(GB - 256 * MB);
    assertThat(work).isBetween(64 * 1024L, 32 * MB);
    // a quarter of the connections at work_mem, with shared_buffers, fit in the node's memory
    assertThat(shared + (long) conns / 4 * work).isLessThanOrEqualTo(GB);
    assertThat(work).isGreaterThanOrEqualTo(MB);
    int workers = Integer.parseInt(t.params().get("max_worker_processes"));
    int parallel = Integer.parseInt(t.params().get("max_parallel_workers"));
    int gather = Integer.parseInt(t.params().get("max_parallel_workers_per_gather"));
    assertThat(gather).isLessThanOrEqualTo(parallel);
    assertThat(parallel).isLessThanOrEqualTo(workers).isEqualTo(2);
    assertThat(bytes(t.params().get("min_wal_size")))
        .isLessThanOrEqualTo(bytes(t.params().get("max_wal_size")));
    // Pigsty's default: logical decoding available without a restart
    assertThat(t.params()).containsEntry("wal_level", "logical");
  }

  @Test
  void of_tinyOnSixteenGigabytesFollowsTheTable() {
    Tuning t = Tuning.of(Profile.TINY, 16 * GB, 4);
    assertThat(t.params())
        .containsEntry("shared_buffers", "4GB")
        .containsEntry("maintenance_work_mem", "1GB")
        .containsEntry("effective_cache_size", "12GB")
        .containsEntry("max_connections", "100")
        .containsEntry("work_mem", "4MB")
        .containsEntry("max_worker_processes", "8")
        .containsEntry("max_parallel_workers_per_gather", "0")
        .containsEntry("min_wal_size", "1GB")
        .containsEntry("max_wal_size", "10GB")
        .containsEntry("checkpoint_timeout", "15min")
        .containsEntry("autovacuum_max_workers", "1")
        .containsEntry("idle_in_transaction_session_timeout", "10min");
    assertThat(t.checksums()).isFalse();
  }

  @Test
  void of_olapAndCritDifferWhereTheTableSays() {
    Tuning olap = Tuning.of(Profile.OLAP, 64 * GB, 16);
    Tuning crit = Tuning.of(Profile.CRIT, 64 * GB, 16);
    assertThat(olap.params())
        .containsEntry("work_mem", "128MB")
        .containsEntry("max_parallel_workers_per_gather", "8")
        .containsEntry("idle_in_transaction_session_timeout", "0")
        .containsEntry("max_connections", "800");
    assertThat(crit.params())
        .containsEntry("work_mem", "32MB")
        .containsEntry("max_parallel_workers_per_gather", "0")
        .containsEntry("idle_in_transaction_session_timeout", "1min");
    assertThat(crit.checksums()).isTrue();
    assertThat(olap.checksums()).isFalse();
  }

  @Test
  void of_sharedBuffersCappedAt32GiBAndMaintenanceAt8GiB() {
    Tuning t = Tuning.of(Profile.OLTP, 512 * GB, 64);
    assertThat(t.params())
        .containsEntry("shared_buffers", "32GB")
        .containsEntry("maintenance_work_mem", "8GB")
        .containsEntry("effective_cache_size", "480GB")
        .containsEntry("max_parallel_workers", "64");
  }

  @Test
  void of_rejectsTooLittleMemoryAndZeroCpus() {
    assertThatThrownBy(() -> Tuning.of(Profile.TINY, 100 * MB, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 MiB");
    assertThatThrownBy(() -> Tuning.of(Profile.TINY, GB, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fromFileName_acceptsTheFourTemplatesOnly() {
    assertThat(Profile.fromFileName("oltp.yml")).contains(Profile.OLTP);
    assertThat(Profile.fromFileName("crit")).contains(Profile.CRIT);
    assertThat(Profile.fromFileName("huge.yml")).isEmpty();
  }

  @Test
  void memTotalBytes_readsKilobytesFromMeminfo() throws IOException {
    Path m = tmp.resolve("meminfo");
    Files.writeString(m, "MemTotal:        1014836 kB\nMemFree:          500000 kB\n");
    assertThat(Tuning.memTotalBytes(m)).isEqualTo(1014836L * 1024);
    Files.writeString(m, "MemFree: 1 kB\n");
    assertThatThrownBy(() -> Tuning.memTotalBytes(m))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("MemTotal");
  }

  @Test
  void render_quotesEveryValueAndNamesTheTemplate() {
    String conf = Tuning.of(Profile.TINY, 4 * GB, 2).render();
    assertThat(conf)
        .startsWith("# pigsty tuning template tiny.yml for 4096 MiB RAM, 2 CPU(s)")
        .contains("shared_buffers = '1GB'\n")
        .contains("password_encryption = 'scram-sha-256'\n");
  }
}
