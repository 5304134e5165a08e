package io.pigsty.builder.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Clients that write continuously into a cluster of the docker sandbox and record every
 * acknowledged commit ({@code writer.py}, run with python3-psycopg2 on a node that is not part of
 * the cluster), and the Patroni view of that cluster, read from the same node. Times are epoch
 * seconds of the one kernel clock the host and its containers share.
 */
final class Writers {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SCRIPT = "/root/writer.py";

  private final DockerNodes nodes;
  private final String client;
  private final List<String> members;

  /**
   * @param nodes the sandbox
   * @param client the node that runs the writers and reads Patroni (not a member)
   * @param members the cluster's hosts, in inventory order
   */
  Writers(DockerNodes nodes, String client, List<String> members) {
    this.nodes = nodes;
    this.client = client;
    this.members = List.copyOf(members);
  }

  /** Copies writer.py to the client and installs python3-psycopg2 from the local repo. */
  void install(Path tmp) throws Exception {
    Path f = tmp.resolve("writer.py");
    try (InputStream in = Writers.class.getResourceAsStream("writer.py")) {
      Files.write(f, in.readAllBytes());
    }
    nodes.copy(f, client, SCRIPT);
    nodes.execOk(
        client,
        "sh",
        "-c",
        "dpkg -s python3-psycopg2 >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive"
            + " apt-get install -y -q python3-psycopg2");
  }

  /** One acknowledged commit. */
  record Ack(long id, double at) {}

  /**
   * What a writer saw.
   *
   * @param name the writer (and its table)
   * @param acks acknowledged commits, in order
   * @param errors error lines ({@code err ID EPOCH MESSAGE})
   */
  record Outcome(String name, List<Ack> acks, List<String> errors) {
    /**
     * The outage a kill at {@code t} caused: the longest time between two consecutive
     * acknowledgements of which the later one came after {@code t}. (Acknowledgements go on for the
     * fraction of a second {@code docker kill} takes, so the first one after {@code t} is not yet
     * from the new leader.)
     *
     * @return seconds, or NaN when nothing was acknowledged after {@code t}
     */
    double outageAfter(double t) {
      double max = Double.NaN;
      for (int i = 1; i < acks.size(); i++) {
        if (acks.get(i).at() > t) {
          double gap = acks.get(i).at() - acks.get(i - 1).at();
          max = Double.isNaN(max) ? gap : Math.max(max, gap);
        }
      }
      return max;
    }

    /**
     * @return the longest time between two consecutive acknowledgements
     */
    double maxGap() {
      double max = 0;
      for (int i = 1; i < acks.size(); i++) {
        max = Math.max(max, acks.get(i).at() - acks.get(i - 1).at());
      }
      return max;
    }

    /**
     * @return acknowledged ids missing from {@code present}
     */
    List<Long> lost(Set<Long> present) {
      return acks.stream().map(Ack::id).filter(id -> !present.contains(id)).toList();
    }
  }

  /**
   * Libpq keyword/value DSN with the sandbox's test login and short timeouts. No {@code
   * target_session_attrs=read-write}: through pgbouncer libpq would read {@code in_hot_standby}
   * from the parameters pgbouncer cached when its server connection was made, before a promotion.
   */
  static String dsn(String hosts, int port) {
    return "host="
        + hosts
        + " port="
        + port
        + " dbname=test user=test password=test connect_timeout=2 tcp_user_timeout=3000"
        + " keepalives_idle=1 keepalives_interval=1 keepalives_count=2";
  }

  String psql(String dsn, String sql) throws Exception {
    return nodes.execOk(client, "psql", "-v", "ON_ERROR_STOP=1", "-Atc", sql, dsn);
  }

  /** Creates (again) the writer's table and starts it in the background for {@code seconds}. */
  void start(String name, String dsn, int seconds) throws Exception {
    psql(
        dsn,
        "DROP TABLE IF EXISTS " + name + "; CREATE TABLE " + name + " (id bigint PRIMARY KEY)");
    nodes.execOk(
        client,
        "sh",
        "-c",
        "setsid nohup python3 "
            + SCRIPT
            + " '"
            + dsn
            + "' "
            + name
            + " "
            + seconds
            + " /root/"
            + name
            + ".log >/root/"
            + name
            + ".out 2>&1 </dev/null &");
  }

