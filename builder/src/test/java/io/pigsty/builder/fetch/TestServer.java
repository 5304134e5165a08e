package io.pigsty.builder.fetch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** An HTTP server on 127.0.0.1 (ephemeral port) that counts requests per path and in flight. */
final class TestServer implements AutoCloseable {

  /** Answers one request; {@code n} is the 1-based number of requests for this path so far. */
  @FunctionalInterface
  interface Responder {
    void respond(HttpExchange ex, int n) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(32);
  private final Map<String, Responder> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile long delayMillis;

  TestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    int n = counts.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
    total.incrementAndGet();
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      if (delayMillis > 0) {
        Thread.sleep(delayMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // leave before answering: the client can only send its next request after the answer
      inFlight.decrementAndGet();
    }
    Responder r = routes.get(path);
    try {
      if (r == null) {
        ex.sendResponseHeaders(404, -1);
      } else {
        r.respond(ex, n);
      }
    } finally {
      ex.close();
    }
  }

  /** Serves {@code body} with status 200 at {@code path}. */
  void serve(String path, byte[] body) {
    on(path, (ex, n) -> send(ex, 200, body));
  }

  void on(String path, Responder r) {
    routes.put(path, r);
  }

  void delay(long millis) {
    delayMillis = millis;
  }

  static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  int count(String path) {
    AtomicInteger c = counts.get(path);
    return c == null ? 0 : c.get();
  }

  int total() {
    return total.get();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
