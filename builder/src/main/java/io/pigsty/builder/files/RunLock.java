package io.pigsty.builder.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * One run's claim on a directory that several runs share (the download cache, an output directory),
 * and the removal of what runs killed there left behind ({@code .part}, {@code .tmp}, staging
 * directories).
 *
 * <p>Each run holds an exclusive {@link FileChannel#lock() lock} on a file of its own, {@code
 * <dir>/.pigsty-runs/run-*.lock}, whose modification time is the run's start; the operating system
 * drops the lock when the process dies, even by {@code kill -9}. A leftover is removed only when it
 * was last modified before the start of every run still holding its lock: a live run's in-flight
 * files are all younger than its start, so no run deletes another's. Lock files of dead runs are
 * removed on the way.
 */
public final class RunLock implements AutoCloseable {
  /** The directory, inside the shared one, of the runs' lock files. */
  public static final String LOCK_DIR = ".pigsty-runs";

  /**
   * File keys (inodes) of the lock files this JVM holds: such a file is never opened to test it,
   * since closing any descriptor of a file drops every POSIX lock the process has on it.
   */
  private static final Set<Object> HELD = ConcurrentHashMap.newKeySet();

  private final Path lockFile;
  private final Object fileKey;
  private final FileChannel channel;
  private final Instant started;

  private RunLock(Path lockFile, Object fileKey, FileChannel channel, Instant started) {
    this.lockFile = lockFile;
    this.fileKey = fileKey;
    this.channel = channel;
    this.started = started;
  }

  /**
   * Takes a new run lock in {@code dir}. The lock file is locked under a temporary name and then
   * renamed, so no other run ever sees it unlocked.
   *
   * @param dir the shared directory (created if missing)
   * @return the lock; close it when the run ends
   * @throws IOException when the lock file cannot be created or locked
   */
  public static RunLock acquire(Path dir) throws IOException {
    Path locks = dir.resolve(LOCK_DIR);
    Path pending = null;
    for (int attempt = 0; pending == null; attempt++) {
      Files.createDirectories(locks);
      try {
        pending = Files.createTempFile(locks, "run-", ".new");
      } catch (NoSuchFileException e) {
        if (attempt == 3) {
          throw e; // the last run removing the lock directory just now, each time
        }
      }
    }
    FileChannel ch = FileChannel.open(pending, StandardOpenOption.WRITE);
    Object key = null;
    try {
      ch.lock();
      key = Files.readAttributes(pending, BasicFileAttributes.class).fileKey();
      HELD.add(key);
      String name = pending.getFileName().toString();
      Path named = locks.resolve(name.substring(0, name.length() - ".new".length()) + ".lock");
      Files.move(pending, named, StandardCopyOption.ATOMIC_MOVE);
      return new RunLock(named, key, ch, Files.getLastModifiedTime(named).toInstant());
    } catch (IOException | RuntimeException e) {
      if (key != null) {
        HELD.remove(key);
      }
      ch.close();
      Files.deleteIfExists(pending);
      throw e;
    }
  }

  /**
   * @return when this run started (its lock file's modification time)
   */
  public Instant started() {
    return started;
  }

  /**
   * Removes, under {@code root} down to {@code depth} levels, every file or directory that {@code
   * leftover} selects and that was last modified before the start of every live run on this
   * directory, this one included. The lock directory is never entered.
   *
   * @param root where to look (may be missing)
   * @param depth 1 for the entries of {@code root} only
   * @param leftover sees a candidate's path and whether it is a directory
   * @return the removed paths
   * @throws IOException when a listing or a removal fails
   */
  public List<Path> removeLeftovers(Path root, int depth, BiPredicate<Path, Boolean> leftover)
      throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return removed;
    }
    Instant before = oldestLiveStart();
    Files.walkFileTree(
        root,
        EnumSet.noneOf(FileVisitOption.class),
        depth,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a)
              throws IOException {
            if (d.equals(root)) {
              return FileVisitResult.CONTINUE;
            }
            if (d.getFileName().toString().equals(LOCK_DIR)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            if (leftover.test(d, true) && a.lastModifiedTime().toInstant().isBefore(before)) {
              Tarball.deleteTree(d);
              removed.add(d);
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            if (a.isDirectory()) {
              // at the depth limit, directories are visited as files
              return preVisitDirectory(f, a);
            }
            if (a.isRegularFile()
                && leftover.test(f, false)
                && a.lastModifiedTime().toInstant().isBefore(before)) {
              Files.deleteIfExists(f);
              removed.add(f);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE; // gone meanwhile
            }
            throw e;
          }
        });
    return removed;
  }

  /** The start of the oldest run holding a lock here; removes lock files of dead runs. */
  private Instant oldestLiveStart() throws IOException {
    Instant oldest = started;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(lockFile.getParent(), "*.lock")) {
      for (Path p : s) {
        if (p.equals(lockFile)) {
          continue;
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue;
        }
        if (alive(p, a.fileKey())) {
          Instant t = a.lastModifiedTime().toInstant();
          oldest = t.isBefore(oldest) ? t : oldest;
        } else {
          Files.deleteIfExists(p);
        }
      }
    }
    return oldest;
  }

  private static boolean alive(Path p, Object key) throws IOException {
    if (HELD.contains(key)) {
      return true;
    }
    try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE)) {
      FileLock l = c.tryLock();
      if (l == null) {
        return true;
      }
      l.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /** Releases the lock and removes its file, and the lock directory when it is then empty. */
  @Override
  public void close() throws IOException {
    try {
      Files.deleteIfExists(lockFile);
      try {
        Files.deleteIfExists(lockFile.getParent());
      } catch (DirectoryNotEmptyException e) {
        // another run holds a lock here
      }
    } finally {
      HELD.remove(fileKey);
      channel.close();
    }
  }
}
