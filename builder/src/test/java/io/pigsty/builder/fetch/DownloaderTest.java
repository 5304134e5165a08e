package io.pigsty.builder.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.pigsty.repo.deb.FlatRepository;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {
  @TempDir Path tmp;
  HttpServer server;
  final Map<String, byte[]> files = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  volatile long delayMillis;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        if (delayMillis > 0) {
          Thread.sleep(delayMillis);
        }
        String path = ex.getRequestURI().getPath();
        AtomicInteger fail = failuresLeft.get(path);
        byte[] body = files.get(path);
        if (fail != null && fail.getAndDecrement() > 0) {
          ex.sendResponseHeaders(503, -1);
        } else if (body == null) {
          ex.sendResponseHeaders(404, -1);
        } else {
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.decrementAndGet();
        ex.close();
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private Downloader downloader(int perHost) {
    return Downloader.builder().cacheDir(tmp.resolve("cache")).perHostConnections(perHost).retries(3)
        .retryDelay(Duration.ofMillis(10)).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private FetchRequest put(String path, String content) {
    byte[] b = content.getBytes();
    files.put(path, b);
    return new FetchRequest(uri(path), b.length, FlatRepository.sha256Hex(b), path);
  }

  @Test
  void fetch_goodFileIsCachedAndSecondFetchMakesNoRequest() throws Exception {
    FetchRequest r = put("/a.deb", "alpha");
    try (Downloader d = downloader(2)) {
      Path p = d.fetch(r.uri(), r.size(), r.sha256());
      assertThat(Files.readString(p)).isEqualTo("alpha");
      assertThat(p).isEqualTo(d.cachePath(r.sha256()));
      int before = requests.get();
      d.fetch(r.uri(), r.size(), r.sha256());
      assertThat(requests.get()).isEqualTo(before);
    }
  }

  @Test
  void fetch_retriesAfter503() throws Exception {
    FetchRequest r = put("/b.deb", "beta");
    failuresLeft.put("/b.deb", new AtomicInteger(2));
    try (Downloader d = downloader(2)) {
      assertThat(Files.readString(d.fetch(r.uri(), r.size(), r.sha256()))).isEqualTo("beta");
    }
    assertThat(requests.get()).isEqualTo(3);
  }

  @Test
  void fetch_404FailsWithoutRetry() {
    try (Downloader d = downloader(2)) {
      assertThatThrownBy(() -> d.fetch(uri("/missing.deb"), 3, "ab".repeat(32)))
          .isInstanceOf(FetchException.class).hasMessageContaining("/missing.deb").hasMessageContaining("404");
    }
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void fetch_checksumMismatchFailsNamingUrlAndLeavesNothingInCache() throws Exception {
    FetchRequest r = put("/c.deb", "gamma");
    try (Downloader d = downloader(2)) {
      assertThatThrownBy(() -> d.fetch(r.uri(), r.size(), "cd".repeat(32)))
          .isInstanceOf(FetchException.class).hasMessageContaining("/c.deb").hasMessageContaining("SHA256");
    }
    try (Stream<Path> s = Files.walk(tmp.resolve("cache"))) {
      assertThat(s.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void fetchAll_boundsConnectionsPerHostAndReportsEveryFailure() throws Exception {
    List<FetchRequest> reqs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      reqs.add(put("/f" + i + ".deb", "file " + i));
    }
    for (int i = 0; i < 3; i++) {
      reqs.add(new FetchRequest(uri("/nope" + i + ".deb"), 4, "ef".repeat(32), "nope" + i));
    }
    delayMillis = 40;
    try (Downloader d = downloader(3)) {
      FetchReport rep = d.fetchAll(reqs, ProgressListener.NONE);
      assertThat(rep.fetched()).hasSize(20);
      assertThat(rep.failures()).hasSize(3);
      assertThat(rep.failures()).allSatisfy(f -> assertThat(f.error().getMessage()).contains("/nope"));
      assertThat(rep.ok()).isFalse();
    }
    assertThat(maxInFlight.get()).isBetween(2, 3);
  }

  @Test
  void aptSources_readsDeb822AndOneLineSkippingDisabledAndSources() throws Exception {
    AptSources s = AptSources.read(Path.of("src/test/resources/fetch/etc-apt"));
    assertThat(s.baseFor("bookworm", "main")).hasValue(URI.create("http://mirror.example/debian"));
    assertThat(s.baseFor("bookworm-updates", "main")).hasValue(URI.create("http://archive.example.org/debian"));
    assertThat(s.baseFor("bookworm-security", "main")).hasValue(URI.create("http://security.example.org/debian-security"));
    assertThat(s.baseFor("bookworm-backports", "main")).hasValue(URI.create("http://other.example/debian"));
    assertThat(s.baseFor("trixie", "main")).isEmpty();
    assertThat(s.entries()).hasSize(4);
  }
}
