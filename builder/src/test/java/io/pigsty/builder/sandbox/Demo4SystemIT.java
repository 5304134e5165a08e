package io.pigsty.builder.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
}