  /** Waits for the writer's {@code done} line and parses its log. */
  Outcome await(String name, int timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    while (true) {
      DockerNodes.Result r = nodes.exec(client, "cat", "/root/" + name + ".log");
      if (r.exitCode() == 0 && r.stdout().endsWith("done\n")) {
        return parse(name, r.stdout());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            name
                + ": no 'done' after "
                + timeoutSeconds
                + " s; log tail: "
                + tail(r.output())
                + nodes.exec(client, "cat", "/root/" + name + ".out").output());
      }
      Thread.sleep(1000);
    }
  }

  static String tail(String s) {
    return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
  }

  static Outcome parse(String name, String log) {
    List<Ack> acks = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.startsWith("ok ")) {
        String[] f = line.split(" ");
        acks.add(new Ack(Long.parseLong(f[1]), Double.parseDouble(f[2])));
      } else if (line.startsWith("err ")) {
        errors.add(line);
      }
    }
    return new Outcome(name, acks, errors);
  }

  /** The ids in the writer's table, read through {@code dsn}. */
  Set<Long> present(String dsn, String name) throws Exception {
    Set<Long> ids = new HashSet<>();
    for (String l : psql(dsn, "SELECT id FROM " + name).split("\n")) {
      if (!l.isBlank()) {
        ids.add(Long.parseLong(l.strip()));
      }
    }
    return ids;
  }

  /** GET on a member's Patroni REST API from the client. */
  String get(String ip, String path) throws Exception {
    return nodes.execOk(
        client,
        "python3",
        "-c",
        "import urllib.request;print(urllib.request.urlopen('http://"
            + ip
            + ":8008"
            + path
            + "', timeout=3).read().decode())");
  }

  /** The members as the first answering member lists them ({@code GET /cluster}). */
  JsonNode cluster() throws Exception {
    List<String> errors = new ArrayList<>();
    for (String ip : members) {
      try {
        return JSON.readTree(get(ip, "/cluster")).get("members");
      } catch (SandboxException | IOException e) {
        errors.add(e.getMessage());
      }
    }
    throw new AssertionError("no member answers /cluster: " + errors);
  }

  /** The host of the member holding the leader key, or null. */
  String leaderHost() throws Exception {
    for (JsonNode m : cluster()) {
      if (m.path("role").asText().equals("leader") && m.path("state").asText().equals("running")) {
        return m.path("host").asText();
      }
    }
    return null;
  }

  /** One line per member: {@code name role state lag}. */
  String describe() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (JsonNode m : cluster()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s %s %s tl=%s lag=%s; ",
              m.path("name").asText(),
              m.path("role").asText(),
              m.path("state").asText(),
              m.path("timeline").asText(),
              m.path("lag").asText("-")));
    }
    return sb.toString();
  }

  /**
   * Waits until every member runs: one leader, the others replicas streaming with a known lag.
   *
   * @return seconds waited
   */
  double awaitHealthy(int timeoutSeconds) throws Exception {
    long t0 = System.nanoTime();
    long deadline = t0 + timeoutSeconds * 1_000_000_000L;
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        JsonNode ms = cluster();
        int leaders = 0;
        int ready = 0;
        for (JsonNode m : ms) {
          String state = m.path("state").asText();
          boolean up = state.equals("running") || state.equals("streaming");
          if (m.path("role").asText().equals("leader") && up) {
            leaders++;
          } else if (up && m.path("lag").canConvertToLong()) {
            ready++;
          }
        }
        if (leaders == 1 && ready == members.size() - 1) {
          return (System.nanoTime() - t0) / 1e9;
        }
        last = describe();
      } catch (AssertionError | Exception e) {
        last = String.valueOf(e.getMessage());
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("cluster not healthy after " + timeoutSeconds + " s: " + last);
  }
}
