package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Rollout#awaitRepo}: the nodes start only once the admin node serves the repository. */
class RolloutRepoTest {

  @Test
  void awaitRepo_waitsForTheSite_andNamesWhatItAnsweredWhenItNeverComes() throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger asked = new AtomicInteger();
    // the package's default site for two requests, then ours
    s.createContext(
        "/",
        x -> {
          int n = asked.incrementAndGet();
          boolean ours = n > 2 && x.getRequestURI().getPath().equals("/pigsty/InRelease");
          x.sendResponseHeaders(ours ? 200 : 404, -1);
          x.close();
        });
    s.start();
    try {
      String base = "http://127.0.0.1:" + s.getAddress().getPort();
      assertThat(Rollout.awaitRepo(URI.create(base + "/pigsty/InRelease"), 10)).isNull();
      assertThat(asked.get()).isEqualTo(3);

      String never = Rollout.awaitRepo(URI.create(base + "/elsewhere/InRelease"), 2);
      assertThat(never)
          .contains(base + "/elsewhere/InRelease")
          .contains("HTTP 404 after 2 s")
          .contains("/etc/nginx/conf.d/pigsty.conf");
    } finally {
      s.stop(0);
    }
  }
}
