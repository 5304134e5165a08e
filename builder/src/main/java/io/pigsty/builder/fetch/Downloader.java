package io.pigsty.builder.fetch;

import io.pigsty.builder.files.RunLock;
import io.pigsty.repo.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 downloader with a content-addressed cache ({@code cacheDir/sha256/<first2>/<sha256>}),
 * SHA256 and size verification, retries of transient failures and a per-host connection limit.
 *
 * <p>Retry policy (at most {@code retries} extra attempts, exponential back-off from {@code
 * retryDelay}, a {@code Retry-After} header in seconds is honoured up to 60 s):
 *
 * <ul>
 *   <li>retried: connection and I/O errors, a body cut short before its Content-Length, a stall
 *       longer than {@code readTimeout}, HTTP 5xx, 429 and 408;
 *   <li>retried once: a complete body with the wrong size or SHA256 (a mirror in the middle of a
 *       sync, or a broken proxy, serves the right file a moment later; a second mismatch is final);
 *   <li>never retried: other HTTP statuses (404, 403, 410 ...), local file errors, interruption,
 *       and the limits below.
 * </ul>
 *
 * <p>Limits, each failing with {@link FetchException.Kind#LIMIT} (exit code {@value
 * FetchException#EXIT_CODE}) and a message naming the URL and the limit:
 *
 * <ul>
 *   <li>a body whose size no signed index gives ({@link #get}: InRelease, repomd.xml, its
 *       signature, repodata without a SHA256) is capped at {@code maxUnindexedBytes}, default
 *       {@value #DEFAULT_MAX_UNINDEXED_BYTES} bytes (64 MiB: Debian's largest InRelease is under 1
 *       MiB and a repodata file of no stated size is rare; the cap only stops an endless or hostile
 *       body before it exhausts the heap). A body of known size ({@link #fetch}) is cut as soon as
 *       it exceeds that size;
 *   <li>each attempt must complete within {@code requestTimeout}, default 15 minutes (a server that
 *       trickles a byte now and then never trips the idle {@code readTimeout}).
 * </ul>
 *
 * <p>An {@link Error} (for example {@link OutOfMemoryError}) in the HTTP client is rethrown, never
 * turned into a retried I/O failure.
 *
 * <p>Redirects are followed except from HTTPS to HTTP; the connection limit applies to the host of
 * the requested URL. Instances are thread-safe. From build to {@link #close} a downloader holds a
 * {@link RunLock} on the cache directory; building one removes the {@code .part} and {@code .tmp}
 * files of killed runs.
 */
public final class Downloader implements AutoCloseable {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final long MAX_BACKOFF_MILLIS = 30_000;
  private static final long MAX_RETRY_AFTER_MILLIS = 60_000;
  private static final long ERROR_BODY_LIMIT = 64 * 1024;
  private static final int MAX_THREADS = 64;

  /** Default cap in bytes on a body whose size no signed index gives: 64 MiB. */
  public static final long DEFAULT_MAX_UNINDEXED_BYTES = 64L * 1024 * 1024;

  private final Path cacheDir;
  private final int perHost;
  private final int retries;
  private final Duration readTimeout;
  private final Duration requestTimeout;
  private final long maxUnindexedBytes;
  private final Duration retryDelay;
  private final String userAgent;
  private final ExecutorService httpExecutor;
  private final HttpClient client;
  private final Map<String, Semaphore> hostPermits = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> shaLocks = new ConcurrentHashMap<>();
  private final LongAdder networkBytes = new LongAdder();
  private final LongAdder requestsSent = new LongAdder();
  private final RunLock runLock;

  private Downloader(Builder b) {
    this.cacheDir = b.cacheDir;
    this.runLock = claimCache(b.cacheDir);
    this.perHost = b.perHostConnections;
    this.retries = b.retries;
    this.readTimeout = b.readTimeout;
    this.requestTimeout = b.requestTimeout;
    this.maxUnindexedBytes = b.maxUnindexedBytes;
    this.retryDelay = b.retryDelay;
    this.userAgent = b.userAgent;
    this.httpExecutor = Executors.newCachedThreadPool(Threads.daemon("pigsty-http-"));
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(b.connectTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .executor(httpExecutor)
            .build();
  }

  /** Returns a builder; only {@link Builder#cacheDir} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link Downloader}. */
  public static final class Builder {
    private Path cacheDir;
    private int perHostConnections = 6;
    private int retries = 3;
    private Duration connectTimeout = Duration.ofSeconds(20);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Duration requestTimeout = Duration.ofMinutes(15);
    private long maxUnindexedBytes = DEFAULT_MAX_UNINDEXED_BYTES;
    private Duration retryDelay = Duration.ofMillis(500);
    private String userAgent = "pigsty-builder";

    private Builder() {}

    /** Root of the content-addressed cache; created on first use. Required, non-null. */
    public Builder cacheDir(Path dir) {
      this.cacheDir = Objects.requireNonNull(dir, "cacheDir");
      return this;
    }

    /**
     * Maximum concurrent connections to one host (scheme, host and port); at least 1, default 6.
     */
    public Builder perHostConnections(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("perHostConnections must be >= 1, got " + n);
      }
      this.perHostConnections = n;
      return this;
    }

    /** Extra attempts after the first for transient failures; at least 0, default 3. */
    public Builder retries(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("retries must be >= 0, got " + n);
      }
      this.retries = n;
      return this;
    }

    /** TCP connect timeout; positive, default 20 s. */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    /**
     * Longest wait for the response headers or between two chunks of body; positive, default 60 s.
     * A stall longer than this aborts the attempt (and counts as transient).
     */
    public Builder readTimeout(Duration d) {
      this.readTimeout = positive(d, "readTimeout");
      return this;
    }

    /**
     * Longest time one attempt may take, from sending the request to the end of the body; positive,
     * default 15 minutes. Exceeding it fails at once, without retry.
     */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = positive(d, "requestTimeout");
      return this;
    }

    /**
     * Cap in bytes on a body fetched by {@link Downloader#get} (no signed index gives its size);
     * positive, default {@value Downloader#DEFAULT_MAX_UNINDEXED_BYTES} (64 MiB). A longer body
     * fails at once, without retry.
     */
    public Builder maxUnindexedBytes(long n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxUnindexedBytes must be >= 1, got " + n);
      }
      this.maxUnindexedBytes = n;
      return this;
    }

    /** First back-off delay, doubled on each retry up to 30 s; zero or positive, default 500 ms. */
    public Builder retryDelay(Duration d) {
      Objects.requireNonNull(d, "retryDelay");
      if (d.isNegative()) {
        throw new IllegalArgumentException("retryDelay must not be negative, got " + d);
      }
      this.retryDelay = d;
      return this;
    }

    /** Value of the User-Agent header; non-null, default {@code pigsty-builder}. */
    public Builder userAgent(String ua) {
      this.userAgent = Objects.requireNonNull(ua, "userAgent");
      return this;
    }

    /**
     * Builds the downloader.
     *
     * @throws NullPointerException if no cache directory was set
     */
    public Downloader build() {
      Objects.requireNonNull(cacheDir, "cacheDir is required");
      return new Downloader(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }

  /**
   * Path of a file in the cache, whether or not it is present: {@code cacheDir/sha256/<first two
   * hex digits>/<sha256>}.
   *
   * @param sha256 64 hex digits (either case)
   * @throws IllegalArgumentException if {@code sha256} is not 64 hex digits
   */
  public Path cachePath(String sha256) {
    String h = checkSha256(sha256);
    return cacheDir.resolve("sha256").resolve(h.substring(0, 2)).resolve(h);
  }

  /**
   * Downloads a small, changing file (InRelease, Release) without the cache. Transient failures are
   * retried (see the class comment); a 404 or other 4xx fails at once.
   *
   * @param uri http or https URL, non-null
   * @return the body of a 200 response, at most {@code maxUnindexedBytes} long
   * @throws FetchException naming {@code uri} and the HTTP status or I/O error, or the limit
   *     ({@link FetchException.Kind#LIMIT}) when the body is longer than {@code maxUnindexedBytes}
   *     or the attempt outlasts {@code requestTimeout}
   */
  public byte[] get(URI uri) throws FetchException {
    Objects.requireNonNull(uri, "uri");
    return withRetries(uri, () -> getOnce(uri));
  }

  /**
   * Returns the cached file with this SHA256, downloading it first when absent. A present file of
   * the right size whose SHA256, computed again now, matches is returned with no network request;
   * one that does not match (edited in place) is removed and downloaded again. Otherwise the body
   * is streamed to a temporary file next to its final place while being hashed, its size and SHA256
   * are checked, and it is renamed into place; on any failure the temporary file is deleted.
   *
   * @param uri http or https URL, non-null
   * @param size expected size in bytes
   * @param sha256 expected SHA256, 64 hex digits (either case)
   * @return the verified file in the cache
   * @throws FetchException naming {@code uri} and the HTTP status, the size or SHA256 mismatch
   *     ("expected N bytes, got M") or the I/O error, after the retries of the class comment
   * @throws IllegalArgumentException if {@code sha256} is not 64 hex digits or {@code size} is
   *     negative
   */
  public Path fetch(URI uri, long size, String sha256) throws FetchException {
    return fetchOne(new FetchRequest(uri, size, sha256, null), null).path;
  }

  /**
   * Fetches every request in parallel, at most {@code perHostConnections} at a time per host, and
   * collects every failure instead of stopping at the first. Requests with the same SHA256 are
   * downloaded once. If the calling thread is interrupted, unfinished requests are reported as
   * failures and the interrupt flag is set again.
   *
   * @param requests files to fetch, non-null
   * @param listener progress events, or null for none
   * @return what was fetched, what failed, and the counters of the run
   */
  public FetchReport fetchAll(List<FetchRequest> requests, ProgressListener listener) {
    ProgressListener l = listener == null ? ProgressListener.NONE : listener;
    long startNanos = System.nanoTime();
    int n = requests.size();
    long totalBytes = 0;
    Set<String> hosts = new HashSet<>();
    for (FetchRequest r : requests) {
      totalBytes += r.size();
      hosts.add(hostKey(r.uri()));
    }
    l.start(n, totalBytes);

    Outcome[] outcomes = new Outcome[n];
    FetchException[] errors = new FetchException[n];
    LongAdder runBytes = new LongAdder();
    if (n > 0) {
      int threads = Math.max(1, Math.min(n, Math.min(MAX_THREADS, perHost * hosts.size())));
      ExecutorService pool = Executors.newFixedThreadPool(threads, Threads.daemon("pigsty-fetch-"));
      List<Future<?>> futures = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int idx = i;
        FetchRequest r = requests.get(i);
        futures.add(
            pool.submit(
                () -> {
                  try {
                    Outcome o = fetchOne(r, runBytes);
                    outcomes[idx] = o;
                    l.advanced(r, r.size(), o.fromCache);
                  } catch (FetchException e) {
                    errors[idx] = e;
                    l.failed(r, e);
                  } catch (RuntimeException e) {
                    FetchException fe = FetchException.io(r.uri(), "unexpected " + e, e);
                    errors[idx] = fe;
                    l.failed(r, fe);
                  }
                }));
      }
      pool.shutdown();
      boolean interrupted = false;
      for (Future<?> f : futures) {
        try {
          if (!interrupted) {
            f.get();
          }
        } catch (InterruptedException e) {
          interrupted = true;
          pool.shutdownNow();
        } catch (ExecutionException | CancellationException e) {
          // the task itself records every outcome; nothing escapes it but Errors
          if (e.getCause() instanceof Error err) {
            throw err;
          }
        }
      }
      if (interrupted) {
        try {
          pool.awaitTermination(readTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ignored) {
          // already interrupted; report what we have
        }
        for (int i = 0; i < n; i++) {
          if (outcomes[i] == null && errors[i] == null) {
            errors[i] = FetchException.local(requests.get(i).uri(), "interrupted", null);
          }
        }
        Thread.currentThread().interrupt();
      }
    }

    Map<FetchRequest, Path> fetched = new LinkedHashMap<>();
    List<FetchReport.Failure> failures = new ArrayList<>();
    long fromCacheBytes = 0;
    int hits = 0;
    int downloads = 0;
    for (int i = 0; i < n; i++) {
      FetchRequest r = requests.get(i);
      if (outcomes[i] != null) {
        fetched.put(r, outcomes[i].path);
        if (outcomes[i].fromCache) {
          hits++;
          fromCacheBytes += r.size();
        } else {
          downloads++;
        }
      } else if (errors[i] != null) {
        failures.add(new FetchReport.Failure(r, errors[i]));
      }
    }
    l.done();
    return new FetchReport(
        fetched,
        failures,
        runBytes.sum(),
        fromCacheBytes,
        hits,
        downloads,
        Duration.ofNanos(System.nanoTime() - startNanos));
  }

  /** Bytes received from the network over this downloader's life, including failed attempts. */
  public long bytesDownloaded() {
    return networkBytes.sum();
  }

  /** HTTP requests sent over this downloader's life (each attempt and retry counts). */
  public long requestsSent() {
    return requestsSent.sum();
  }

  /**
   * Stops the HTTP client's threads (in-flight requests fail) and releases the cache's run lock.
   */
  @Override
  public void close() {
    httpExecutor.shutdownNow();
    if (runLock != null) {
      try {
        runLock.close();
      } catch (IOException ignored) {
        // the lock file of a dead run is removed by the next run
      }
    }
  }

  /**
   * Whether a file in the cache is what an interrupted run leaves: a download's {@code .part} or a
   * {@code .NAME-*.tmp} of a temp-file-and-rename write ({@code ContentCache.put}, index snapshots,
   * rpm metadata).
   *
   * @param name a file name
   * @return true for such a name
   */
  public static boolean isCacheLeftover(String name) {
    return name.endsWith(".part") || (name.startsWith(".") && name.endsWith(".tmp"));
  }

  /**
   * Takes a run lock on the cache and removes the {@code .part} and {@code .tmp} files that runs
   * killed before this one left (down to {@code rpm-md/<sha>/repodata/}). Best effort: a cache that
   * cannot be locked is used unlocked, and its leftovers stay until a later run.
   */
  private static RunLock claimCache(Path cacheDir) {
    RunLock lock = null;
    try {
      lock = RunLock.acquire(cacheDir);
      lock.removeLeftovers(
          cacheDir, 4, (p, dir) -> !dir && isCacheLeftover(p.getFileName().toString()));
    } catch (IOException | RuntimeException e) {
      // a cache we cannot write fails the first download, naming the file
    }
    return lock;
  }

  // ---------------------------------------------------------------------------------------------

  private record Outcome(Path path, boolean fromCache) {}

  @FunctionalInterface
  private interface Attempt<T> {
    T run() throws FetchException;
  }

  private Outcome fetchOne(FetchRequest r, LongAdder runBytes) throws FetchException {
    Path target = cachePath(r.sha256());
    Outcome hit = cached(r, target);
    if (hit != null) {
      return hit;
    }
    ReentrantLock lock = shaLocks.computeIfAbsent(r.sha256(), k -> new ReentrantLock());
    try {
      lock.lockInterruptibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FetchException.local(r.uri(), "interrupted", e);
    }
    try {
      hit = cached(r, target);
      if (hit != null) {
        return hit;
      }
      Path p = withRetries(r.uri(), () -> downloadOnce(r, target, runBytes));
      return new Outcome(p, false);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The cached file when present with the right size and SHA256, which is computed again on every
   * use (a cache entry edited in place, through a hard link or by hand, is never trusted); a file
   * with a wrong size or SHA256 is removed, so it is downloaded again.
   */
  private static Outcome cached(FetchRequest r, Path target) throws FetchException {
    try {
      if (Files.isRegularFile(target)) {
        if (Files.size(target) == r.size() && sha256Hex(target).equals(r.sha256())) {
          return new Outcome(target, true);
        }
        Files.deleteIfExists(target);
      }
      return null;
    } catch (IOException e) {
      throw FetchException.local(r.uri(), "cache file " + target + ": " + e, e);
    }
  }

  /** SHA256 of a file, lower-case hex, read in 64 KiB blocks. */
  private static String sha256Hex(Path file) throws IOException {
    MessageDigest md = sha256Digest();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      while (ch.read(buf) >= 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private <T> T withRetries(URI uri, Attempt<T> attempt) throws FetchException {
    int attempts = 0;
    int mismatches = 0;
    while (true) {
      attempts++;
      try {
        return attempt.run();
      } catch (FetchException e) {
        boolean retry;
        switch (e.kind()) {
          case IO -> retry = !e.permanent;
          case HTTP_STATUS -> {
            int s = e.status().orElse(0);
            retry = s >= 500 || s == 429 || s == 408;
          }
          case SIZE_MISMATCH, CHECKSUM_MISMATCH -> retry = ++mismatches <= 1;
          case LIMIT -> retry = false;
          default -> retry = false;
        }
        if (!retry || attempts > retries || Thread.currentThread().isInterrupted()) {
          throw e.afterAttempts(attempts);
        }
        long delay = backoffMillis(attempts);
        if (e.retryAfterMillis > 0) {
          delay = Math.max(delay, Math.min(e.retryAfterMillis, MAX_RETRY_AFTER_MILLIS));
        }
        try {
          Thread.sleep(delay);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e.afterAttempts(attempts);
        }
      }
    }
  }

  private long backoffMillis(int attempt) {
    long base = retryDelay.toMillis();
    int shift = Math.min(attempt - 1, 20);
    return Math.min(base << shift, MAX_BACKOFF_MILLIS);
  }

  private byte[] getOnce(URI uri) throws FetchException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamingSubscriber.Activity activity = new StreamingSubscriber.Activity();
    HttpResponse<Long> resp =
        exchange(
            uri,
            info -> {
              if (info.statusCode() != 200) {
                return discard(activity, null);
              }
              long cl = info.headers().firstValueAsLong("content-length").orElse(-1);
              // a Content-Length over the cap stops at the first chunk
              long limit = cl > maxUnindexedBytes ? 0 : maxUnindexedBytes;
              return new StreamingSubscriber(
                  buf -> {
                    byte[] chunk = new byte[buf.remaining()];
                    buf.get(chunk);
                    out.write(chunk, 0, chunk.length);
                  },
                  limit,
                  activity,
                  networkBytes::add);
            },
            activity);
    if (resp.statusCode() != 200) {
      throw statusError(uri, resp);
    }
    long cl = resp.headers().firstValueAsLong("content-length").orElse(-1);
    if (cl > maxUnindexedBytes || resp.body() > maxUnindexedBytes) {
      throw FetchException.limit(
          uri,
          "body is larger than the "
              + maxUnindexedBytes
              + "-byte cap on a file whose size no signed index gives"
              + (cl > maxUnindexedBytes ? " (Content-Length " + cl + ")" : ""));
    }
    return out.toByteArray();
  }

  private Path downloadOnce(FetchRequest r, Path target, LongAdder runBytes) throws FetchException {
    URI uri = r.uri();
    Path tmp;
    try {
      Files.createDirectories(target.getParent());
      tmp = Files.createTempFile(target.getParent(), r.sha256().substring(0, 16) + ".", ".part");
    } catch (IOException e) {
      throw FetchException.local(
          uri, "cannot create a file in " + target.getParent() + ": " + e, e);
    }
    boolean moved = false;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      MessageDigest md = sha256Digest();
      StreamingSubscriber.Activity activity = new StreamingSubscriber.Activity();
      AtomicLong contentLength = new AtomicLong(-1);
      HttpResponse<Long> resp =
          exchange(
              uri,
              info -> {
                if (info.statusCode() != 200) {
                  return discard(activity, runBytes);
                }
                long cl = info.headers().firstValueAsLong("content-length").orElse(-1);
                contentLength.set(cl);
                long limit = cl >= 0 && cl != r.size() ? -1 : r.size();
                return new StreamingSubscriber(
                    buf -> {
                      md.update(buf.duplicate());
                      while (buf.hasRemaining()) {
                        ch.write(buf);
                      }
                    },
                    limit,
                    activity,
                    k -> {
                      networkBytes.add(k);
                      if (runBytes != null) {
                        runBytes.add(k);
                      }
                    });
              },
              activity);
      if (resp.statusCode() != 200) {
        throw statusError(uri, resp);
      }
      long got = resp.body();
      long cl = contentLength.get();
      if (cl >= 0 && cl != r.size()) {
        throw FetchException.sizeMismatch(uri, r.size(), cl);
      }
      if (got != r.size()) {
        if (got > r.size()) {
          throw new FetchException(
              uri,
              FetchException.Kind.SIZE_MISMATCH,
              -1,
              "expected " + r.size() + " bytes, got more",
              null);
        }
        throw FetchException.sizeMismatch(uri, r.size(), got);
      }
      String actual = HexFormat.of().formatHex(md.digest());
      if (!actual.equals(r.sha256())) {
        throw FetchException.checksumMismatch(uri, r.sha256(), actual);
      }
      ch.close();
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      return target;
    } catch (IOException e) {
      throw FetchException.local(uri, "writing " + tmp + ": " + e, e);
    } finally {
      if (!moved) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort; a stray .part file is never mistaken for a cached file
        }
      }
    }
  }

  /** Reads up to 64 KiB of an error body (so the connection can be reused), then gives up. */
  private StreamingSubscriber discard(StreamingSubscriber.Activity activity, LongAdder runBytes) {
    return new StreamingSubscriber(
        buf -> buf.position(buf.limit()),
        ERROR_BODY_LIMIT,
        activity,
        k -> {
          networkBytes.add(k);
          if (runBytes != null) {
            runBytes.add(k);
          }
        });
  }

  private static FetchException statusError(URI uri, HttpResponse<?> resp) {
    FetchException e = FetchException.httpStatus(uri, resp.statusCode());
    resp.headers()
        .firstValue("retry-after")
        .ifPresent(
            v -> {
              try {
                e.retryAfterMillis = Math.max(0, Long.parseLong(v.trim())) * 1000;
              } catch (NumberFormatException ignored) {
                // an HTTP date: fall back to our own back-off
              }
            });
    return e;
  }

  /**
   * Sends one GET within the host's connection limit and waits for the whole body, aborting when no
   * data arrives for {@code readTimeout} or the whole exchange outlasts {@code requestTimeout}.
   */
  private <T> HttpResponse<T> exchange(
      URI uri, HttpResponse.BodyHandler<T> handler, StreamingSubscriber.Activity activity)
      throws FetchException {
    HttpRequest req;
    try {
      req = HttpRequest.newBuilder(uri).GET().header("User-Agent", userAgent).build();
    } catch (IllegalArgumentException e) {
      throw FetchException.local(uri, "unsupported URL: " + e.getMessage(), e);
    }
    Semaphore permits =
        hostPermits.computeIfAbsent(hostKey(uri), k -> new Semaphore(perHost, true));
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FetchException.local(uri, "interrupted", e);
    }
    try {
      requestsSent.increment();
      activity.touch();
      long startNanos = System.nanoTime();
      CompletableFuture<HttpResponse<T>> f = client.sendAsync(req, handler);
      long timeoutNanos = readTimeout.toNanos();
      long deadlineNanos = requestTimeout.toNanos();
      long pollMillis =
          Math.max(
              10, Math.min(1000, Math.min(readTimeout.toMillis(), requestTimeout.toMillis()) / 4));
      while (true) {
        try {
          return f.get(pollMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (activity.idleNanos() > timeoutNanos) {
            activity.cancel();
            f.cancel(true);
            throw FetchException.io(
                uri, "no data for " + millis(readTimeout) + " (the read timeout)", null);
          }
          if (System.nanoTime() - startNanos > deadlineNanos) {
            activity.cancel();
            f.cancel(true);
            throw FetchException.limit(
                uri,
                "not complete after "
                    + millis(requestTimeout)
                    + " (the per-request deadline); the server is too slow");
          }
        } catch (InterruptedException e) {
          activity.cancel();
          f.cancel(true);
          Thread.currentThread().interrupt();
          throw FetchException.local(uri, "interrupted", e);
        } catch (ExecutionException e) {
          throw translate(uri, e.getCause());
        }
      }
    } finally {
      permits.release();
    }
  }

  /** "300 ms" below 10 s, "60 s" from there. */
  private static String millis(Duration d) {
    return d.toMillis() < 10_000 ? d.toMillis() + " ms" : d.toSeconds() + " s";
  }

  /**
   * The download error for what the HTTP client failed with.
   *
   * @throws Error when that is an {@link Error} (an {@link OutOfMemoryError} above all): rethrown,
   *     never turned into a retried I/O failure
   */
  static FetchException translate(URI uri, Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t instanceof StreamingSubscriber.SinkException) {
      return FetchException.local(uri, "writing the download: " + t.getMessage(), t);
    }
    if (t instanceof HttpConnectTimeoutException) {
      return FetchException.io(uri, "connect timed out", t);
    }
    if (t instanceof ConnectException) {
      return FetchException.io(uri, "cannot connect: " + t, t);
    }
    return FetchException.io(uri, String.valueOf(t), t);
  }

  /** Scheme, host and port: the unit of the connection limit. */
  private static String hostKey(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port < 0) {
      port = "https".equals(scheme) ? 443 : 80;
    }
    return scheme + "://" + host + ":" + port;
  }

  static String checkSha256(String sha256) {
    Objects.requireNonNull(sha256, "sha256");
    String h = sha256.toLowerCase(Locale.ROOT);
    if (!SHA256.matcher(h).matches()) {
      throw new IllegalArgumentException("not a SHA256 (64 hex digits): '" + sha256 + "'");
    }
    return h;
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
