package io.pigsty.builder.bundle;

import io.pigsty.repo.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The content-addressed cache shared with the downloader: a file whose SHA256 is {@code h} lives at
 * {@code <dir>/sha256/<h[0..2]>/<h>}. Entries are only ever written after their SHA256 was checked
 * against a signed index, and are re-checked when read.
 */
public final class ContentCache {
  private final Path dir;

  /**
   * @param dir the cache root (created on first write)
   */
  public ContentCache(Path dir) {
    this.dir = dir;
  }

  /**
   * @return the cache root
   */
  public Path dir() {
    return dir;
  }

  /**
   * @return where a file with that SHA256 (lower-case hex) is kept
   */
  public Path pathFor(String sha256) {
    return dir.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  /**
   * Reads a cached file and re-checks it.
   *
   * @return the content, or empty when absent or when it no longer matches (it is then removed)
   */
  public Optional<byte[]> read(String sha256, long size) throws IOException {
    Path p = pathFor(sha256);
    if (!Files.isRegularFile(p) || (size >= 0 && Files.size(p) != size)) {
      return Optional.empty();
    }
    byte[] b = Files.readAllBytes(p);
    if (!Digests.sha256Hex(b).equals(sha256)) {
      Files.deleteIfExists(p);
      return Optional.empty();
    }
    return Optional.of(b);
  }

  /**
   * Stores content already checked against {@code sha256}, through a temp file and an atomic
   * rename.
   */
  public void put(String sha256, byte[] content) throws IOException {
    Path p = pathFor(sha256);
    Files.createDirectories(p.getParent());
    Path tmp = Files.createTempFile(p.getParent(), ".put-", ".tmp");
    try {
      Files.write(tmp, content);
      Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
