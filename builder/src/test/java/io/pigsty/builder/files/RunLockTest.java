package io.pigsty.builder.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
  @TempDir Path tmp;

  private static final BiPredicate<Path, Boolean> PART =
      (p, dir) -> p.getFileName().toString().endsWith(".part");

  /** A file last modified {@code ago} before now, as a run killed then would have left it. */
  private static Path plant(Path p, Duration ago) throws Exception {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "partial");
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(ago)));
    return p;
  }

  @Test
  void removeLeftovers_removesWhatAKilledRunLeftAndNothingElse() throws Exception {
    Path old = plant(tmp.resolve("sha256/ab/ab12.x.part"), Duration.ofHours(1));
    Path cached = plant(tmp.resolve("sha256/ab/ab12"), Duration.ofHours(1));
    try (RunLock lock = RunLock.acquire(tmp)) {
      assertThat(lock.removeLeftovers(tmp, 3, PART)).containsExactly(old);
    }
    assertThat(old).doesNotExist();
    assertThat(cached).exists();
    assertThat(tmp.resolve(RunLock.LOCK_DIR))
        .as("lock directory removed when empty")
        .doesNotExist();
  }

  @Test
  void removeLeftovers_keepsTheInFlightFileOfAConcurrentRun() throws Exception {
    Path old = plant(tmp.resolve("old.part"), Duration.ofHours(1));
    try (RunLock first = RunLock.acquire(tmp)) {
      Path inFlight = Files.writeString(tmp.resolve("first.part"), "downloading");
      Thread.sleep(20);
      try (RunLock second = RunLock.acquire(tmp)) {
        assertThat(second.removeLeftovers(tmp, 1, PART)).containsExactly(old);
        assertThat(inFlight).exists();
      }
      assertThat(inFlight).exists();
    }
  }

  @Test
  void removeLeftovers_oncetheConcurrentRunIsGoneItsLeftoverIsRemoved() throws Exception {
    Path left;
    try (RunLock first = RunLock.acquire(tmp)) {
      left = Files.writeString(tmp.resolve("first.part"), "downloading");
    }
    Thread.sleep(20);
    try (RunLock next = RunLock.acquire(tmp)) {
      assertThat(next.removeLeftovers(tmp, 1, PART)).containsExactly(left);
    }
  }

  @Test
  void removeLeftovers_ignoresAndRemovesTheLockFileOfAKilledRun() throws Exception {
    Path dead = plant(tmp.resolve(RunLock.LOCK_DIR).resolve("run-1.lock"), Duration.ofHours(2));
    Path left = plant(tmp.resolve("x.part"), Duration.ofMinutes(10));
    try (RunLock lock = RunLock.acquire(tmp)) {
      assertThat(lock.removeLeftovers(tmp, 1, PART)).containsExactly(left);
      assertThat(dead).doesNotExist();
    }
  }

  @Test
  void removeLeftovers_keepsTheInFlightFileOfAnotherProcess() throws Exception {
    Process other =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                Holder.class.getName(),
                tmp.toString())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("locked");
      Path inFlight = tmp.resolve("other.part");
      assertThat(inFlight).exists();
      Path old = plant(tmp.resolve("old.part"), Duration.ofHours(1));
      Thread.sleep(20);
      try (RunLock lock = RunLock.acquire(tmp)) {
        assertThat(lock.removeLeftovers(tmp, 1, PART)).containsExactly(old);
      }
      assertThat(inFlight).exists();
    } finally {
      other.getOutputStream().close();
      other.waitFor();
    }
  }

  /** Another process: takes a run lock on args[0], writes an in-flight file, waits for stdin. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      try (RunLock lock = RunLock.acquire(dir)) {
        Thread.sleep(20);
        Files.writeString(dir.resolve("other.part"), "downloading");
        System.out.println("locked");
        System.out.flush();
        System.in.read();
      }
    }
  }
}
