package io.pigsty.builder.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.builder.install.HealthCheck.Http;
import io.pigsty.builder.install.HealthCheck.Item;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.Inventory.PgCluster;
import io.pigsty.builder.inventory.Inventory.PgInstance;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The items of {@code pigsty status} that belong to no single node, checked from the admin node
 * over HTTP: every Patroni cluster has exactly one leader and every instance of the inventory is a
 * running member ({@code GET /cluster} of Patroni's REST API on any member), and every etcd member
 * answers {@code GET /health} healthy.
 */
public final class ClusterHealth {
  /**
   * Member states of an instance that serves: {@code running}; since Patroni 3.0.4 (bookworm has
   * 3.0.2) a replica with a live replication connection is {@code streaming} instead (its release
   * notes). {@code in archive recovery} is not among them: the inventory configures no WAL archive,
   * so a replica in that state has lost its leader.
   */
  static final Set<String> RUNNING = Set.of("running", "streaming");

  private ClusterHealth() {}

  /**
   * Runs the cluster-level checks that concern the given nodes: Patroni clusters with an instance
   * on one of them, and the etcd cluster when one of them is an etcd member or runs under Patroni.
   * Each is polled until it passes or the deadline passes (a leader race or an etcd election takes
   * seconds).
   *
   * @param inv the inventory
   * @param hosts the nodes the report covers ({@code -l})
   * @param deadline a {@link System#nanoTime()} value; at least one try each when it has passed
   * @return the items, Patroni clusters in inventory order then etcd; empty on a single node
   */
  public static List<Item> check(Inventory inv, List<String> hosts, long deadline) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    List<Item> out = new ArrayList<>();
    boolean patroni = false;
    for (PgCluster c : inv.clusters()) {
      List<PgInstance> members = patroniMembers(inv, c);
      if (members.stream().noneMatch(i -> hosts.contains(i.ip()))) {
        continue;
      }
      patroni = true;
      out.addAll(
          HealthCheck.poll(
              deadline,
              1000,
              () -> patroni(http, c, members),
              last -> last.stream().allMatch(Item::ok)));
    }
    if (Dcs.needed(inv)
        && (patroni || hosts.stream().anyMatch(h -> inv.etcd().member(h).isPresent()))) {
      out.add(HealthCheck.poll(deadline, 1000, () -> etcd(http, inv), Item::ok));
    }
    return out;
  }

  /** The instances of a cluster Patroni runs ({@link Target#patroni}: all but the admin node's). */
  private static List<PgInstance> patroniMembers(Inventory inv, PgCluster c) {
    return c.instances().stream().filter(i -> !i.ip().equals(inv.adminIp())).toList();
  }

  private static List<Item> patroni(HttpClient http, PgCluster c, List<PgInstance> members) {
    List<String> errors = new ArrayList<>();
    for (PgInstance i : members) {
      URI uri = URI.create("http://" + i.ip() + ":" + HaConfigs.PATRONI_PORT + "/cluster");
      Http r = Http.get(http, uri);
      if (r.error() == null && r.status() == 200) {
        return patroniCluster(
            c.name(), members.stream().map(c::instanceName).toList(), r.body(), uri.toString());
      }
      errors.add(r.error() != null ? r.error() : uri + ": HTTP " + r.status());
    }
    String why = "no member answers GET /cluster: " + String.join("; ", errors);
    return List.of(
        new Item("patroni " + c.name() + " leader", false, why),
        new Item("patroni " + c.name() + " members", false, why));
  }

  /**
   * Reads Patroni's answer to {@code GET /cluster} (Patroni REST API, "Cluster status endpoints":
   * {@code members[]} with {@code name}, {@code role} ({@code leader}, {@code replica}, {@code
   * sync_standby} ...), {@code state} ({@code running}, {@code streaming}, {@code stopped} ...) and
   * {@code host}).
   *
   * @param cluster the cluster name, for the item names
   * @param expected the instance names the inventory lists for it
   * @param json the response body
   * @param source the URL, for messages
   * @return two items: {@code patroni CLUSTER leader} passes when exactly one member has the role
   *     {@code leader}; {@code patroni CLUSTER members} passes when every expected instance is a
   *     member in state {@code running} or {@code streaming}
   */
  public static List<Item> patroniCluster(
      String cluster, List<String> expected, String json, String source) {
    String leaderName = "patroni " + cluster + " leader";
    String membersName = "patroni " + cluster + " members";
    JsonNode members;
    try {
      members = new ObjectMapper().readTree(json).path("members");
    } catch (IOException e) {
      members = null;
    }
    if (members == null || !members.isArray()) {
      String why = source + ": not a Patroni cluster answer";
      return List.of(new Item(leaderName, false, why), new Item(membersName, false, why));
    }
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    List<String> leaders = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (JsonNode m : members) {
      String name = m.path("name").asText("?");
      byName.put(name, m);
      String role = m.path("role").asText("?");
      if (role.equals("leader")) {
        leaders.add(name + " on " + m.path("host").asText("?"));
      }
      all.add(name + " " + role + " " + m.path("state").asText("?"));
    }
    String listing = all.isEmpty() ? "no member" : String.join(", ", all);
    Item leader =
        switch (leaders.size()) {
          case 1 -> new Item(leaderName, true, leaders.get(0));
          case 0 -> new Item(leaderName, false, "no leader (" + listing + ")");
          default -> new Item(leaderName, false, leaders.size() + " leaders: " + leaders);
        };
    List<String> bad = new ArrayList<>();
    for (String name : expected) {
      JsonNode m = byName.get(name);
      if (m == null) {
        bad.add(name + " is not a member");
      } else if (!RUNNING.contains(m.path("state").asText(""))) {
        bad.add(name + " is " + m.path("state").asText("?"));
      }
    }
    Item state =
        bad.isEmpty()
            ? new Item(membersName, true, listing)
            : new Item(membersName, false, String.join("; ", bad) + " (" + listing + ")");
    return List.of(leader, state);
  }

  private static Item etcd(HttpClient http, Inventory inv) {
    Inventory.Etcd e = inv.etcd();
    List<String> bad = new ArrayList<>();
    for (Inventory.EtcdMember m : e.members()) {
      URI uri = URI.create("http://" + m.ip() + ":" + HaConfigs.ETCD_CLIENT_PORT + "/health");
      Http r = Http.get(http, uri);
      Optional<String> why =
          r.error() != null
              ? Optional.of(r.error())
              : HealthCheck.etcdUnhealthy(r.status(), r.body());
      why.ifPresent(w -> bad.add(e.name(m) + " " + m.ip() + ": " + w));
    }
    int n = e.members().size();
    String counted = (n - bad.size()) + "/" + n + " member(s) healthy";
    return new Item(
        "etcd cluster " + e.cluster(),
        bad.isEmpty(),
        bad.isEmpty() ? counted : counted + "; " + String.join("; ", bad));
  }
}
