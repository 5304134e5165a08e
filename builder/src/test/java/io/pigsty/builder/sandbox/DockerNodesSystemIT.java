package io.pigsty.builder.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * The four-node sandbox on docker, as the multi-node installer relies on it: systemd runs on every
 * node, the admin node reaches the others by SSH with its key only, no node has a route out or
 * forwards, the admin node's HTTP server (the nodes' apt source) is reachable, an address moves
 * between nodes with a gratuitous ARP (the L2 VIP), and a killed node boots again with the same IP
 * and host key. Needs a running docker and the node image: {@code make sandbox-test}. Prints
 * timings as {@code key=value} lines.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerNodesSystemIT {
  static final String ADMIN = "10.10.10.10";
  static final List<String> OTHERS = List.of("10.10.10.11", "10.10.10.12", "10.10.10.13");

  DockerNodes nodes;

  @BeforeAll
  void boot() throws Exception {
    long tc = System.nanoTime();
    DockerClientFactory.instance().client();
    figure("docker_client_seconds", tc);
    long t0 = System.nanoTime();
    nodes = DockerNodes.start(4);
    figure("docker_boot_4_nodes_seconds", t0);
    long sum = 0;
    for (String ip : nodes.ips()) {
      sum += nodes.memoryBytes(ip);
    }
    System.out.printf(
        Locale.ROOT, "docker_idle_node_mib=%.1f%n", sum / 4.0 / (1024 * 1024)); // after boot
    // the admin key goes to the others, and the admin node records their host keys
    nodes.authorizeAdminKey(ADMIN, OTHERS);
  }

  @AfterAll
  void remove() throws Exception {
    if (nodes != null) {
      nodes.close();
    }
  }

  static void figure(String key, long startNanos) {
    System.out.printf(
        Locale.ROOT, "%s=%.2f%n", key, (System.nanoTime() - startNanos) / 1_000_000_000.0);
  }

  /**
   * ssh from one node to another as root, key only; {@code hostKeys}: StrictHostKeyChecking, or
   * {@code none}: no host key recorded or checked (an address that moves between nodes).
   */
  DockerNodes.Result ssh(String from, String to, String hostKeys, String... cmd)
      throws SandboxException {
    List<String> argv = new ArrayList<>();
    argv.addAll(List.of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5"));
    if (hostKeys.equals("none")) {
      argv.addAll(List.of("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"));
    } else {
      argv.addAll(List.of("-o", "StrictHostKeyChecking=" + hostKeys));
    }
    argv.add("root@" + to);
    argv.addAll(List.of(cmd));
    return nodes.exec(from, argv.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void everyNode_systemdRunning() throws Exception {
    for (String ip : nodes.ips()) {
      assertThat(nodes.exec(ip, "systemctl", "is-system-running").stdout().strip())
          .as(ip)
          .isEqualTo("running");
      assertThat(nodes.execOk(ip, "hostname").strip()).isEqualTo(DockerNodes.nameOf(ip));
    }
  }

  @Test
  @Order(2)
  void adminNode_sshToEveryOtherNodeByKey() throws Exception {
    for (String ip : OTHERS) {
      DockerNodes.Result r = ssh(ADMIN, ip, "accept-new", "hostname");
      assertThat(r.exitCode()).as(ip + ": " + r.output()).isZero();
      assertThat(r.stdout().strip()).isEqualTo(DockerNodes.nameOf(ip));
    }
  }

  @Test
  @Order(3)
  void nodeWithoutAuthorizedKey_refusedWithoutPasswordPrompt() throws Exception {
    nodes.execOk("10.10.10.12", "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "/root/k");
    DockerNodes.Result r =
        nodes.exec(
            "10.10.10.12",
            "ssh",
            "-i",
            "/root/k",
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "root@10.10.10.13",
            "true");
    assertThat(r.exitCode()).isEqualTo(255);
    assertThat(r.stderr()).contains("Permission denied (publickey)");
  }

  @Test
  @Order(4)
  void everyNode_hasNoRouteOut() throws Exception {
    for (String ip : nodes.ips()) {
      DockerNodes.Result r = nodes.exec(ip, "ip", "route", "get", "1.1.1.1");
      assertThat(r.exitCode()).as(ip).isNotZero();
      assertThat(r.output()).as(ip).contains("unreachable");
      assertThat(nodes.execOk(ip, "ip", "route", "show", "default")).as(ip).isEmpty();
    }
  }

  @Test
  @Order(5)
  void everyNode_doesNotForward() throws Exception {
    for (String ip : nodes.ips()) {
      assertThat(nodes.execOk(ip, "cat", "/proc/sys/net/ipv4/ip_forward").strip())
          .as(ip)
          .isEqualTo("0");
    }
  }

  @Test
  @Order(6)
  void adminNode_httpServerReachableFromOthers() throws Exception {
    nodes.execOk(
        ADMIN, "sh", "-c", "mkdir -p /srv/www/pigsty && echo pigsty-ok >/srv/www/pigsty/probe");
    nodes.execOk(
        ADMIN,
        "systemd-run",
        "--unit=pigsty-probe-http",
        "python3",
        "-m",
        "http.server",
        "80",
        "--bind",
        ADMIN,
        "--directory",
        "/srv/www");
    String fetch =
        "import sys, time, urllib.request\n"
            + "for _ in range(50):\n"
            + "    try:\n"
            + "        print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode(), end='')\n"
            + "        sys.exit(0)\n"
            + "    except OSError:\n"
            + "        time.sleep(0.1)\n"
            + "sys.exit(1)\n";
    for (String ip : OTHERS) {
      DockerNodes.Result r =
          nodes.exec(ip, "python3", "-c", fetch, "http://" + ADMIN + "/pigsty/probe");
      assertThat(r.exitCode()).as(ip + ": " + r.output()).isZero();
      assertThat(r.stdout().strip()).isEqualTo("pigsty-ok");
    }
  }

  @Test
  @Order(7)
  void copy_refusesTmpfs(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    assertThatThrownBy(() -> nodes.copy(f, ADMIN, "/tmp/f"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tmpfs");
    nodes.copy(f, ADMIN, "/var/tmp/pigsty/f");
    assertThat(nodes.execOk(ADMIN, "cat", "/var/tmp/pigsty/f")).isEqualTo("x");
  }

  @Test
  @Order(8)
  void vip_movesToAnotherNodeWithGratuitousArp() throws Exception {
    String vip = "10.10.10.2";
    String from = "10.10.10.12";
    String to = "10.10.10.13";
    nodes.execOk(from, "ip", "addr", "add", vip + "/24", "dev", "eth0");
    nodes.execOk(from, "arping", "-q", "-U", "-c", "1", "-I", "eth0", vip);
    DockerNodes.Result first = ssh(ADMIN, vip, "none", "hostname");
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.stdout().strip()).isEqualTo(DockerNodes.nameOf(from));
    // the admin node now has the old holder's MAC for the VIP; only the announcement changes it
    nodes.execOk(from, "ip", "addr", "del", vip + "/24", "dev", "eth0");
    nodes.execOk(to, "ip", "addr", "add", vip + "/24", "dev", "eth0");
    nodes.execOk(to, "arping", "-q", "-U", "-c", "1", "-I", "eth0", vip);
    String mac = nodes.execOk(to, "cat", "/sys/class/net/eth0/address").strip();
    assertThat(nodes.execOk(ADMIN, "ip", "neigh", "show", vip)).contains(mac);
    DockerNodes.Result moved = ssh(ADMIN, vip, "none", "hostname");
    assertThat(moved.exitCode()).as(moved.output()).isZero();
    assertThat(moved.stdout().strip()).isEqualTo(DockerNodes.nameOf(to));
    nodes.execOk(to, "ip", "addr", "del", vip + "/24", "dev", "eth0");
  }

  @Test
  @Order(9)
  void killedNode_bootsAgainWithSameIpAndHostKey() throws Exception {
    String ip = "10.10.10.11";
    DockerNodes.Result before = ssh(ADMIN, ip, "accept-new", "true");
    assertThat(before.exitCode()).as(before.output()).isZero();
    long t0 = System.nanoTime();
    nodes.kill(ip);
    figure("docker_kill_seconds", t0);
    DockerNodes.Result down = ssh(ADMIN, ip, "yes", "true");
    assertThat(down.exitCode()).as(down.output()).isEqualTo(255);
    long t1 = System.nanoTime();
    nodes.start(ip);
    figure("docker_restart_seconds", t1);
    assertThat(nodes.execOk(ip, "ip", "-4", "-o", "addr", "show", "eth0")).contains(ip + "/24");
    assertThat(nodes.execOk(ip, "ip", "route", "show", "default")).isEmpty();
    // StrictHostKeyChecking=yes: the host key recorded before the kill must still match
    DockerNodes.Result up = ssh(ADMIN, ip, "yes", "hostname");
    assertThat(up.exitCode()).as(up.output()).isZero();
    assertThat(up.stdout().strip()).isEqualTo(DockerNodes.nameOf(ip));
  }
}
