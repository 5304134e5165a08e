package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.ha.PatroniApi;
import io.pigsty.builder.install.HealthCheck.Item;
import io.pigsty.builder.inventory.InventoryLoaderTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cluster-level items of {@code pigsty status}, from Patroni's {@code GET /cluster} answer. */
class ClusterHealthTest {
  static final List<String> PG_TEST = List.of("pg-test-1", "pg-test-2", "pg-test-3");

  static String answer() throws Exception {
    return Files.readString(Path.of("src/test/resources/install/patroni-cluster.json"));
  }

  static List<Item> judge(List<String> expected, String json) throws Exception {
    return ClusterHealth.patroniCluster(
        "pg-test", expected, PatroniApi.parseCluster(json.getBytes(StandardCharsets.UTF_8), "u"));
  }

  @Test
  void patroniCluster_oneLeaderAndEveryMemberRunningOrStreamingPass() throws Exception {
    List<Item> items = judge(PG_TEST, answer());
    assertThat(items)
        .containsExactly(
            new Item("patroni pg-test leader", true, "pg-test-1 on 10.10.10.11"),
            new Item(
                "patroni pg-test members",
                true,
                "pg-test-1 leader running, pg-test-2 replica running, pg-test-3 replica"
                    + " streaming"));
  }

  @Test
  void patroniCluster_noLeaderFailsListingTheMembers() throws Exception {
    String json = answer().replace("\"role\": \"leader\"", "\"role\": \"replica\"");
    Item leader = judge(PG_TEST, json).get(0);
    assertThat(leader.ok()).isFalse();
    assertThat(leader.detail()).startsWith("no leader (pg-test-1 replica running, ");
  }

  @Test
  void patroniCluster_twoLeadersFail() throws Exception {
    String json =
        answer()
            .replace(
                "\"role\": \"replica\", \"state\": \"running\"",
                "\"role\": \"leader\", \"state\": \"running\"");
    Item leader = judge(PG_TEST, json).get(0);
    assertThat(leader.ok()).isFalse();
    assertThat(leader.detail())
        .isEqualTo("2 leaders: [pg-test-1 on 10.10.10.11, pg-test-2 on 10.10.10.12]");
  }

  @Test
  void patroniCluster_aStoppedOrMissingInstanceFailsTheMembersItem() throws Exception {
    String json = answer().replace("\"state\": \"streaming\"", "\"state\": \"stopped\"");
    List<String> expected = List.of("pg-test-1", "pg-test-2", "pg-test-3", "pg-test-4");
    List<Item> items = judge(expected, json);
    assertThat(items.get(0).ok()).isTrue();
    assertThat(items.get(1).ok()).isFalse();
    assertThat(items.get(1).detail())
        .startsWith("pg-test-3 is stopped; pg-test-4 is not a member (pg-test-1 leader running");
  }

  @Test
  void check_aSingleNodeInventoryHasNoClusterItem() throws Exception {
    var inv = InventoryLoaderTest.demo();
    assertThat(ClusterHealth.check(inv, inv.nodes(), System.nanoTime())).isEmpty();
  }
}
