package io.pigsty.builder.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code make demo4}: the release and the bundle copied to 10.10.10.10 as from a USB stick, {@code
 * ./configure -n -m demo4}, {@code make install} (the admin node, then .11-.13 over SSH from its
 * repository), then a second {@code make install} that changes nothing on any node. Checks pg-test
 * under Patroni (one leader, two streaming members, the offline one tagged), its services through
 * HAProxy and the VIP. Needs docker, the node image and the two files named by the system
 * properties {@code pigsty.release} and {@code pigsty.bundle} ({@code make demo4} passes them).
 * Prints figures as {@code key=value} lines. {@code -Dpigsty.keep=true} leaves the nodes up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Demo4SystemIT {
  static final String ADMIN = "10.10.10.10";
  static final List<String> OTHERS = List.of("10.10.10.11", "10.10.10.12", "10.10.10.13");
  static final Pattern NODE_CHANGES = Pattern.compile("(?m)^node (10\\.10\\.10\\.1[1-3]): (.*)$");

  DockerNodes nodes;
  String firstInstall;

  static Path file(String property) {
    String v = System.getProperty(property);
    assertThat(v).as("system property " + property + " (make demo4 sets it)").isNotBlank();
    Path p = Path.of(v);
    assertThat(p).as(property).isRegularFile();
    return p;
  }

  @BeforeAll
  void boot() throws Exception {
    Path release = file("pigsty.release");
    Path bundle = file("pigsty.bundle");
    long t0 = System.nanoTime();
    nodes = DockerNodes.start(4);
    figure("demo4_boot_seconds", t0);
    nodes.copy(release, ADMIN, "/root/pigsty.tgz");
    nodes.copy(bundle, ADMIN, "/root/pkg.tgz");
    nodes.execOk(ADMIN, "chmod", "0644", "/root/pkg.tgz");
    nodes.execOk(ADMIN, "tar", "-xzf", "/root/pigsty.tgz", "-C", "/root");
    // the admin key is authorized on the others beforehand, as a user prepares nodes for Pigsty
    nodes.authorizeAdminKey(ADMIN, OTHERS);
  }

  @AfterAll
  void remove() throws Exception {
    if (nodes != null && !Boolean.getBoolean("pigsty.keep")) {
      nodes.close();
    }
  }

  static void figure(String key, long startNanos) {
    System.out.printf(
        Locale.ROOT, "%s=%.1f%n", key, (System.nanoTime() - startNanos) / 1_000_000_000.0);
  }

  DockerNodes.Result admin(String script) throws Exception {
    DockerNodes.Result r = nodes.exec(ADMIN, "sh", "-c", "cd /root/pigsty && " + script);
    System.out.println("$ " + script + " -> exit " + r.exitCode());
    System.out.println(r.output());
    return r;
  }

  @Test
  @Order(1)
  void configureChecksSshToEveryNodeAndPinsTheirHostKeys() throws Exception {
    long t0 = System.nanoTime();
    DockerNodes.Result r = admin("./configure -n -m demo4 -p /root/pkg.tgz");
    figure("demo4_configure_seconds", t0);
    assertThat(r.exitCode()).as(r.output()).isZero();
    for (String ip : OTHERS) {
      assertThat(r.stdout()).contains("[ OK ] ssh = root@" + ip);
    }
    assertThat(nodes.execOk(ADMIN, "cat", "/root/pigsty/known_hosts").lines()).hasSize(3);
  }

  @Test
  @Order(2)
  void makeInstallBringsUpEveryNode() throws Exception {
    long t0 = System.nanoTime();
    DockerNodes.Result r = admin("make install");
    figure("demo4_install_seconds", t0);
    firstInstall = r.output();
    assertThat(r.exitCode()).as(r.output()).isZero();
    Matcher m = NODE_CHANGES.matcher(r.stdout());
    int n = 0;
    while (m.find()) {
      assertThat(m.group(2)).as(m.group(1)).startsWith("changes: ");
      n++;
    }
    assertThat(n).isEqualTo(3);
  }

  @Test
  @Order(3)
  void pgTestRunsUnderPatroniWithOneLeaderAndTwoReplicasWithoutLag() throws Exception {
    String cluster =
        nodes.execOk(
            ADMIN,
            "python3",
            "-c",
            "import urllib.request;"
                + "print(urllib.request.urlopen('http://10.10.10.11:8008/cluster').read().decode())");
    System.out.println("pg-test cluster: " + cluster);
    assertThat(cluster).contains("\"name\": \"pg-test-1\"").contains("\"role\": \"leader\"");
    // Patroni 3.0.2 says "running" for a replica (later versions say "streaming")
    assertThat(cluster.split("\"role\": \"replica\"", -1).length - 1).isEqualTo(2);
    assertThat(cluster.split("\"lag\": 0", -1).length - 1).isEqualTo(2);
    assertThat(cluster).contains("\"nofailover\": true");
  }

  @Test
  @Order(4)
  void servicesAnswerThroughHaproxyAndTheVip() throws Exception {
    for (String target :
        List.of("10.10.10.12 -p 5433", "10.10.10.13 -p 5434", "10.10.10.3 -p 5432")) {
      DockerNodes.Result r =
          nodes.exec(
              ADMIN,
              "sh",
              "-c",
              "PGPASSWORD=test PGCONNECT_TIMEOUT=5 psql -h "
                  + target
                  + " -U test -d test -Atc 'SELECT pg_is_in_recovery()'");
      assertThat(r.exitCode()).as(target + ": " + r.output()).isZero();
    }
    DockerNodes.Result primary =
        nodes.exec(
            ADMIN,
            "sh",
            "-c",
            "PGPASSWORD=test psql -h 10.10.10.3 -U test -d test -Atc 'SELECT pg_is_in_recovery()'");
    assertThat(primary.stdout().strip()).as("the VIP is on the leader").isEqualTo("f");
  }

  @Test
  @Order(5)
  void aSecondInstallChangesNothingOnAnyNode() throws Exception {
    long t0 = System.nanoTime();
    DockerNodes.Result r = admin("make install");
    figure("demo4_second_install_seconds", t0);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.stdout()).contains("changes: 0");
    Matcher m = NODE_CHANGES.matcher(r.stdout());
    int n = 0;
    while (m.find()) {
      assertThat(m.group(2)).as(m.group(1) + "\n" + r.output()).isEqualTo("changes: 0");
      n++;
    }
    assertThat(n).isEqualTo(3);
  }

  @Test
  @Order(6)
  void makeStatusReportsEveryNodeAndTheConnectionStringsArePrinted() throws Exception {
    DockerNodes.Result r = admin("make status");
    assertThat(r.exitCode()).as(r.output()).isZero();
    for (String ip : OTHERS) {
      assertThat(r.stdout()).contains("node " + ip + " (pg-test-");
    }
    assertThat(r.stdout()).contains("patroni pg-test leader");
    System.out.println(
        "connect (from a node of pigsty-demo4):\n"
            + "  psql postgres://test:test@10.10.10.3:5432/test     # the VIP, on the leader\n"
            + "  psql postgres://test:test@10.10.10.11:5433/test    # primary service (pgbouncer of the leader)\n"
            + "  psql postgres://test:test@10.10.10.11:5434/test    # replica service (read-only)\n"
            + "  psql postgres://test:test@10.10.10.11:5436/test    # default service (postgres of the leader)\n"
            + "  psql postgres://test:test@10.10.10.11:5438/test    # offline service\n"
            + "  http://10.10.10.10:9090/ (Prometheus), http://10.10.10.11:9101/ (HAProxy stats)");
  }

  // ---- switchover and failover: a client on the admin node writes through 5433 and the VIP ----

  static final String VIP = "10.10.10.3";
  static final String HAPROXY = String.join(",", OTHERS);

  Writers writers() throws Exception {
    if (writers == null) {
      writers = new Writers(nodes, ADMIN, OTHERS);
      writers.install(Files.createTempDirectory("writers"));
    }
    return writers;
  }

  Writers writers;

  static void figure(String key, double value) {
    System.out.printf(Locale.ROOT, "%s=%.2f%n", key, value);
  }

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  @Test
  @Order(7)
  void aSwitchoverPausesWritesBrieflyAndLosesNoAcknowledgedRow() throws Exception {
    Writers w = writers();
    w.awaitHealthy(180);
    String before = w.leaderHost();
    String dsn = Writers.dsn(HAPROXY, 5433);
    w.start("sw", dsn, 30);
    Thread.sleep(6000);
    double t = now();
    DockerNodes.Result r = admin("make switchover CLS=pg-test");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.stdout()).containsPattern("switchover of pg-test: pg-test-\\d -> pg-test-\\d");
    double done = now();
    Writers.Outcome o = w.await("sw", 120);
    assertThat(o.acks())
        .as("acknowledged after the switchover: " + o.errors())
        .anyMatch(a -> a.at() > done);
    assertThat(w.leaderHost()).isNotEqualTo(before);
    List<Long> lost = o.lost(w.present(dsn, "sw"));
    figure("switchover_write_pause_seconds", o.maxGap());
    figure("switchover_command_seconds", done - t);
    System.out.println(
        "switchover: "
            + o.acks().size()
            + " acknowledged, "
            + o.errors().size()
            + " errors, lost "
            + lost.size());
    // a planned switchover shuts the old leader down cleanly: its WAL reaches the replicas first
    assertThat(lost).as("acknowledged rows missing after a switchover").isEmpty();
    w.awaitHealthy(180);
  }

  /** One kill of the leader's node with two writers; returns {rto via 5433, rto via VIP, lost}. */
  double[] killTheLeader(String tag) throws Exception {
    Writers w = writers();
    w.awaitHealthy(240);
    String leader = w.leaderHost();
    assertThat(leader).as(w.describe()).isNotNull();
    String viaHaproxy = Writers.dsn(HAPROXY, 5433);
    w.start("f" + tag, viaHaproxy, 45);
    w.start("v" + tag, Writers.dsn(VIP, 5432), 45);
    Thread.sleep(8000);
    double killAt = now();
    nodes.kill(leader);
    Writers.Outcome f = w.await("f" + tag, 150);
    Writers.Outcome v = w.await("v" + tag, 150);
    String after = w.leaderHost();
    System.out.println("kill " + leader + ": now " + w.describe());
    assertThat(after).as("a new leader").isNotNull().isNotEqualTo(leader);
    double rto = f.outageAfter(killAt);
    double rtoVip = v.outageAfter(killAt);
    assertThat(rto).as("writes through 5433 resumed after the kill: " + f.errors()).isNotNaN();
    assertThat(rtoVip)
        .as("writes through the VIP resumed after the kill: " + v.errors())
        .isNotNaN();
    Set<Long> present = w.present(viaHaproxy, "f" + tag);
    int lost = f.lost(present).size() + v.lost(w.present(viaHaproxy, "v" + tag)).size();
    System.out.printf(
        Locale.ROOT,
        "failover %s: %s killed, %s leads; rto 5433 %.2f s, vip %.2f s; %d + %d acknowledged, %d lost%n",
        tag,
        leader,
        after,
        rto,
        rtoVip,
        f.acks().size(),
        v.acks().size(),
        lost);
    double t0 = System.nanoTime();
    nodes.start(leader);
    double rejoin = w.awaitHealthy(300);
    figure("rejoin_seconds", (System.nanoTime() - t0) / 1e9);
    String name = "pg-test-" + (OTHERS.indexOf(leader) + 1);
    String journal =
        nodes
            .exec(leader, "journalctl", "-u", "patroni@15-main", "--no-pager", "-o", "cat")
            .output();
    System.out.println(
        name
            + " rejoined as a replica in "
            + rejoin
            + " s; pg_rewind "
            + (journal.contains("pg_rewind") ? "ran" : "not needed"));
    assertThat(w.describe()).contains(name + " replica");
    return new double[] {rto, rtoVip, lost};
  }

  @Test
  @Order(8)
  void killingTheLeadersNodeFailsOverAndTheNodeRejoinsAsAReplica() throws Exception {
    int kills = Integer.getInteger("pigsty.kills", 1);
    List<Double> rtos = new ArrayList<>();
    for (int k = 1; k <= kills; k++) {
      double[] r = killTheLeader("a" + k);
      figure("failover_rto_seconds", r[0]);
      figure("failover_rto_vip_seconds", r[1]);
      figure("failover_lost_rows_async", r[2]);
      rtos.add(Math.max(r[0], r[1]));
    }
    Collections.sort(rtos);
    figure("failover_rto_median_seconds", rtos.get(rtos.size() / 2));
    figure("failover_rto_max_seconds", rtos.get(rtos.size() - 1));
    System.out.println("failover_kills=" + kills);
  }

  String patroniPassword() throws Exception {
    String y = nodes.execOk(ADMIN, "cat", "/root/pigsty/pigsty.yml");
    Matcher m = Pattern.compile("(?m)^\\s*patroni_password:\\s*(\\S+)\\s*$").matcher(y);
    assertThat(m.find()).as("patroni_password in pigsty.yml").isTrue();
    return m.group(1);
  }

  /** PATCH /config {"synchronous_mode": on} through the leader's REST API, with the login. */
  void synchronousMode(boolean on) throws Exception {
    String leader = writers().leaderHost();
    String auth =
        java.util.Base64.getEncoder()
            .encodeToString(("postgres:" + patroniPassword()).getBytes(StandardCharsets.UTF_8));
    nodes.execOk(
        ADMIN,
        "python3",
        "-c",
        "import urllib.request;r=urllib.request.Request('http://"
            + leader
            + ":8008/config',data=b'{\"synchronous_mode\": "
            + on
            + "}',method='PATCH',headers={'Content-Type':'application/json','Authorization':'Basic "
            + auth
            + "'});print(urllib.request.urlopen(r,timeout=10).read().decode())");
  }

  @Test
  @Order(9)
  void withSynchronousModeNoAcknowledgedRowIsLost() throws Exception {
    Writers w = writers();
    w.awaitHealthy(240);
    synchronousMode(true);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!w.describe().contains("sync_standby") && System.nanoTime() < deadline) {
      Thread.sleep(1000);
    }
    assertThat(w.describe()).contains("sync_standby");
    try {
      double[] r = killTheLeader("s");
      figure("failover_rto_sync_seconds", r[0]);
      assertThat(r[2]).as("acknowledged rows lost with synchronous_mode").isZero();
    } finally {
      synchronousMode(false);
    }
  }

  @Test
  @Order(10)
  void withANodeStoppedInstallNamesItExits41AndLeavesTheOthersConsistent() throws Exception {
    Writers w = writers();
    w.awaitHealthy(240);
    String stopped = OTHERS.get(2);
    nodes.kill(stopped);
    try {
      DockerNodes.Result r = admin("make install");
      assertThat(r.exitCode()).as(r.output()).isNotZero();
      assertThat(r.output()).contains("Error 41").contains(stopped);
      Matcher m = NODE_CHANGES.matcher(r.stdout());
      List<String> ok = new ArrayList<>();
      while (m.find()) {
        if (!m.group(1).equals(stopped)) {
          assertThat(m.group(2)).as(m.group(1)).isEqualTo("changes: 0");
          ok.add(m.group(1));
        }
      }
      assertThat(ok).containsExactlyInAnyOrder(OTHERS.get(0), OTHERS.get(1));
      DockerNodes.Result s = admin("make status");
      assertThat(s.exitCode()).as(s.output()).isNotZero();
      assertThat(s.output()).contains("Error 42").contains(stopped);
    } finally {
      nodes.start(stopped);
    }
    w.awaitHealthy(300);
  }
}
