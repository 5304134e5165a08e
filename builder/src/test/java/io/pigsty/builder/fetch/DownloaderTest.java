package io.pigsty.builder.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pigsty.builder.files.RunLock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {
  @TempDir Path cache;
  private TestServer server;
  private Downloader downloader;

  @BeforeEach
  void setUp() throws IOException {
    server = new TestServer();
    downloader = downloader(3, 6);
  }

  @AfterEach
  void tearDown() {
    downloader.close();
    server.close();
  }

  private Downloader downloader(int retries, int perHost) {
    return Downloader.builder()
        .cacheDir(cache)
        .retries(retries)
        .perHostConnections(perHost)
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10))
        .retryDelay(Duration.ofMillis(5))
        .build();
  }

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private List<Path> filesInCache() throws IOException {
    try (Stream<Path> s = Files.walk(cache)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !cache.relativize(p).startsWith(RunLock.LOCK_DIR)) // the run's own lock
          .collect(Collectors.toList());
    }
  }

  @Test
  void fetch_goodFileIsCachedAndSecondFetchMakesNoRequest() throws Exception {
    byte[] body = bytes(300_000, 1);
    String sha = sha256(body);
    server.serve("/pool/a.deb", body);
    URI uri = server.uri("/pool/a.deb");

    Path p = downloader.fetch(uri, body.length, sha);

    assertThat(p).isEqualTo(cache.resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha));
    assertThat(Files.readAllBytes(p)).isEqualTo(body);
    assertThat(server.count("/pool/a.deb")).isEqualTo(1);
    assertThat(downloader.bytesDownloaded()).isEqualTo(body.length);

    assertThat(downloader.fetch(uri, body.length, sha.toUpperCase())).isEqualTo(p);
    try (Downloader fresh = downloader(3, 6)) {
      assertThat(fresh.fetch(uri, body.length, sha)).isEqualTo(p);
      assertThat(fresh.requestsSent()).isZero();
    }
    assertThat(server.count("/pool/a.deb")).isEqualTo(1);
    assertThat(filesInCache()).containsExactly(p);
  }

  @Test
  void fetch_checksumMismatchFailsNamingUrlAndLeavesNothingInCache() throws Exception {
    byte[] served = bytes(50_000, 2);
    byte[] expected = bytes(50_000, 3);
    String expectedSha = sha256(expected);
    server.serve("/pool/b.deb", served);
    URI uri = server.uri("/pool/b.deb");

    FetchException e =
        catchThrowableOfType(
            FetchException.class, () -> downloader.fetch(uri, expected.length, expectedSha));

    assertThat(e.kind()).isEqualTo(FetchException.Kind.CHECKSUM_MISMATCH);
    assertThat(e.uri()).isEqualTo(uri);
    assertThat(e.getMessage())
        .contains(uri.toString())
        .contains("SHA256 mismatch: expected " + expectedSha + ", got " + sha256(served));
    // a mismatch from a complete body is retried once (mirror mid-sync), not more
    assertThat(server.count("/pool/b.deb")).isEqualTo(2);
    assertThat(filesInCache()).isEmpty();
  }

  @Test
  void fetch_completeBodyOfWrongSizeFailsWithBothSizes() throws Exception {
    byte[] served = bytes(1000, 4);
    server.serve("/pool/c.deb", served);
    URI uri = server.uri("/pool/c.deb");

    assertThatThrownBy(() -> downloader.fetch(uri, 1500, sha256(bytes(1500, 5))))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining(uri.toString())
        .hasMessageContaining("expected 1500 bytes, got 1000");
    assertThat(filesInCache()).isEmpty();
  }

  @Test
  void fetch_truncatedBodyIsRetriedThenFails() throws Exception {
    byte[] body = bytes(40_000, 6);
    AtomicInteger handlerErrors = new AtomicInteger();
    server.on(
        "/pool/t.deb",
        (ex, n) -> {
          ex.sendResponseHeaders(200, body.length);
          OutputStream out = ex.getResponseBody();
          out.write(body, 0, body.length / 2);
          out.flush();
          try {
            out.close(); // fewer bytes than Content-Length: the server drops the connection
          } catch (IOException expected) {
            handlerErrors.incrementAndGet();
            throw expected;
          }
        });
    URI uri = server.uri("/pool/t.deb");
    Downloader d = downloader(2, 6);
    try {
      FetchException e =
          catchThrowableOfType(FetchException.class, () -> d.fetch(uri, body.length, sha256(body)));
      assertThat(e.kind()).isEqualTo(FetchException.Kind.IO);
      assertThat(e.getMessage()).contains(uri.toString()).contains("after 3 attempts");
    } finally {
      d.close();
    }
    assertThat(server.count("/pool/t.deb")).isEqualTo(3);
    assertThat(handlerErrors.get()).isEqualTo(3);
    assertThat(filesInCache()).isEmpty();
  }

  @Test
  void fetch_retriesAfter503() throws Exception {
    byte[] body = bytes(10_000, 7);
    server.on(
        "/pool/r.deb",
        (ex, n) -> {
          if (n == 1) {
            TestServer.send(ex, 503, "busy".getBytes(StandardCharsets.US_ASCII));
          } else {
            TestServer.send(ex, 200, body);
          }
        });

    Path p = downloader.fetch(server.uri("/pool/r.deb"), body.length, sha256(body));

    assertThat(Files.readAllBytes(p)).isEqualTo(body);
    assertThat(server.count("/pool/r.deb")).isEqualTo(2);
  }

  @Test
  void fetch_404FailsWithoutRetry() throws Exception {
    URI uri = server.uri("/pool/missing.deb");

    FetchException e =
        catchThrowableOfType(
            FetchException.class, () -> downloader.fetch(uri, 10, sha256(new byte[10])));

    assertThat(e.kind()).isEqualTo(FetchException.Kind.HTTP_STATUS);
    assertThat(e.status()).hasValue(404);
    assertThat(e.getMessage()).isEqualTo(uri + ": HTTP 404");
    assertThat(server.count("/pool/missing.deb")).isEqualTo(1);
    assertThat(filesInCache()).isEmpty();
  }

  @Test
  void fetch_persistent500FailsAfterAllRetries() throws Exception {
    server.on("/pool/e.deb", (ex, n) -> TestServer.send(ex, 500, new byte[0]));
    URI uri = server.uri("/pool/e.deb");

    assertThatThrownBy(() -> downloader.fetch(uri, 10, sha256(new byte[10])))
        .isInstanceOf(FetchException.class)
        .hasMessage(uri + ": HTTP 500 (after 4 attempts)");
    assertThat(server.count("/pool/e.deb")).isEqualTo(4);
  }

  @Test
  void fetch_stalledBodyTimesOut() throws Exception {
    byte[] body = bytes(20_000, 8);
    server.on(
        "/pool/slow.deb",
        (ex, n) -> {
          ex.sendResponseHeaders(200, body.length);
          OutputStream out = ex.getResponseBody();
          out.write(body, 0, 1000);
          out.flush();
          try {
            Thread.sleep(5_000);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
          throw new IOException("test server gives up");
        });
    URI uri = server.uri("/pool/slow.deb");
    try (Downloader d =
        Downloader.builder()
            .cacheDir(cache)
            .retries(0)
            .readTimeout(Duration.ofMillis(300))
            .build()) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> d.fetch(uri, body.length, sha256(body)))
          .isInstanceOf(FetchException.class)
          .hasMessageContaining(uri.toString())
          .hasMessageContaining("no data for");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
    assertThat(filesInCache()).isEmpty();
  }

  @Test
  void fetch_cachedFileOfWrongSizeIsDownloadedAgain() throws Exception {
    byte[] body = bytes(5_000, 9);
    String sha = sha256(body);
    server.serve("/pool/w.deb", body);
    Path target = downloader.cachePath(sha);
    Files.createDirectories(target.getParent());
    Files.write(target, new byte[] {1, 2, 3});

    Path p = downloader.fetch(server.uri("/pool/w.deb"), body.length, sha);

    assertThat(p).isEqualTo(target);
    assertThat(Files.readAllBytes(p)).isEqualTo(body);
    assertThat(server.count("/pool/w.deb")).isEqualTo(1);
  }

  @Test
  void fetch_cachedFileOfRightSizeEditedInPlaceIsDownloadedAgain() throws Exception {
    byte[] body = bytes(5_000, 10);
    String sha = sha256(body);
    server.serve("/pool/e.deb", body);
    URI uri = server.uri("/pool/e.deb");
    Path target = downloader.fetch(uri, body.length, sha);
    byte[] edited = body.clone();
    edited[100] ^= 1;
    Files.write(target, edited); // same inode, same size: what an edit through a hard link does

    Path p = downloader.fetch(uri, body.length, sha);

    assertThat(p).isEqualTo(target);
    assertThat(Files.readAllBytes(p)).isEqualTo(body);
    assertThat(server.count("/pool/e.deb")).isEqualTo(2);
  }

  @Test
  void get_returnsBodyEveryTimeWithoutCaching() throws Exception {
    byte[] body = "Origin: Example\nSuite: bookworm\n".getBytes(StandardCharsets.US_ASCII);
    server.serve("/dists/bookworm/InRelease", body);
    URI uri = server.uri("/dists/bookworm/InRelease");

    assertThat(downloader.get(uri)).isEqualTo(body);
    assertThat(downloader.get(uri)).isEqualTo(body);

    assertThat(server.count("/dists/bookworm/InRelease")).isEqualTo(2);
    assertThat(filesInCache()).isEmpty();
  }

  @Test
  void get_404FailsWithoutRetryAnd503IsRetried() throws Exception {
    URI missing = server.uri("/dists/nope/InRelease");
    assertThatThrownBy(() -> downloader.get(missing))
        .isInstanceOf(FetchException.class)
        .hasMessage(missing + ": HTTP 404");
    assertThat(server.count("/dists/nope/InRelease")).isEqualTo(1);

    server.on(
        "/dists/busy/InRelease",
        (ex, n) -> TestServer.send(ex, n < 3 ? 503 : 200, "ok".getBytes(StandardCharsets.UTF_8)));
    assertThat(new String(downloader.get(server.uri("/dists/busy/InRelease")), "UTF-8"))
        .isEqualTo("ok");
    assertThat(server.count("/dists/busy/InRelease")).isEqualTo(3);
  }

  /** Sends chunked 64 KiB blocks until {@code bound} bytes went out or the client hung up. */
  private static TestServer.Responder flood(long bound, AtomicLong sent) {
    return (ex, n) -> {
      ex.sendResponseHeaders(200, 0); // chunked: no Content-Length
      byte[] block = new byte[64 * 1024];
      try (OutputStream out = ex.getResponseBody()) {
        while (sent.get() < bound) {
          out.write(block);
          sent.addAndGet(block.length);
        }
      } catch (IOException clientGone) {
        // expected once the downloader stops reading
      }
    };
  }

  @Test
  void get_endlessBodyStopsAtTheCapWithoutRetry() throws Exception {
    AtomicLong sent = new AtomicLong();
    server.on("/dists/endless/InRelease", flood(64L << 20, sent));
    URI uri = server.uri("/dists/endless/InRelease");
    try (Downloader d =
        Downloader.builder()
            .cacheDir(cache)
            .retries(3)
            .retryDelay(Duration.ofMillis(5))
            .maxUnindexedBytes(1 << 20)
            .build()) {
      FetchException e = catchThrowableOfType(FetchException.class, () -> d.get(uri));
      assertThat(e.kind()).isEqualTo(FetchException.Kind.LIMIT);
      assertThat(e.exitCode()).isEqualTo(FetchException.EXIT_CODE);
      assertThat(e.getMessage())
          .startsWith(uri + ": ")
          .contains("1048576-byte cap")
          .doesNotContain("attempts");
      assertThat(d.bytesDownloaded()).isLessThan(4L << 20);
    }
    assertThat(server.count("/dists/endless/InRelease")).isEqualTo(1);
  }

  @Test
  void get_contentLengthOverTheCapFailsBeforeReadingTheBody() throws Exception {
    server.serve("/dists/big/InRelease", bytes(300_000, 12));
    URI uri = server.uri("/dists/big/InRelease");
    try (Downloader d = Downloader.builder().cacheDir(cache).maxUnindexedBytes(100_000).build()) {
      assertThatThrownBy(() -> d.get(uri))
          .isInstanceOf(FetchException.class)
          .hasMessageContaining(uri.toString())
          .hasMessageContaining("100000-byte cap")
          .hasMessageContaining("Content-Length 300000");
    }
    assertThat(server.count("/dists/big/InRelease")).isEqualTo(1);
  }

  @Test
  void get_bodyOfExactlyTheCapIsAccepted() throws Exception {
    byte[] body = bytes(100_000, 13);
    server.serve("/dists/full/InRelease", body);
    try (Downloader d = Downloader.builder().cacheDir(cache).maxUnindexedBytes(100_000).build()) {
      assertThat(d.get(server.uri("/dists/full/InRelease"))).isEqualTo(body);
    }
  }

  @Test
  void fetch_endlessBodyStopsJustPastTheIndexedSize() throws Exception {
    AtomicLong sent = new AtomicLong();
    server.on("/pool/endless.deb", flood(64L << 20, sent));
    URI uri = server.uri("/pool/endless.deb");
    byte[] expected = bytes(1000, 14);
    try (Downloader d =
        Downloader.builder().cacheDir(cache).retries(0).maxUnindexedBytes(1 << 20).build()) {
      assertThatThrownBy(() -> d.fetch(uri, expected.length, sha256(expected)))
          .isInstanceOf(FetchException.class)
          .hasMessageContaining(uri.toString())
          .hasMessageContaining("expected 1000 bytes, got more");
      assertThat(d.bytesDownloaded()).isLessThan(1L << 20);
    }
    assertThat(filesInCache()).isEmpty();
  }

  @Test
  void get_stalledAfterOneByteTimesOutNamingTheReadTimeout() throws Exception {
    server.on(
        "/dists/stall/InRelease",
        (ex, n) -> {
          ex.sendResponseHeaders(200, 0);
          OutputStream out = ex.getResponseBody();
          out.write('O');
          out.flush();
          try {
            Thread.sleep(5_000);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
          out.close();
        });
    URI uri = server.uri("/dists/stall/InRelease");
    try (Downloader d =
        Downloader.builder()
            .cacheDir(cache)
            .retries(0)
            .readTimeout(Duration.ofMillis(300))
            .build()) {
      long start = System.nanoTime();
      FetchException e = catchThrowableOfType(FetchException.class, () -> d.get(uri));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(e.exitCode()).isEqualTo(FetchException.EXIT_CODE);
      assertThat(e.getMessage()).contains(uri.toString()).contains("no data for 300 ms");
    }
  }

  @Test
  void get_tricklingServerHitsThePerRequestDeadlineWithoutRetry() throws Exception {
    server.on(
        "/dists/trickle/InRelease",
        (ex, n) -> {
          ex.sendResponseHeaders(200, 0);
          try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < 50; i++) { // at most 5 s
              out.write('x');
              out.flush();
              Thread.sleep(100);
            }
          } catch (IOException | InterruptedException clientGoneOrClosed) {
            // the downloader gave up
          }
        });
    URI uri = server.uri("/dists/trickle/InRelease");
    try (Downloader d =
        Downloader.builder()
            .cacheDir(cache)
            .retries(3)
            .retryDelay(Duration.ofMillis(5))
            .readTimeout(Duration.ofSeconds(2))
            .requestTimeout(Duration.ofMillis(600))
            .build()) {
      long start = System.nanoTime();
      FetchException e = catchThrowableOfType(FetchException.class, () -> d.get(uri));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(e.kind()).isEqualTo(FetchException.Kind.LIMIT);
      assertThat(e.exitCode()).isEqualTo(FetchException.EXIT_CODE);
      assertThat(e.getMessage())
          .contains(uri.toString())
          .contains("not complete after 600 ms (the per-request deadline)");
      assertThat(d.requestsSent()).isEqualTo(1);
    }
  }

  @Test
  void translate_rethrowsOutOfMemoryErrorInsteadOfARetriedIoFailure() {
    URI uri = URI.create("http://127.0.0.1/dists/x/InRelease");
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    assertThatThrownBy(
            () -> Downloader.translate(uri, new ExecutionException(new CompletionException(oom))))
        .isSameAs(oom);
    assertThat(Downloader.translate(uri, new IOException("reset")).kind())
        .isEqualTo(FetchException.Kind.IO);
  }

  @Test
  void fetchAll_boundsConnectionsPerHost() throws Exception {
    List<FetchRequest> requests = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] body = bytes(2_000 + i, 100 + i);
      server.serve("/pool/f" + i + ".deb", body);
      requests.add(
          new FetchRequest(server.uri("/pool/f" + i + ".deb"), body.length, sha256(body), "f" + i));
    }
    server.delay(40);
    downloader.close();
    downloader = downloader(3, 3);

    FetchReport report = downloader.fetchAll(requests, null);

    assertThat(report.ok()).isTrue();
    assertThat(report.downloads()).isEqualTo(40);
    assertThat(server.maxInFlight()).isLessThanOrEqualTo(3).isGreaterThan(1);
  }

  @Test
  void fetch_concurrentCallersShareTheHostLimit() throws Exception {
    int callers = 12;
    List<FetchRequest> requests = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      byte[] body = bytes(1_500 + i, 600 + i);
      server.serve("/pool/c" + i + ".deb", body);
      requests.add(
          new FetchRequest(server.uri("/pool/c" + i + ".deb"), body.length, sha256(body), "c" + i));
    }
    server.delay(40);
    downloader.close();
    downloader = downloader(0, 2);
    ExecutorService callerPool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (FetchRequest r : requests) {
        results.add(callerPool.submit(() -> downloader.fetch(r.uri(), r.size(), r.sha256())));
      }
      for (Future<Path> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isRegularFile();
      }
    } finally {
      callerPool.shutdownNow();
    }
    assertThat(server.maxInFlight()).isLessThanOrEqualTo(2).isGreaterThan(1);
  }

  @Test
  void fetchAll_reportsEveryFailure() throws Exception {
    List<FetchRequest> requests = new ArrayList<>();
    Set<Integer> bad = Set.of(3, 11, 17);
    long goodBytes = 0;
    for (int i = 0; i < 20; i++) {
      byte[] body = bytes(1_000 + i, 200 + i);
      String path = "/pool/g" + i + ".deb";
      if (i == 3) {
        // not served: 404
      } else if (i == 11) {
        server.serve(path, bytes(body.length, 999)); // wrong content
      } else {
        server.serve(path, body);
      }
      if (i == 17) {
        server.on(path, (ex, n) -> TestServer.send(ex, 403, new byte[0]));
      }
      if (!bad.contains(i)) {
        goodBytes += body.length;
      }
      requests.add(new FetchRequest(server.uri(path), body.length, sha256(body), "g" + i));
    }
    RecordingListener listener = new RecordingListener();

    FetchReport report = downloader.fetchAll(requests, listener);

    assertThat(report.ok()).isFalse();
    assertThat(report.fetched()).hasSize(17);
    assertThat(report.failures())
        .extracting(f -> f.request().label())
        .containsExactly("g3", "g11", "g17");
    assertThat(report.failures().get(0).error().getMessage()).endsWith("g3.deb: HTTP 404");
    assertThat(report.failures().get(1).error().kind())
        .isEqualTo(FetchException.Kind.CHECKSUM_MISMATCH);
    assertThat(report.failures().get(2).error().status()).hasValue(403);
    assertThat(report.downloads()).isEqualTo(17);
    assertThat(listener.advanced).hasSize(17);
    assertThat(listener.failed).containsExactlyInAnyOrder("g3", "g11", "g17");
    assertThat(listener.started).isEqualTo(20);
    assertThat(listener.done.get()).isEqualTo(1);
    for (int i = 0; i < 20; i++) {
      FetchRequest r = requests.get(i);
      if (!bad.contains(i)) {
        assertThat(Files.size(report.fetched().get(r))).isEqualTo(r.size());
      }
    }
    // 17 good bodies, the wrong body twice (retried once), and tiny error bodies
    assertThat(report.bytesDownloaded()).isGreaterThanOrEqualTo(goodBytes + 2 * 1011);
  }

  @Test
  void fetchAll_secondRunIsServedFromCache() throws Exception {
    List<FetchRequest> requests = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < 10; i++) {
      byte[] body = bytes(3_000 + i, 300 + i);
      server.serve("/pool/h" + i + ".deb", body);
      requests.add(
          new FetchRequest(server.uri("/pool/h" + i + ".deb"), body.length, sha256(body), "h" + i));
      total += body.length;
    }

    FetchReport first = downloader.fetchAll(requests, ProgressListener.NONE);
    int requestsAfterFirst = server.total();
    FetchReport second = downloader.fetchAll(requests, ProgressListener.NONE);

    assertThat(first.downloads()).isEqualTo(10);
    assertThat(first.bytesDownloaded()).isEqualTo(total);
    assertThat(first.cacheHits()).isZero();
    assertThat(second.cacheHits()).isEqualTo(10);
    assertThat(second.bytesFromCache()).isEqualTo(total);
    assertThat(second.bytesDownloaded()).isZero();
    assertThat(second.fetched()).isEqualTo(first.fetched());
    assertThat(server.total()).isEqualTo(requestsAfterFirst);
  }

  @Test
  void fetchAll_sameSha256TwiceIsDownloadedOnce() throws Exception {
    byte[] body = bytes(8_000, 400);
    String sha = sha256(body);
    server.serve("/pool/one.deb", body);
    server.serve("/pool/copy.deb", body);
    List<FetchRequest> requests =
        List.of(
            new FetchRequest(server.uri("/pool/one.deb"), body.length, sha, "one"),
            new FetchRequest(server.uri("/pool/copy.deb"), body.length, sha, "copy"));

    FetchReport report = downloader.fetchAll(requests, null);

    assertThat(report.ok()).isTrue();
    assertThat(report.downloads()).isEqualTo(1);
    assertThat(report.cacheHits()).isEqualTo(1);
    assertThat(server.count("/pool/one.deb") + server.count("/pool/copy.deb")).isEqualTo(1);
  }

  @Test
  void consoleProgress_plainModePrintsTenthsFailuresAndSummary() throws Exception {
    List<FetchRequest> requests = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      byte[] body = bytes(1_000, 500 + i);
      if (i != 4) {
        server.serve("/pool/p" + i + ".deb", body);
      }
      requests.add(
          new FetchRequest(server.uri("/pool/p" + i + ".deb"), body.length, sha256(body), "p" + i));
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    downloader.fetchAll(requests, new ConsoleProgress(out, false, 1000));

    List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).isEqualTo("fetch: 10 files, 0.0 MiB");
    assertThat(lines).filteredOn(l -> l.startsWith("fetch: FAILED p4: ")).hasSize(1);
    assertThat(lines).filteredOn(l -> l.matches("fetch: \\d+/10 files, .*%\\)")).hasSize(9);
    assertThat(lines.get(lines.size() - 1))
        .startsWith("fetch: done, 9/10 files (0 from cache), 0.0 MiB, 1 failed, ");
  }

  @Test
  void request_rejectsMalformedSha256() {
    assertThatThrownBy(() -> new FetchRequest(URI.create("http://mirror.example/a"), 1, "abc", "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'abc'");
  }

  /** Records listener events from worker threads. */
  private static final class RecordingListener implements ProgressListener {
    volatile int started;
    final List<String> advanced = new CopyOnWriteArrayList<>();
    final List<String> failed = new CopyOnWriteArrayList<>();
    final AtomicInteger done = new AtomicInteger();

    @Override
    public void start(int files, long bytes) {
      started = files;
    }

    @Override
    public void advanced(FetchRequest r, long bytes, boolean fromCache) {
      advanced.add(r.label());
    }

    @Override
    public void failed(FetchRequest r, FetchException e) {
      failed.add(r.label());
    }

    @Override
    public void done() {
      done.incrementAndGet();
    }
  }

  @Test
  void build_removesThePartAndTmpFilesOfAKilledRunButNotCachedFiles() throws Exception {
    downloader.close();
    Path part = cache.resolve("sha256/ab/ab00112233445566.123.part");
    Path put = cache.resolve("sha256/ab/.put-123.tmp");
    Path fetch = cache.resolve("rpm-md/ab12/repodata/.fetch-1.tmp");
    Path kept = cache.resolve("sha256/ab/ab00112233445566");
    for (Path p : List.of(part, put, fetch, kept)) {
      Files.createDirectories(p.getParent());
      Files.writeString(p, "x");
      Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }
    downloader = downloader(3, 6);
    assertThat(part).doesNotExist();
    assertThat(put).doesNotExist();
    assertThat(fetch).doesNotExist();
    assertThat(kept).exists();
  }
}
