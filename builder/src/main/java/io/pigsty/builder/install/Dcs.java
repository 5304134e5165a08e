package io.pigsty.builder.install;

import io.pigsty.builder.install.HaConfigs.DcsApi;
import io.pigsty.builder.inventory.Inventory;
import java.util.List;

/**
 * The inventory's etcd cluster as Patroni and vip-manager use it: whether one is needed, which API
 * its clients speak, its members by name.
 */
final class Dcs {
  private Dcs() {}

  /**
   * @return whether any instance runs under Patroni ({@link Target#patroni}), so etcd must run:
   *     always, since every inventory has a cluster on its admin node and Patroni runs them all
   */
  static boolean needed(Inventory inv) {
    return !inv.clusters().isEmpty();
  }

  /**
   * The API every client of the etcd cluster speaks: v2 when a cluster has a VIP (every cluster
   * runs under Patroni, pg-meta included), because bookworm's vip-manager 1.0.2 reads only etcd's
   * v2 keys and etcd 3.4 keeps the v2 and v3 keyspaces apart (docs/ha.md); else v3.
   */
  static DcsApi api(Inventory inv) {
    return inv.clusters().stream().anyMatch(c -> c.vip() != null) ? DcsApi.V2 : DcsApi.V3;
  }

  /**
   * @return the members as Patroni and etcd name them ({@code etcd-1} ...)
   */
  static List<HaConfigs.EtcdMember> members(Inventory inv) {
    Inventory.Etcd e = inv.etcd();
    return e.members().stream().map(m -> new HaConfigs.EtcdMember(e.name(m), m.ip())).toList();
  }

  /**
   * @return whether this node runs an etcd member
   */
  static boolean member(Inventory inv, String ip) {
    return needed(inv) && inv.etcd().member(ip).isPresent();
  }
}
