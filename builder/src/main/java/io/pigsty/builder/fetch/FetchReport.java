package io.pigsty.builder.fetch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Result of {@link Downloader#fetchAll}: every file fetched and every failure, in request order
 * (partial failure is a normal outcome, as with Maven Resolver's {@code ArtifactResult}).
 */
public final class FetchReport {
  /** One request that failed after all retries, with the reason. */
  public record Failure(FetchRequest request, FetchException error) {
    /** Both components are non-null. */
    public Failure {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(error, "error");
    }
  }

  private final Map<FetchRequest, Path> fetched;
  private final List<Failure> failures;
  private final long bytesDownloaded;
  private final long bytesFromCache;
  private final int cacheHits;
  private final int downloads;
  private final Duration wallTime;

  FetchReport(
      Map<FetchRequest, Path> fetched,
      List<Failure> failures,
      long bytesDownloaded,
      long bytesFromCache,
      int cacheHits,
      int downloads,
      Duration wallTime) {
    this.fetched = Collections.unmodifiableMap(new LinkedHashMap<>(fetched));
    this.failures = List.copyOf(failures);
    this.bytesDownloaded = bytesDownloaded;
    this.bytesFromCache = bytesFromCache;
    this.cacheHits = cacheHits;
    this.downloads = downloads;
    this.wallTime = wallTime;
  }

  /** Each successful request mapped to its verified file in the cache, in request order. */
  public Map<FetchRequest, Path> fetched() {
    return fetched;
  }

  /** Each failed request with its exception, in request order; empty when {@link #ok()}. */
  public List<Failure> failures() {
    return failures;
  }

  /**
   * Bytes received from the network during this run, including bodies of failed and retried
   * attempts.
   */
  public long bytesDownloaded() {
    return bytesDownloaded;
  }

  /** Sum of the sizes, in bytes, of the files served from the cache without a request. */
  public long bytesFromCache() {
    return bytesFromCache;
  }

  /** Number of requests served from the cache without a network request. */
  public int cacheHits() {
    return cacheHits;
  }

  /** Number of requests that were downloaded and verified. */
  public int downloads() {
    return downloads;
  }

  /** Wall-clock time of the whole run. */
  public Duration wallTime() {
    return wallTime;
  }

  /** True when no request failed. */
  public boolean ok() {
    return failures.isEmpty();
  }

  @Override
  public String toString() {
    return "FetchReport[fetched="
        + fetched.size()
        + ", failures="
        + failures.size()
        + ", downloads="
        + downloads
        + ", cacheHits="
        + cacheHits
        + ", bytesDownloaded="
        + bytesDownloaded
        + ", bytesFromCache="
        + bytesFromCache
        + ", wallTime="
        + wallTime
        + "]";
  }
}
