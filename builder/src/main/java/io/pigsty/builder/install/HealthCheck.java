package io.pigsty.builder.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.builder.definition.OsTable;
import io.pigsty.builder.definition.OsTable.Unit;
import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.CommandRunner;
import io.pigsty.builder.inventory.Inventory;
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
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The health report of one node of the inventory, run on that node: every unit it runs active,
 * every port it serves listening on its address, {@code SELECT 1} through PostgreSQL and pgbouncer
 * as the first pgbouncer user (a replica answers too), Patroni's {@code GET /health} (Patroni REST
 * API: 200 while PostgreSQL runs) on a Patroni node, etcd's {@code GET /health} ({@code
 * {"health":"true"}} while the member sees a leader) on an etcd member, and on the admin node every
 * Prometheus target up (Prometheus HTTP API {@code /api/v1/targets}). Collects every failure, not
 * just the first.
 */
public final class HealthCheck {

  /**
   * One line of the report.
   *
   * @param name what was checked, e.g. {@code unit nginx} or {@code port 5432 (postgres)}; never
   *     holds {@code ": "} (the report line {@code name: detail} is read back by {@link
   *     StatusReport#parseItems})
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

  private final Inventory inventory;
  private final String ip;
  private final Target target;
  private final OsTable.Os os;
  private final CommandRunner shell;

  /**
   * The report of a node with a PostgreSQL instance ({@link Target#of} for the admin node).
   *
   * @param inv the node and its instance
   * @param os the node's row of the OS table (its unit names)
   * @param shell runs systemctl and psql on that node
   */
  public HealthCheck(Target inv, OsTable.Os os, CommandRunner shell) {
    this(inv.inventory(), inv.ip(), os, shell);
  }

  /**
   * The report of any node of the inventory.
   *
   * @param inv the inventory (ports, users, the roles of the node)
   * @param ip the node's address
   * @param os the node's row of the OS table (its unit names)
   * @param shell runs systemctl and psql on that node
   * @throws IllegalArgumentException when {@code ip} is not a node of the inventory
   */
  public HealthCheck(Inventory inv, String ip, OsTable.Os os, CommandRunner shell) {
    if (!inv.nodes().contains(ip)) {
      throw new IllegalArgumentException(ip + " is not a node of " + inv.file());
    }
    this.inventory = inv;
    this.ip = ip;
    this.target = Target.on(inv, ip).orElse(null);
    this.os = java.util.Objects.requireNonNull(os, "os");
    this.shell = shell;
  }

  /**
   * @return unit names the node of this instance runs, in start order ({@link #units(Inventory,
   *     String, OsTable.Os)})
   */
  public static List<String> units(Target inv, OsTable.Os os) {
    return units(inv.inventory(), inv.ip(), os);
  }

  /**
   * The units {@code pigsty install} starts on a node, in start order: etcd on an etcd member (when
   * Patroni runs anywhere: {@link Dcs#member}); on a node with a PostgreSQL instance Patroni's
   * {@code patroni@<v>-main.service}, which runs it (the admin node's too), pgbouncer, the
   * PostgreSQL and pgbouncer exporters; node_exporter everywhere; HAProxy and, when the cluster has
   * a VIP, vip-manager on a node with an instance; alertmanager, Prometheus and nginx on the admin
   * node.
   *
   * @param inv the inventory
   * @param ip a node of it
   * @param os the node's row of the OS table (the units' names)
   * @return systemd unit names
   */
  public static List<String> units(Inventory inv, String ip, OsTable.Os os) {
    Optional<Target> t = Target.on(inv, ip);
    // units without the PostgreSQL major in their name are the same for every major
    int v = t.map(Target::version).orElse(0);
    List<Unit> u = new ArrayList<>();
    if (Dcs.member(inv, ip)) {
      u.add(Unit.ETCD);
    }
    if (t.isPresent()) {
      u.addAll(List.of(Unit.PATRONI, Unit.PGBOUNCER, Unit.PG_EXPORTER, Unit.PGBOUNCER_EXPORTER));
    }
    u.add(Unit.NODE_EXPORTER);
    if (t.isPresent()) {
      u.add(Unit.HAPROXY);
      if (t.get().cluster().vip() != null) {
        u.add(Unit.VIP_MANAGER);
      }
    }
    if (ip.equals(inv.adminIp())) {
      u.addAll(List.of(Unit.ALERTMANAGER, Unit.PROMETHEUS, Unit.NGINX));
    }
    return u.stream().map(x -> os.unit(x, v)).toList();
  }

  /**
   * @return port to service name for every listening port the node of this instance must have
   *     ({@link #ports(Inventory, String)})
   */
  public static Map<Integer, String> ports(Target inv) {
    return ports(inv.inventory(), inv.ip());
  }

