package io.pigsty.builder.install;

import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.install.HealthCheck.Item;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.ssh.SshException;
import io.pigsty.builder.ssh.SshNode;
import io.pigsty.builder.ssh.SshNodes;
import io.pigsty.repo.Digests;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The health reports of the inventory's other nodes, from the admin node: over SSH ({@link
 * SshNodes}), all at once, as {@link Rollout} installs them, it runs {@code pigsty status --node IP
 * --wait S} on each with the runtime and jar Rollout put there ({@link Rollout#nodeCommand}) and
 * reads the node's items from its output ({@link StatusReport#fromOutput}). It first compares the
 * node's {@code /etc/pigsty/pigsty.yml}, which that command reads, with the admin node's. A node
 * that cannot be reached is one failed item {@code ssh} naming {@code user@host:port} and why.
 * Changes nothing on the nodes.
 */
public final class RemoteStatus {
  /** The inventory a node's {@code status --node} reads, put there by {@link Rollout}. */
  public static final String NODE_INVENTORY = Rollout.ETC + "/pigsty.yml";

  private final Inventory inv;
  private final SshNodes ssh;
  private final String remoteInventory;
  private final BiFunction<String, Integer, List<String>> command;

  /**
   * @param inv the inventory (its file is compared with each node's copy)
   * @param ssh how to reach the nodes
   */
  public RemoteStatus(Inventory inv, SshNodes ssh) {
    this(inv, ssh, NODE_INVENTORY, RemoteStatus::statusCommand);
  }

  /**
   * @param remoteInventory where a node keeps its copy of the inventory
   * @param command the argv run on a node, from its address and the seconds to wait (tests give a
   *     script)
   */
  RemoteStatus(
      Inventory inv,
      SshNodes ssh,
      String remoteInventory,
      BiFunction<String, Integer, List<String>> command) {
    this.inv = inv;
    this.ssh = ssh;
    this.remoteInventory = remoteInventory;
    this.command = command;
  }

  /**
   * @return {@code pigsty status --node HOST -c /etc/pigsty/pigsty.yml --wait S} as the admin node
   *     runs it on another node
   */
  static List<String> statusCommand(String host, int waitSeconds) {
    List<String> argv = new ArrayList<>(Rollout.nodeCommand("status", host));
    argv.addAll(List.of("--wait", Integer.toString(waitSeconds)));
    return argv;
  }

  /**
   * Runs the report of every given node, in parallel.
   *
   * @param hosts nodes of the inventory, not the admin node
   * @param waitSeconds passed on as {@code --wait}: how long each node waits for its ports and
   *     health endpoints
   * @return one section per host, in the given order; failures are items, never exceptions
   */
  public List<StatusReport.Node> run(List<String> hosts, int waitSeconds) {
    String want;
    try {
      want = Digests.sha256Hex(inv.file());
    } catch (IOException e) {
      want = null;
    }
    String local = want;
    return Rollout.onEach(
        hosts,
        h -> one(h, local, waitSeconds),
        (h, e) ->
            new StatusReport.Node(
                h,
                HealthCheck.label(inv, h),
                List.of(new Item("pigsty status --node", false, e.toString()))));
  }

  private StatusReport.Node one(String host, String want, int waitSeconds) {
    String label = HealthCheck.label(inv, host);
    try (SshNode n = ssh.connect(host)) {
      Item same = sameInventory(n, host, want);
      CommandResult r =
          n.run(
              new Command(
                  command.apply(host, waitSeconds),
                  Map.of(),
                  null,
                  Duration.ofSeconds(waitSeconds + 300L)));
      return StatusReport.fromOutput(host, label, List.of(same), r.exit(), r.out(), r.err());
    } catch (SshException e) {
      return new StatusReport.Node(host, label, List.of(new Item("ssh", false, e.getMessage())));
    } catch (CommandException e) {
      return new StatusReport.Node(
          host, label, List.of(new Item("pigsty status --node", false, e.getMessage())));
    }
  }

  /** Whether the node's copy of the inventory is the admin node's (by SHA-256). */
  private Item sameInventory(SshNode n, String host, String want) throws CommandException {
    String name = "inventory " + remoteInventory;
    CommandResult r = n.run(Command.of(Duration.ofSeconds(30), "sha256sum", "--", remoteInventory));
    String have = r.ok() ? r.out().strip().split("\\s+")[0] : null;
    if (have == null) {
      return new Item(
          name, false, "missing or unreadable (make install -l " + host + " puts it there)");
    }
    if (want == null) {
      return new Item(name, false, "cannot read " + inv.file() + " here to compare");
    }
    return have.equals(want)
        ? new Item(name, true, "same as " + inv.file().getFileName() + " of the admin node")
        : new Item(
            name,
            false,
            "differs from "
                + inv.file().getFileName()
                + " of the admin node, so the node is checked against an older inventory"
                + " (make install -l "
                + host
                + " sends it)");
  }
}
