package io.pigsty.builder.fetch;

/**
 * Receives progress of {@link Downloader#fetchAll}. Methods are called from worker threads,
 * possibly concurrently; implementations must be thread-safe.
 */
public interface ProgressListener {
  /** A listener that ignores every event. */
  ProgressListener NONE = new ProgressListener() {};

  /**
   * Called once before any file is fetched.
   *
   * @param files number of requests
   * @param bytes sum of their expected sizes, in bytes
   */
  default void start(int files, long bytes) {}

  /**
   * Called once per file that was fetched and verified, or found in the cache.
   *
   * @param r the request
   * @param bytes the file size in bytes
   * @param fromCache true when no network request was made
   */
  default void advanced(FetchRequest r, long bytes, boolean fromCache) {}

  /** Called once per file that failed after all retries. */
  default void failed(FetchRequest r, FetchException e) {}

  /** Called once after every request has either advanced or failed. */
  default void done() {}
}
