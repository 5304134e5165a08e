package io.pigsty.builder.cli;

import io.pigsty.builder.ha.HaException;
import io.pigsty.builder.ha.PatroniApi;
import io.pigsty.builder.ha.Switchover;
import io.pigsty.builder.install.HaConfigs;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pigsty switchover CLUSTER [--to INSTANCE]}: a planned switchover through Patroni. */
@Command(
    name = "switchover",
    mixinStandardHelpOptions = true,
    description = {
      "Planned switchover of a PostgreSQL cluster of pigsty.yml through Patroni's REST API"
          + " (POST /switchover with patroni_username/patroni_password): the leader hands over to"
          + " INSTANCE (or the healthiest replica), then this waits until every member that was up"
          + " runs again. Prints the old and new leader and the seconds taken."
    })
final class SwitchoverCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CLUSTER", description = "pg_cluster, e.g. pg-test.")
  String cluster;

  @Option(
      names = "--to",
      paramLabel = "INSTANCE",
      description = "The member to take over (<pg_cluster>-<pg_seq>, e.g. pg-test-2).")
  String to;

  @Option(
      names = {"-c", "--conf"},
      paramLabel = "FILE",
      defaultValue = "pigsty.yml",
      description = "Inventory (default: ${DEFAULT-VALUE}).")
  Path conf;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "After Patroni answered, wait up to this long for every member to be up again"
              + " (default: ${DEFAULT-VALUE}).")
  int wait;

  @Option(names = "--strict", description = "Unknown keys in pigsty.yml are errors, not warnings.")
  boolean strict;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Inventory inv = InventoryLoader.load(conf, strict);
    inv.warnings().forEach(w -> spec.commandLine().getErr().println("pigsty: warning: " + w));
    Inventory.PgCluster c =
        inv.cluster(cluster)
            .orElseThrow(
                () ->
                    new HaException(
                        "no cluster '" + cluster + "' in " + inv.file() + " (pg_cluster)"));
    // Patroni answers a switchover after its own wait (up to about 2 x max(10, loop_wait) s)
    PatroniApi api =
        new PatroniApi(
            HaConfigs.PATRONI_PORT,
            inv.vars().patroniUser(),
            inv.vars().patroniPassword(),
            Duration.ofSeconds(40));
    Switchover.Result r =
        new Switchover(
                api,
                line -> {
                  out.println(line);
                  out.flush();
                })
            .run(c, to, wait);
    out.printf(
        Locale.ROOT,
        "switchover of %s: %s -> %s; leader moved in %.1f s, all members up in %.1f s%n",
        r.cluster(),
        r.oldLeader(),
        r.newLeader(),
        r.switchSeconds(),
        r.settledSeconds());
    out.flush();
    return 0;
  }
}