  /**
   * The ports the units of {@link #units(Inventory, String, OsTable.Os)} listen on: on the admin
   * node nginx, Prometheus and alertmanager; node_exporter everywhere; PostgreSQL, pgbouncer and
   * their exporters, Patroni's REST API (8008) and HAProxy's services and stats with an instance
   * ({@link HaConfigs.HaproxyPorts#of}: 5433, 5434, 5436, 5438, 9101); etcd's client and peer ports
   * (2379, 2380) on an etcd member.
   *
   * @param inv the inventory (the {@code *_port} vars)
   * @param ip a node of it
   * @return port to service name, in that order
   */
  public static Map<Integer, String> ports(Inventory inv, String ip) {
    Vars v = inv.vars();
    Map<Integer, String> m = new LinkedHashMap<>();
    if (ip.equals(inv.adminIp())) {
      m.put(v.nginxPort(), "nginx");
      m.put(v.prometheusPort(), "prometheus");
      m.put(v.alertmanagerPort(), "alertmanager");
    }
    m.put(v.nodeExporterPort(), "node_exporter");
    Optional<Target> t = Target.on(inv, ip);
    if (t.isPresent()) {
      m.put(v.pgPort(), "postgres");
      m.put(v.pgbouncerPort(), "pgbouncer");
      m.put(v.pgExporterPort(), "postgres_exporter");
      m.put(v.pgbouncerExporterPort(), "pgbouncer_exporter");
      HaConfigs.HaproxyPorts h = HaConfigs.HaproxyPorts.of(v.pgPort(), v.pgbouncerPort());
      m.put(h.patroni(), "patroni");
      m.put(h.primary(), "haproxy primary");
      m.put(h.replica(), "haproxy replica");
      m.put(h.dflt(), "haproxy default");
      m.put(h.offline(), "haproxy offline");
      m.put(h.admin(), "haproxy stats");
    }
    if (Dcs.member(inv, ip)) {
      m.put(HaConfigs.ETCD_CLIENT_PORT, "etcd");
      m.put(HaConfigs.ETCD_PEER_PORT, "etcd peer");
    }
    return m;
  }

  /**
   * @return what the report calls a node: its instance name ({@code pg-test-1}), else its etcd
   *     member name ({@code etcd-2}), else {@code node}
   */
  public static String label(Inventory inv, String ip) {
    return inv.clusterOn(ip)
        .map(c -> c.instanceName(c.instance(ip).orElseThrow()))
        .or(() -> inv.etcd().member(ip).map(m -> inv.etcd().name(m)))
        .orElse("node");
  }

