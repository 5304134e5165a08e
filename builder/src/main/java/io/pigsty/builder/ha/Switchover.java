package io.pigsty.builder.ha;

import io.pigsty.builder.inventory.Inventory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A planned switchover of one Patroni cluster of the inventory, as {@code patronictl switchover}
 * does it: read the members from the first member that answers, check the leader and the candidate,
 * ask Patroni ({@code POST /switchover}), then wait until the new leader runs and every other
 * member that was up runs again on its timeline.
 *
 * <p>A candidate must be a member of the cluster, up, not the leader, and without the {@code
 * nofailover} tag (Pigsty's {@code pg_role: offline}); without one Patroni picks the healthiest.
 */
public final class Switchover {
  /**
   * The outcome.
   *
   * @param cluster the cluster name
   * @param oldLeader who led before
   * @param newLeader who leads after
   * @param message Patroni's answer
   * @param switchSeconds from the request until Patroni answered that the leader key moved
   * @param settledSeconds from the request until every member that was up is up again
   */
  public record Result(
      String cluster,
      String oldLeader,
      String newLeader,
      String message,
      double switchSeconds,
      double settledSeconds) {}

  private final PatroniApi api;
  private final Consumer<String> log;

  /**
   * @param api the REST client (port and login of the inventory)
   * @param log progress lines
   */
  public Switchover(PatroniApi api, Consumer<String> log) {
    this.api = Objects.requireNonNull(api, "api");
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * Reads the members of a cluster from the first of its hosts that answers.
   *
   * @param cluster the inventory's cluster
   * @return the members as Patroni lists them
   * @throws HaException no host answered (every host and its error named)
   */
  public List<PatroniApi.Member> members(Inventory.PgCluster cluster) throws HaException {
    List<String> errors = new ArrayList<>();
    List<PatroniApi.Member> members = api.cluster(cluster, errors);
    if (members == null) {
      throw new HaException(
          "no member of " + cluster.name() + " answers:\n  " + String.join("\n  ", errors));
    }
    return members;
  }

  /**
   * Checks the leader and the candidate against the members.
   *
   * @param cluster the cluster name, for messages
   * @param members the members
   * @param candidate the member to take over, or null
   * @return the leader
   * @throws HaException no leader or more than one; the candidate unknown, the leader, down, or
   *     tagged nofailover
   */
  static PatroniApi.Member check(String cluster, List<PatroniApi.Member> members, String candidate)
      throws HaException {
    List<PatroniApi.Member> leaders = members.stream().filter(PatroniApi.Member::leader).toList();
    if (leaders.size() != 1) {
      throw new HaException(
          cluster
              + " has "
              + (leaders.isEmpty() ? "no leader" : leaders.size() + " leaders")
              + ": "
              + describe(members));
    }
    PatroniApi.Member leader = leaders.get(0);
    if (candidate == null) {
      if (members.stream().noneMatch(m -> !m.leader() && m.up() && !m.nofailover())) {
        throw new HaException(
            cluster
                + " has no member that can take over (up, without nofailover): "
                + describe(members));
      }
      return leader;
    }
    Optional<PatroniApi.Member> c =
        members.stream().filter(m -> m.name().equals(candidate)).findFirst();
    if (c.isEmpty()) {
      throw new HaException(
          "--to " + candidate + ": not a member of " + cluster + " (" + describe(members) + ")");
    }
    if (c.get().leader()) {
      throw new HaException("--to " + candidate + ": already the leader of " + cluster);
    }
    if (!c.get().up()) {
      throw new HaException("--to " + candidate + ": " + c.get().state() + ", not running");
    }
    if (c.get().nofailover()) {
      throw new HaException(
          "--to " + candidate + ": tagged nofailover (pg_role: offline) and cannot lead");
    }
    return leader;
  }

  static String describe(List<PatroniApi.Member> members) {
    List<String> s = new ArrayList<>();
    for (PatroniApi.Member m : members) {
      s.add(m.name() + " " + m.role() + " " + m.state());
    }
    return String.join(", ", s);
  }

  /**
   * Runs the switchover and waits until the cluster settles.
   *
   * @param cluster the inventory's cluster
   * @param candidate the instance name to take over, or null to let Patroni pick
   * @param waitSeconds how long to wait, after Patroni answered, for every member to be up again
   * @return the outcome
   * @throws HaException the checks above, Patroni's refusal, or the cluster not settled in time
   *     (members and states named)
   */
  public Result run(Inventory.PgCluster cluster, String candidate, int waitSeconds)
      throws HaException {
    List<PatroniApi.Member> before = members(cluster);
    PatroniApi.Member leader = check(cluster.name(), before, candidate);
    String host = hostOf(cluster, leader);
    log.accept(
        "switchover of "
            + cluster.name()
            + ": "
            + leader.name()
            + " -> "
            + (candidate == null ? "(Patroni picks)" : candidate));
    long t0 = System.nanoTime();
    String message = api.switchover(host, leader.name(), candidate);
    double switched = (System.nanoTime() - t0) / 1e9;
    log.accept("patroni: " + message);
    List<String> wereUp =
        before.stream().filter(PatroniApi.Member::up).map(PatroniApi.Member::name).toList();
    long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
    List<PatroniApi.Member> now = List.of();
    while (true) {
      try {
        now = members(cluster);
        Optional<PatroniApi.Member> nl = now.stream().filter(PatroniApi.Member::leader).findFirst();
        List<PatroniApi.Member> current = now;
        boolean settled =
            nl.isPresent()
                && !nl.get().name().equals(leader.name())
                && nl.get().up()
                && wereUp.stream()
                    .allMatch(n -> current.stream().anyMatch(m -> m.name().equals(n) && m.up()));
        if (settled) {
          return new Result(
              cluster.name(),
              leader.name(),
              nl.get().name(),
              message,
              switched,
              (System.nanoTime() - t0) / 1e9);
        }
      } catch (HaException e) {
        log.accept("patroni: " + e.getMessage());
      }
      if (System.nanoTime() > deadline) {
        throw new HaException(
            cluster.name()
                + " did not settle within "
                + waitSeconds
                + " s after the switchover: "
                + describe(now));
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HaException("interrupted while waiting for " + cluster.name(), e);
      }
    }
  }

  /** The inventory host of a member, by name (Patroni's host field is not trusted for it). */
  static String hostOf(Inventory.PgCluster cluster, PatroniApi.Member m) throws HaException {
    for (Inventory.PgInstance i : cluster.instances()) {
      if (cluster.instanceName(i).equals(m.name())) {
        return i.ip();
      }
    }
    throw new HaException(
        "the leader " + m.name() + " of " + cluster.name() + " is not in the inventory");
  }
}
