package io.pigsty.builder.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.pigsty.builder.configure.Templates;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryLoader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Switchover} and {@link PatroniApi} against a fake Patroni REST API: three HTTP servers on
 * 127.0.0.11-13 (loopback addresses) that share one cluster state, as Patroni's members share the
 * DCS.
 */
class SwitchoverTest {
  @TempDir Path tmp;

  final List<HttpServer> servers = new ArrayList<>();
  final List<String> requests = new ArrayList<>();
  final List<String> log = new ArrayList<>();
  volatile String leader = "pg-test-1";
  volatile String replicaState = "running";
  volatile int refuse = 0;
  volatile boolean lateRejoin = false;
  Inventory inv;
  int port;

  @BeforeEach
  void setUp() throws Exception {
    Path f = tmp.resolve("pigsty.yml");
    String y = Templates.render("demo4", "10.10.10.10", 15, true).inventory().toYaml();
    Files.writeString(f, y.replace("10.10.10.1", "127.0.0.1"));
    inv = InventoryLoader.load(f, true);
    for (int i = 11; i <= 13; i++) {
      HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0." + i, port), 0);
      port = s.getAddress().getPort();
      String self = "127.0.0." + i;
      s.createContext("/cluster", x -> reply(x, 200, cluster()));
      s.createContext(
          "/switchover",
          x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (requests) {
              requests.add(
                  self
                      + " "
                      + x.getRequestMethod()
                      + " "
                      + body
                      + " "
                      + x.getRequestHeaders().getFirst("Authorization"));
            }
            if (refuse != 0) {
              reply(x, refuse, "candidate name does not match with sync_standby");
              return;
            }
            String to =
                body.contains("candidate")
                    ? body.replaceAll(".*\"candidate\":\"([^\"]+)\".*", "$1")
                    : leader.equals("pg-test-1") ? "pg-test-2" : "pg-test-1";
            leader = to;
            reply(x, 200, "Successfully switched over to \"" + to + "\"");
          });
      s.start();
      servers.add(s);
    }
  }

  @AfterEach
  void tearDown() {
    servers.forEach(s -> s.stop(0));
  }

  static void reply(com.sun.net.httpserver.HttpExchange x, int status, String body)
      throws java.io.IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
    x.close();
  }

  String cluster() {
    StringBuilder sb = new StringBuilder("{\"members\": [");
    for (int i = 1; i <= 3; i++) {
      String n = "pg-test-" + i;
      boolean lead = n.equals(leader);
      String state = lead ? "running" : replicaState;
      if (lateRejoin && n.equals("pg-test-1") && !lead) {
        state = "stopped";
      }
      sb.append(i > 1 ? ", " : "")
          .append("{\"name\": \"")
          .append(n)
          .append("\", \"role\": \"")
          .append(lead ? "leader" : "replica")
          .append("\", \"state\": \"")
          .append(state)
          .append("\", \"host\": \"127.0.0.1")
          .append(i)
          .append("\", \"timeline\": 3")
          .append(lead ? "" : ", \"lag\": 0")
          .append(i == 3 ? ", \"tags\": {\"nofailover\": true}" : "")
          .append('}');
    }
    return sb.append("], \"scope\": \"pg-test\"}").toString();
  }

  Switchover switchover() {
    return new Switchover(
        new PatroniApi(
            port, inv.vars().patroniUser(), inv.vars().patroniPassword(), Duration.ofSeconds(5)),
        log::add);
  }

  Inventory.PgCluster pgTest() {
    return inv.cluster("pg-test").orElseThrow();
  }

  @Test
  void asksTheLeaderWithTheRestApiLoginAndWaitsForTheNewLeader() throws Exception {
    Switchover.Result r = switchover().run(pgTest(), "pg-test-2", 10);
    assertThat(r.oldLeader()).isEqualTo("pg-test-1");
    assertThat(r.newLeader()).isEqualTo("pg-test-2");
    assertThat(r.message()).isEqualTo("Successfully switched over to \"pg-test-2\"");
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    ("postgres:" + inv.vars().patroniPassword().text())
                        .getBytes(StandardCharsets.UTF_8));
    assertThat(requests)
        .containsExactly(
            "127.0.0.11 POST {\"leader\":\"pg-test-1\",\"candidate\":\"pg-test-2\"} " + basic);
    assertThat(r.settledSeconds()).isGreaterThanOrEqualTo(r.switchSeconds());
  }

  @Test
  void withoutACandidatePatroniPicksAndTheBodyNamesOnlyTheLeader() throws Exception {
    leader = "pg-test-2";
    Switchover.Result r = switchover().run(pgTest(), null, 10);
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0)).startsWith("127.0.0.12 POST {\"leader\":\"pg-test-2\"} Basic ");
    assertThat(r.oldLeader()).isEqualTo("pg-test-2");
    assertThat(r.newLeader()).isEqualTo("pg-test-1");
  }

  @Test
  void refusesAnOfflineCandidateAnUnknownOneAndTheLeaderItselfBeforeAskingPatroni() {
    assertThatThrownBy(() -> switchover().run(pgTest(), "pg-test-3", 5))
        .isInstanceOf(HaException.class)
        .hasMessageContaining("pg-test-3: tagged nofailover");
    assertThatThrownBy(() -> switchover().run(pgTest(), "pg-test-9", 5))
        .hasMessageContaining("--to pg-test-9: not a member of pg-test");
    assertThatThrownBy(() -> switchover().run(pgTest(), "pg-test-1", 5))
        .hasMessageContaining("already the leader");
    replicaState = "stopped";
    assertThatThrownBy(() -> switchover().run(pgTest(), "pg-test-2", 5))
        .hasMessageContaining("pg-test-2: stopped, not running");
    assertThat(requests).isEmpty();
  }

  @Test
  void patronisRefusalCarriesItsStatusAndText() {
    refuse = 412;
    assertThatThrownBy(() -> switchover().run(pgTest(), "pg-test-2", 5))
        .isInstanceOf(HaException.class)
        .hasMessageContaining("Patroni refused the switchover at http://127.0.0.11:" + port)
        .hasMessageContaining("HTTP 412 candidate name does not match");
    assertThat(leader).isEqualTo("pg-test-1");
  }

  @Test
  void aClusterThatDoesNotSettleInTimeIsNamedWithEveryMembersState() {
    lateRejoin = true;
    assertThatThrownBy(() -> switchover().run(pgTest(), "pg-test-2", 1))
        .isInstanceOf(HaException.class)
        .hasMessageContaining("pg-test did not settle within 1 s")
        .hasMessageContaining("pg-test-1 replica stopped");
  }

  @Test
  void noMemberAnsweringNamesEveryUrl() {
    servers.forEach(s -> s.stop(0));
    assertThatThrownBy(() -> switchover().run(pgTest(), "pg-test-2", 1))
        .isInstanceOf(HaException.class)
        .hasMessageContaining("no member of pg-test answers")
        .hasMessageContaining("http://127.0.0.11:" + port + "/cluster")
        .hasMessageContaining("http://127.0.0.13:" + port + "/cluster");
  }

  @Test
  void twoLeadersOrNoneAreRefused() throws Exception {
    List<PatroniApi.Member> none =
        PatroniApi.parseCluster(
            "{\"members\": [{\"name\": \"a-1\", \"role\": \"replica\", \"state\": \"running\"}]}"
                .getBytes(StandardCharsets.UTF_8),
            "test");
    assertThatThrownBy(() -> Switchover.check("a", none, null))
        .hasMessageContaining("a has no leader: a-1 replica running");
    assertThatThrownBy(
            () -> PatroniApi.parseCluster("<html>".getBytes(StandardCharsets.UTF_8), "u"))
        .hasMessageStartingWith("u: not JSON");
    assertThatThrownBy(() -> PatroniApi.parseCluster("{}".getBytes(StandardCharsets.UTF_8), "u"))
        .hasMessage("u: no 'members' array");
  }
}