  /**
   * Runs every check. Listening ports, Patroni's and etcd's {@code /health} and Prometheus targets
   * are polled until they pass or {@code waitSeconds} (one deadline for all) pass: a fresh
   * Prometheus has not scraped yet, and a service just restarted may not listen yet (Prometheus
   * replays its WAL first, which takes seconds on a node where it ran before, as on a pre-installed
   * appliance); the other checks run once.
   *
   * @param waitSeconds how long to wait for ports, health endpoints and targets, 0 for one look
   * @return the report (never null); failures are items, not exceptions
   */
  public Report run(int waitSeconds) {
    long t0 = System.nanoTime();
    long deadline = t0 + waitSeconds * 1_000_000_000L;
    List<Item> items = new ArrayList<>();
    for (String u : units(inventory, ip, os)) {
      items.add(unit(shell, u, deadline));
    }
    ports(inventory, ip).forEach((port, name) -> items.add(port(ip, port, name, deadline)));
    if (target != null) {
      items.addAll(selects());
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    if (target != null) {
      items.add(patroniHealth(http, ip, deadline));
    }
    if (Dcs.member(inventory, ip)) {
      items.add(etcdHealth(http, ip, deadline));
    }
    if (ip.equals(inventory.adminIp())) {
      items.addAll(targets(http, deadline));
    }
    return new Report(List.copyOf(items), (System.nanoTime() - t0) / 1e9);
  }

  /** {@code SELECT 1} through PostgreSQL and pgbouncer, when a user can log in from here. */
  private List<Item> selects() {
    // a user whose clear-text password is known (pre-hashed ones cannot log in from here)
    List<PgUser> clear =
        target.cluster().users().stream()
            .filter(u -> u.login() && u.password() != null && !u.password().isHashed())
            .toList();
    PgUser user =
        clear.stream()
            .filter(PgUser::pgbouncer)
            .findFirst()
            .orElse(clear.isEmpty() ? null : clear.get(0));
    if (user == null) {
      return List.of();
    }
    List<PgDatabase> dbs = target.cluster().databases();
    String db =
        dbs.stream()
            .filter(d -> d.owner().equals(user.name()))
            .map(PgDatabase::name)
            .findFirst()
            .orElse(dbs.isEmpty() ? "postgres" : dbs.get(0).name());
    return List.of(
        select(user, db, inventory.vars().pgPort(), "postgres"),
        select(user, db, inventory.vars().pgbouncerPort(), "pgbouncer"));
  }

  /** systemd's passing states: a unit in one of them is looked at again until the deadline. */
  static final java.util.Set<String> TRANSIENT_STATES =
      java.util.Set.of("activating", "deactivating", "reloading");

  /**
   * {@code systemctl is-active UNIT}, again every half second while the state is one of {@link
   * #TRANSIENT_STATES} and the deadline has not passed: a unit with {@code Restart=on-failure}
   * waiting to start again says {@code activating} (on a replica the pgbouncer exporter's login
   * arrives from the leader a few seconds after it first starts). {@code failed}, {@code inactive}
   * and every other state are final.
   */
  static Item unit(CommandRunner shell, String unit, long deadline) {
    return poll(
        deadline,
        500,
        () -> unitOnce(shell, unit),
        i -> i.ok() || !TRANSIENT_STATES.contains(i.detail()));
  }

  private static Item unitOnce(CommandRunner shell, String unit) {
    String name = "unit " + unit;
    try {
      CommandResult r =
          shell.run(Command.of(Duration.ofSeconds(20), "systemctl", "is-active", unit));
      String state = r.out().strip();
      // systemctl prints the state (inactive, failed, ...) or, without systemd, only an error
      return new Item(
          name,
          state.equals("active"),
          state.isEmpty() ? "exit " + r.exit() + ": " + r.tail() : state);
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
            + ip
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

  private List<Item> targets(HttpClient client, long deadline) {
    URI uri =
        URI.create("http://" + ip + ":" + inventory.vars().prometheusPort() + "/api/v1/targets");
    return poll(
        deadline,
        2000,
        () -> readTargets(client, uri),
        last -> !last.isEmpty() && last.stream().allMatch(Item::ok));
  }

  /** Patroni's {@code GET /health} on this node, polled until 200 or the deadline. */
  static Item patroniHealth(HttpClient client, String ip, long deadline) {
    URI uri = URI.create("http://" + ip + ":" + HaConfigs.PATRONI_PORT + "/health");
    String name = "patroni /health :" + HaConfigs.PATRONI_PORT;
    return poll(
        deadline,
        1000,
        () -> {
          Http r = Http.get(client, uri);
          return r.error() != null
              ? new Item(name, false, r.error())
              : new Item(name, r.status() == 200, patroniState(r.status(), r.body()));
        },
        Item::ok);
  }

  /**
   * Reads Patroni's answer to {@code GET /health} (Patroni REST API: 200 when PostgreSQL is up and
   * running, 503 otherwise; the body is the member's status, with {@code state} and {@code role}).
   *
   * @param status the HTTP status
   * @param json the body
   * @return {@code state, role} (e.g. {@code running, replica}), with the status when it is not 200
   */
  public static String patroniState(int status, String json) {
    String state = "?";
    String role = "?";
    try {
      JsonNode n = new ObjectMapper().readTree(json);
      state = n.path("state").asText("?");
      role = n.path("role").asText("?");
    } catch (IOException e) {
      // the status tells the rest
    }
    return (status == 200 ? "" : "HTTP " + status + ": ") + state + ", " + role;
  }

  /** etcd's {@code GET /health} on this node, polled until healthy or the deadline. */
  static Item etcdHealth(HttpClient client, String ip, long deadline) {
    URI uri = URI.create("http://" + ip + ":" + HaConfigs.ETCD_CLIENT_PORT + "/health");
    String name = "etcd /health :" + HaConfigs.ETCD_CLIENT_PORT;
    return poll(
        deadline,
        1000,
        () -> {
          Http r = Http.get(client, uri);
          if (r.error() != null) {
            return new Item(name, false, r.error());
          }
          Optional<String> bad = etcdUnhealthy(r.status(), r.body());
          return new Item(name, bad.isEmpty(), bad.orElse("healthy"));
        },
        Item::ok);
  }

  /**
   * Reads etcd's answer to {@code GET /health} (etcd 3.4, "Monitoring etcd": {@code
   * {"health":"true"}} with 200 while the member has a leader and serves a read; {@code "false"}
   * with a {@code reason} and 503 otherwise).
   *
   * @param status the HTTP status
   * @param json the body
   * @return empty when healthy, else why not
   */
  public static Optional<String> etcdUnhealthy(int status, String json) {
    try {
      JsonNode n = new ObjectMapper().readTree(json);
      if (n == null || !n.has("health")) {
        return Optional.of("HTTP " + status + ": not an etcd health answer");
      }
      String health = n.path("health").asText("");
      if (status == 200 && health.equals("true")) {
        return Optional.empty();
      }
      String reason = n.path("reason").asText("");
      return Optional.of(
          "HTTP " + status + ": health " + health + (reason.isEmpty() ? "" : " (" + reason + ")"));
    } catch (IOException e) {
      return Optional.of("HTTP " + status + ": not an etcd health answer");
    }
  }

  /**
   * @return the first message along the cause chain (the JDK's HTTP client throws a {@code
   *     ConnectException} without one around the socket's "Connection refused"), else the
   *     exception's class
   */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  /**
   * One HTTP GET: the status and body, or why there is none.
   *
   * @param status the HTTP status (0 with an error)
   * @param body the body ("" with an error)
   * @param error {@code URI: reason} when the request failed, else null
   */
  record Http(int status, String body, String error) {
    static Http get(HttpClient client, URI uri) {
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Http(r.statusCode(), r.body(), null);
      } catch (IOException e) {
        return new Http(0, "", uri + ": " + reason(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Http(0, "", uri + ": interrupted");
      }
    }
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
      return List.of(new Item("prometheus targets", false, uri + ": " + reason(e)));
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
