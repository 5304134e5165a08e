package io.pigsty.builder.install;

import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.Inventory.HbaRule;
import io.pigsty.builder.inventory.Inventory.PgCluster;
import io.pigsty.builder.inventory.Inventory.PgInstance;
import java.util.List;

/**
 * What {@code install} and {@code status} act on: the admin node of an inventory and the PostgreSQL
 * instance on it ({@link io.pigsty.builder.inventory.InventoryLoader} has checked that there is
 * exactly one, and that it is its cluster's primary).
 *
 * @param inventory the whole inventory
 * @param cluster the cluster with an instance on the admin node
 * @param instance that instance
 */
public record Target(Inventory inventory, PgCluster cluster, PgInstance instance) {

  /**
   * @return the target of an inventory: its admin node
   */
  public static Target of(Inventory inv) {
    String ip = inv.adminIp();
    PgCluster c =
        inv.clusterOn(ip)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the loader admits no inventory without"
                            + " a cluster on the admin node "
                            + ip));
    return new Target(inv, c, c.instance(ip).orElseThrow());
  }

  /**
   * The target of a node that holds a PostgreSQL instance.
   *
   * @return the instance on that node with its cluster, if the node holds one
   */
  public static java.util.Optional<Target> on(Inventory inv, String ip) {
    return inv.clusterOn(ip).map(c -> new Target(inv, c, c.instance(ip).orElseThrow()));
  }

  /**
   * @return whether this instance is on the admin node
   */
  public boolean admin() {
    return instance.ip().equals(inventory.adminIp());
  }

  /**
   * @return whether Patroni runs this instance: always, the admin node's pg-meta included (issue
   *     13: Patroni owns every PostgreSQL instance; a Debian cluster an earlier version made is
   *     converted, see {@link Installer})
   */
  public boolean patroni() {
    return true;
  }

  /**
   * @return this node's address (the admin node's for {@link #of})
   */
  public String ip() {
    return instance.ip();
  }

  /**
   * @return the admin node's address
   */
  public String metaIp() {
    return instance.ip();
  }

  /**
   * @return the global vars
   */
  public Inventory.Vars vars() {
    return inventory.vars();
  }

  /**
   * @return the instance name, {@code <pg_cluster>-<pg_seq>}
   */
  public String instanceName() {
    return cluster.instanceName(instance);
  }

  /**
   * @return the PostgreSQL major
   */
  public int version() {
    return cluster.pgVersion();
  }

  /**
   * @return the tuning template of {@code pg_conf}
   */
  public Tuning.Profile profile() {
    return Tuning.Profile.fromFileName(cluster.pgConf()).orElseThrow();
  }

  /**
   * @return the cluster's HBA rules that apply to this instance's pg_role, in order
   */
  public List<HbaRule> hbaRules() {
    return cluster.hbaRules().stream().filter(r -> r.appliesTo(instance.role())).toList();
  }
}
