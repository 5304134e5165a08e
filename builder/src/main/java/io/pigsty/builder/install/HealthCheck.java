package io.pigsty.builder.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.CommandRunner;
import io.pigsty.builder.inventory.Inventory.PgDatabase;
import io.pigsty.builder.inventory.Inventory.PgUser;
import io.pigsty.builder.inventory.Inventory.Vars;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The health report of the meta node: every unit active, every port listening, {@code SELECT 1}
 * through PostgreSQL and pgbouncer as the first pgbouncer user, every Prometheus target up
 * (Prometheus HTTP API {@code /api/v1/targets}). Collects every failure, not just the first.
 */
public final class HealthCheck {

  /**
   * One line of the report.
   *
   * @param name what was checked, e.g. {@code unit nginx} or {@code port 5432 (postgres)}
   * @param ok whether it passed
   * @param detail the observed state or the error
   */
  public record Item(String name, boolean ok, String detail) {}

  /**
   * The whole report.
   *
   * @param items every check in order
   * @param seconds wall time spent
   */
  public record Report(List<Item> items, double seconds) {
    /**
     * @return true when every item passed
     */
    public boolean ok() {
      return items.stream().allMatch(Item::ok);
    }

    /**
     * @return the failed items
     */
    public List<Item> failures() {
      return items.stream().filter(i -> !i.ok()).toList();
    }
  }

  private final Target inv;
  private final CommandRunner shell;

  /**
   * @param inv the inventory (ports, users, the meta node's address)
   * @param shell runs systemctl and psql
   */
  public HealthCheck(Target inv, CommandRunner shell) {
    this.inv = inv;
    this.shell = shell;
  }

  /**
   * @return unit names the meta node runs, in start order
   */
  public static List<String> units(Target inv) {
    return List.of(
        "postgresql@" + inv.version() + "-main",
        "pgbouncer",
        "prometheus-postgres-exporter",
        "prometheus-pgbouncer-exporter",
        "prometheus-node-exporter",
        "prometheus-alertmanager",
        "prometheus",
        "nginx");
  }

  /**
   * @return port to service name for every listening port the meta node must have
   */
  public static Map<Integer, String> ports(Target inv) {
    Vars v = inv.vars();
    Map<Integer, String> m = new LinkedHashMap<>();
    m.put(v.nginxPort(), "nginx");
    m.put(v.prometheusPort(), "prometheus");
    m.put(v.alertmanagerPort(), "alertmanager");
    m.put(v.nodeExporterPort(), "node_exporter");
    m.put(v.pgPort(), "postgres");
    m.put(v.pgbouncerPort(), "pgbouncer");
    m.put(v.pgExporterPort(), "postgres_exporter");
    m.put(v.pgbouncerExporterPort(), "pgbouncer_exporter");
    return m;
  }

  /**
   * Runs every check. Listening ports and Prometheus targets are polled until they pass or {@code
   * waitSeconds} (one deadline for both) pass: a fresh Prometheus has not scraped yet, and a
   * service just restarted may not listen yet (Prometheus replays its WAL first, which takes
   * seconds on a node where it ran before, as on a pre-installed appliance); the other checks run
   * once.
   *
   * @param waitSeconds how long to wait for ports and targets, 0 for one look
   * @return the report (never null); failures are items, not exceptions
   */
  public Report run(int waitSeconds) {
    long t0 = System.nanoTime();
    long deadline = t0 + waitSeconds * 1_000_000_000L;
    List<Item> items = new ArrayList<>();
    for (String u : units(inv)) {
      items.add(unit(u));
    }
    ports(inv).forEach((port, name) -> items.add(port(inv.metaIp(), port, name, deadline)));
    // a user whose clear-text password is known (pre-hashed ones cannot log in from here)
    List<PgUser> clear =
        inv.cluster().users().stream()
            .filter(u -> u.login() && u.password() != null && !u.password().isHashed())
            .toList();
    PgUser user =
        clear.stream()
            .filter(PgUser::pgbouncer)
            .findFirst()
            .orElse(clear.isEmpty() ? null : clear.get(0));
    if (user != null) {
      String db =
          inv.cluster().databases().stream()
              .filter(d -> d.owner().equals(user.name()))
              .map(PgDatabase::name)
              .findFirst()
              .orElse(
                  inv.cluster().databases().isEmpty()
                      ? "postgres"
                      : inv.cluster().databases().get(0).name());
      items.add(select(user, db, inv.vars().pgPort(), "postgres"));
      items.add(select(user, db, inv.vars().pgbouncerPort(), "pgbouncer"));
    }
    items.addAll(targets(deadline));
    return new Report(List.copyOf(items), (System.nanoTime() - t0) / 1e9);
  }

