package io.pigsty.builder.bundle.rpm;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Serves a directory tree over HTTP/1.1 on 127.0.0.1 (ephemeral port), counting GETs per path. */
public final class StaticServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(8);
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  public StaticServer(Path root) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(pool);
    server.createContext(
        "/",
        ex -> {
          try {
            String path = ex.getRequestURI().getPath();
            counts.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            Path f = root.resolve(path.substring(1)).normalize();
            if (!f.startsWith(root) || !Files.isRegularFile(f)) {
              ex.sendResponseHeaders(404, -1);
              return;
            }
            byte[] body = Files.readAllBytes(f);
            ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream o = ex.getResponseBody()) {
              o.write(body);
            }
          } finally {
            ex.close();
          }
        });
    server.start();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** GETs of paths ending in {@code suffix}. */
  public int count(String suffix) {
    return counts.entrySet().stream()
        .filter(e -> e.getKey().endsWith(suffix))
        .mapToInt(e -> e.getValue().get())
        .sum();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
