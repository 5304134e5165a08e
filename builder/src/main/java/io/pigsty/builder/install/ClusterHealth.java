package io.pigsty.builder.install;

import io.pigsty.builder.ha.PatroniApi;
import io.pigsty.builder.ha.PatroniApi.Member;
import io.pigsty.builder.install.HealthCheck.Http;
import io.pigsty.builder.install.HealthCheck.Item;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.Inventory.PgCluster;
import io.pigsty.builder.inventory.Inventory.PgInstance;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The items of {@code pigsty status} that belong to no single node, checked from the admin node
 * over HTTP: every Patroni cluster has exactly one leader and every instance of the inventory is a
 * running member ({@code GET /cluster} of Patroni's REST API on any member, read by {@link
 * PatroniApi}), and every etcd member answers {@code GET /health} healthy.
 */
public final class ClusterHealth {
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
   * @return the items, Patroni clusters in inventory order then etcd; empty on a single node (its
   *     own report has Patroni's and etcd's {@code /health})
   */
  public static List<Item> check(Inventory inv, List<String> hosts, long deadline) {
    if (inv.nodes().size() == 1) {
      return List.of();
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    PatroniApi api =
        new PatroniApi(
            HaConfigs.PATRONI_PORT,
            inv.vars().patroniUser(),
            inv.vars().patroniPassword(),
            Duration.ofSeconds(5));
    List<Item> out = new ArrayList<>();
    boolean patroni = false;
    for (PgCluster c : inv.clusters()) {
      // Patroni runs every instance (Target#patroni), pg-meta's too
      List<PgInstance> members = c.instances();
      if (members.stream().noneMatch(i -> hosts.contains(i.ip()))) {
        continue;
      }
      patroni = true;
      out.addAll(
          HealthCheck.poll(
              deadline,
              1000,
              () -> patroni(api, c, members),
              last -> last.stream().allMatch(Item::ok)));
    }
    if (Dcs.needed(inv)
        && (patroni || hosts.stream().anyMatch(h -> inv.etcd().member(h).isPresent()))) {
      out.add(HealthCheck.poll(deadline, 1000, () -> etcd(http, inv), Item::ok));
    }
    return out;
  }

  private static List<Item> patroni(PatroniApi api, PgCluster c, List<PgInstance> members) {
    List<String> errors = new ArrayList<>();
    List<Member> answer = api.cluster(c, errors);
    if (answer != null) {
      return patroniCluster(c.name(), members.stream().map(c::instanceName).toList(), answer);
    }
    String why = "no member answers GET /cluster: " + String.join("; ", errors);
    return List.of(
        new Item("patroni " + c.name() + " leader", false, why),
        new Item("patroni " + c.name() + " members", false, why));
  }

  /**
   * Judges a Patroni cluster from its members as {@code GET /cluster} lists them ({@link
   * PatroniApi#cluster}).
   *
   * @param cluster the cluster name, for the item names
   * @param expected the instance names the inventory lists for it
   * @param members the members Patroni lists
   * @return two items: {@code patroni CLUSTER leader} passes when exactly one member holds the
   *     leader key ({@link Member#leader}); {@code patroni CLUSTER members} passes when every
   *     expected instance is a member whose PostgreSQL is up ({@link Member#up}: {@code running},
   *     or {@code streaming}, which Patroni 3.0.4 and later report for a replica; bookworm has
   *     3.0.2)
   */
  public static List<Item> patroniCluster(
      String cluster, List<String> expected, List<Member> members) {
    String leaderName = "patroni " + cluster + " leader";
    String membersName = "patroni " + cluster + " members";
    Map<String, Member> byName = new LinkedHashMap<>();
    List<String> leaders = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (Member m : members) {
      byName.put(m.name(), m);
      if (m.leader()) {
        leaders.add(m.name() + " on " + m.host());
      }
      all.add(m.name() + " " + m.role() + " " + m.state());
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
      Member m = byName.get(name);
      if (m == null) {
        bad.add(name + " is not a member");
      } else if (!m.up()) {
        bad.add(name + " is " + m.state());
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