  private Item unit(String unit) {
    String name = "unit " + unit;
    try {
      CommandResult r =
          shell.run(Command.of(Duration.ofSeconds(20), "systemctl", "is-active", unit));
      String state = r.out().strip();
      return new Item(name, state.equals("active"), state);
    } catch (CommandException e) {
      return new Item(name, false, e.getMessage());
    }
  }

  /**
   * Connects to {@code ip:port}, again every half second until it succeeds or the deadline ({@link
   * System#nanoTime()} value) has passed; one try when it has passed already.
   */
  static Item port(String ip, int port, String service, long deadline) {
    String name = "port " + port + " (" + service + ")";
    return poll(
        deadline,
        500,
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 2000);
            return new Item(name, true, "listening on " + ip);
          } catch (IOException e) {
            return new Item(name, false, ip + ":" + port + ": " + e.getMessage());
          }
        },
        Item::ok);
  }

  /**
   * Runs {@code attempt} until {@code done} holds for its result, the deadline ({@link
   * System#nanoTime()} value) has passed, or the thread is interrupted, sleeping {@code
   * sleepMillis} between tries; at least one try.
   *
   * @return the last result
   */
  static <T> T poll(long deadline, long sleepMillis, Supplier<T> attempt, Predicate<T> done) {
    while (true) {
      T last = attempt.get();
      if (done.test(last) || System.nanoTime() >= deadline) {
        return last;
      }
      try {
        Thread.sleep(sleepMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return last;
      }
    }
  }

  private Item select(PgUser user, String db, int port, String via) {
    String name = "SELECT 1 via " + via + " :" + port + " as " + user.name();
    String conn =
        "host="
            + inv.metaIp()
            + " port="
            + port
            + " user="
            + user.name()
            + " dbname="
            + db
            + " connect_timeout=5";
    try {
      CommandResult r =
          shell.run(
              new Command(
                  List.of("psql", conn, "-X", "-tAc", "SELECT 1"),
                  Map.of("PGPASSWORD", user.password().text()),
                  null,
                  Duration.ofSeconds(20)));
      boolean ok = r.ok() && r.out().strip().equals("1");
      return new Item(name, ok, ok ? "1 (db " + db + ")" : r.tail());
    } catch (CommandException e) {
      return new Item(name, false, e.getMessage());
    }
  }

  private List<Item> targets(long deadline) {
    URI uri =
        URI.create(
            "http://" + inv.metaIp() + ":" + inv.vars().prometheusPort() + "/api/v1/targets");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    return poll(
        deadline,
        2000,
        () -> readTargets(client, uri),
        last -> !last.isEmpty() && last.stream().allMatch(Item::ok));
  }

  private static List<Item> readTargets(HttpClient client, URI uri) {
    try {
      HttpResponse<String> resp =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 200) {
        return List.of(new Item("prometheus targets", false, uri + ": HTTP " + resp.statusCode()));
      }
      return parseTargets(resp.body(), uri.toString());
    } catch (IOException e) {
      return List.of(new Item("prometheus targets", false, uri + ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of(new Item("prometheus targets", false, uri + ": interrupted"));
    }
  }

  /**
   * Reads the answer of Prometheus' {@code GET /api/v1/targets} (Prometheus HTTP API, {@code
   * data.activeTargets[]} with {@code labels.job}, {@code scrapeUrl}, {@code health}, {@code
   * lastError}).
   *
   * @param json the response body
   * @param source URL or file, for messages
   * @return one item per active target ({@code health == "up"} passes), or one failed item when the
   *     body is not such a document or lists no target
   */
  public static List<Item> parseTargets(String json, String source) {
    try {
      JsonNode root = new ObjectMapper().readTree(json);
      JsonNode active = root.path("data").path("activeTargets");
      if (!"success".equals(root.path("status").asText()) || !active.isArray()) {
        return List.of(new Item("prometheus targets", false, source + ": not a targets answer"));
      }
      if (active.isEmpty()) {
        return List.of(new Item("prometheus targets", false, source + ": no active target"));
      }
      List<Item> out = new ArrayList<>();
      for (JsonNode t : active) {
        String health = t.path("health").asText("unknown");
        String job = t.path("labels").path("job").asText("?");
        String url = t.path("scrapeUrl").asText("?");
        String err = t.path("lastError").asText("");
        out.add(
            new Item(
                "target " + job + " " + url,
                health.equals("up"),
                health + (err.isEmpty() ? "" : ": " + err)));
      }
      return out;
    } catch (IOException e) {
      return List.of(new Item("prometheus targets", false, source + ": " + e.getMessage()));
    }
  }
}
