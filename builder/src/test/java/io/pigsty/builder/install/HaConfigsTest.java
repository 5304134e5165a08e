package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.pigsty.builder.install.HaConfigs.Credential;
import io.pigsty.builder.install.HaConfigs.DcsApi;
import io.pigsty.builder.install.HaConfigs.EtcdMember;
import io.pigsty.builder.install.HaConfigs.HaproxyPorts;
import io.pigsty.builder.install.HaConfigs.Member;
import io.pigsty.builder.install.HaConfigs.PatroniSpec;
import io.pigsty.builder.install.HaConfigs.ScrapeTarget;
import io.pigsty.builder.install.HaConfigs.Timing;
import io.pigsty.builder.inventory.Inventory.Password;
import io.pigsty.builder.inventory.InventoryLoaderTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class HaConfigsTest {
  @TempDir Path tmp;

  static final java.nio.file.Path ETCD_DATA = java.nio.file.Path.of("/var/lib/etcd/default");

  static final List<EtcdMember> ETCD3 =
      List.of(
          new EtcdMember("etcd-1", "10.10.10.10"),
          new EtcdMember("etcd-2", "10.10.10.11"),
          new EtcdMember("etcd-3", "10.10.10.12"));

  static final List<Member> PG_TEST =
      List.of(
          new Member("pg-test-1", "10.10.10.11", "primary"),
          new Member("pg-test-2", "10.10.10.12", "replica"),
          new Member("pg-test-3", "10.10.10.13", "offline"));

  // ------------------------------------------------------------------ etcd

  @Test
  void etcdDefaults_listsEveryMemberAndOnlyThisMembersUrls() {
    Map<String, String> env =
        envFile(
            HaConfigs.etcdDefaults(
                "etcd-2", "10.10.10.11", ETCD3, "etcd", false, DcsApi.V3, ETCD_DATA));
    assertThat(env)
        .containsEntry("ETCD_NAME", "etcd-2")
        .containsEntry("ETCD_DATA_DIR", "/var/lib/etcd/default")
        .containsEntry("ETCD_LISTEN_PEER_URLS", "http://10.10.10.11:2380")
        .containsEntry("ETCD_LISTEN_CLIENT_URLS", "http://10.10.10.11:2379,http://127.0.0.1:2379")
        .containsEntry("ETCD_INITIAL_ADVERTISE_PEER_URLS", "http://10.10.10.11:2380")
        .containsEntry("ETCD_ADVERTISE_CLIENT_URLS", "http://10.10.10.11:2379")
        .containsEntry(
            "ETCD_INITIAL_CLUSTER",
            "etcd-1=http://10.10.10.10:2380,etcd-2=http://10.10.10.11:2380,"
                + "etcd-3=http://10.10.10.12:2380")
        .containsEntry("ETCD_INITIAL_CLUSTER_STATE", "new")
        .containsEntry("ETCD_INITIAL_CLUSTER_TOKEN", "etcd")
        .containsEntry("ETCD_ENABLE_V2", "false");
  }

  @Test
  void etcdDefaults_joiningMemberSaysExistingAndV2EnablesTheV2Api() {
    Map<String, String> env =
        envFile(
            HaConfigs.etcdDefaults(
                "etcd-3", "10.10.10.12", ETCD3, "etcd", true, DcsApi.V2, ETCD_DATA));
    assertThat(env)
        .containsEntry("ETCD_INITIAL_CLUSTER_STATE", "existing")
        .containsEntry("ETCD_ENABLE_V2", "true");
  }

  @Test
  void etcdDefaults_refusesAMemberNotInTheListAndBadValuesNamingTheKey() {
    assertThatThrownBy(
            () ->
                HaConfigs.etcdDefaults(
                    "etcd-9", "10.10.10.19", ETCD3, "etcd", false, DcsApi.V3, ETCD_DATA))
        .hasMessageContaining("etcd-9")
        .hasMessageContaining("not in the member list");
    assertThatThrownBy(() -> new EtcdMember("etcd-1", "10.10.10.300"))
        .hasMessage("etcd member etcd-1 ip: '10.10.10.300' is not an IPv4 address");
    assertThatThrownBy(() -> new EtcdMember("etcd 1", "10.10.10.10"))
        .hasMessageStartingWith("etcd member name: 'etcd 1'");
    assertThatThrownBy(
            () ->
                HaConfigs.etcdDefaults(
                    "etcd-1", "10.10.10.10", ETCD3, "tok\"en\n", false, DcsApi.V3, ETCD_DATA))
        .hasMessageStartingWith("etcd token:");
    assertThatThrownBy(
            () ->
                HaConfigs.etcdDefaults(
                    "etcd-1",
                    "10.10.10.10",
                    List.of(ETCD3.get(0), new EtcdMember("etcd-1", "10.10.10.11")),
                    "etcd",
                    false,
                    DcsApi.V3,
                    ETCD_DATA))
        .hasMessage("etcd: member name 'etcd-1' listed twice");
  }

  // ------------------------------------------------------------------ Patroni

  static PatroniSpec spec(
      String instance, String ip, String role, List<EtcdMember> etcd, int port, boolean crit) {
    return spec(instance, ip, role, etcd, port, crit, DcsApi.V3);
  }

  static PatroniSpec spec(
      String instance,
      String ip,
      String role,
      List<EtcdMember> etcd,
      int port,
      boolean crit,
      DcsApi api) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("max_connections", "100");
    params.put("shared_buffers", "256MB");
    params.put("track_io_timing", "on");
    params.put("shared_preload_libraries", "pg_stat_statements");
    return new PatroniSpec(
        "pg-test",
        instance,
        ip,
        role,
        15,
        port,
        etcd,
        api,
        new Credential("postgres", new Password("DBUser.Postgres")),
        new Credential("replicator", new Password("Rep'l$#: pass")),
        new Credential("dbuser_dba", new Password("DBUser.DBA")),
        new Credential("postgres", new Password("Patroni.API")),
        params,
        List.of(
            "# dbsu",
            "local   all   postgres   peer",
            "",
            "host    replication  replicator  10.0.0.0/8  scram-sha-256",
            "host    postgres     dbuser_dba  10.0.0.0/8  scram-sha-256"),
        crit,
        crit,
        HaConfigs.RTO_15S,
        ConfigsTest.D12);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String text) {
    return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String... path) {
    Map<String, Object> cur = m;
    for (String p : path) {
      cur = (Map<String, Object>) cur.get(p);
      assertThat(cur).as(String.join(".", path)).isNotNull();
    }
    return cur;
  }

  @Test
  void patroniYml_hasDebianLayoutIdentityDcsAndTimings() {
    String text =
        HaConfigs.patroniYml(spec("pg-test-1", "10.10.10.11", "primary", ETCD3, 5432, false));
    Map<String, Object> y = yaml(text);
    assertThat(y)
        .containsEntry("scope", "pg-test")
        .containsEntry("namespace", "/pg/")
        .containsEntry("name", "pg-test-1");
    assertThat(map(y, "restapi"))
        .containsEntry("listen", "10.10.10.11:8008")
        .containsEntry("connect_address", "10.10.10.11:8008");
    assertThat(map(y, "restapi", "authentication"))
        .containsEntry("username", "postgres")
        .containsEntry("password", "Patroni.API");
    assertThat(map(y, "etcd3").get("hosts"))
        .isEqualTo(List.of("10.10.10.10:2379", "10.10.10.11:2379", "10.10.10.12:2379"));
    assertThat(y).doesNotContainKey("etcd");
    Map<String, Object> dcs = map(y, "bootstrap", "dcs");
    assertThat(dcs)
        .containsEntry("ttl", 10)
        .containsEntry("loop_wait", 2)
        .containsEntry("retry_timeout", 4)
        .containsEntry("synchronous_mode", false)
        .containsEntry("failsafe_mode", true);
    int ttl = (Integer) dcs.get("ttl");
    assertThat((Integer) dcs.get("loop_wait") + 2 * (Integer) dcs.get("retry_timeout"))
        .isLessThanOrEqualTo(ttl);
    assertThat(map(y, "bootstrap", "dcs", "postgresql"))
        .containsEntry("use_pg_rewind", true)
        .containsEntry("use_slots", true);
    assertThat(map(y, "bootstrap", "dcs", "postgresql", "parameters"))
        .containsEntry("max_connections", "100")
        .containsEntry("track_io_timing", "on");
    assertThat(map(y, "bootstrap").get("initdb"))
        .isEqualTo(List.of(Map.of("encoding", "UTF8"), Map.of("locale", "C.UTF-8")));
    Map<String, Object> pg = map(y, "postgresql");
    assertThat(pg)
        .containsEntry("listen", "0.0.0.0:5432")
        .containsEntry("connect_address", "10.10.10.11:5432")
        .containsEntry("data_dir", "/var/lib/postgresql/15/main")
        .doesNotContainKey("config_dir")
        .containsEntry("bin_dir", "/usr/lib/postgresql/15/bin")
        .containsEntry("use_pg_rewind", true)
        .containsEntry("create_replica_methods", List.of("basebackup"));
    assertThat(map(y, "postgresql", "authentication", "replication"))
        .containsEntry("username", "replicator")
        .containsEntry("password", "Rep'l$#: pass");
    assertThat(map(y, "postgresql", "authentication", "rewind"))
        .containsEntry("username", "dbuser_dba");
    assertThat(map(y, "postgresql", "parameters"))
        .containsEntry("unix_socket_directories", "/var/run/postgresql")
        .containsEntry("shared_buffers", "256MB")
        .containsEntry("track_io_timing", "on");
    assertThat(pg.get("pg_hba"))
        .isEqualTo(
            List.of(
                "# dbsu",
                "local   all   postgres   peer",
                "host    replication  replicator  10.0.0.0/8  scram-sha-256",
                "host    postgres     dbuser_dba  10.0.0.0/8  scram-sha-256"));
    assertThat(map(y, "tags"))
        .containsEntry("nofailover", false)
        .containsEntry("noloadbalance", false)
        .containsEntry("nosync", false)
        .containsEntry("clonefrom", true);
    assertThat(text).contains("0600");
  }

  @Test
  void patroniYml_offlineMemberCarriesNofailoverNoloadbalanceNosync() {
    Map<String, Object> y =
        yaml(HaConfigs.patroniYml(spec("pg-test-3", "10.10.10.13", "offline", ETCD3, 5432, false)));
    assertThat(map(y, "tags"))
        .containsEntry("nofailover", true)
        .containsEntry("noloadbalance", true)
        .containsEntry("nosync", true);
  }

  @SuppressWarnings("unchecked")
  @Test
  void patroniYml_critTurnsOnSynchronousModeAndChecksums() {
    Map<String, Object> y =
        yaml(HaConfigs.patroniYml(spec("pg-test-1", "10.10.10.11", "primary", ETCD3, 5432, true)));
    assertThat(map(y, "bootstrap", "dcs"))
        .containsEntry("synchronous_mode", true)
        .containsEntry("synchronous_mode_strict", false);
    assertThat((List<Object>) map(y, "bootstrap").get("initdb")).contains("data-checksums");
  }

  @Test
  void patroniYml_v2UsesPatronisEtcdSection() {
    PatroniSpec v2 = spec("pg-test-1", "10.10.10.11", "primary", ETCD3, 5432, false, DcsApi.V2);
    Map<String, Object> y = yaml(HaConfigs.patroniYml(v2));
    assertThat(y).doesNotContainKey("etcd3");
    assertThat(map(y, "etcd").get("hosts"))
        .isEqualTo(List.of("10.10.10.10:2379", "10.10.10.11:2379", "10.10.10.12:2379"));
  }

  /**
   * The oracle: Debian's patroni 3.0.2 {@code --validate-config}. Its validator connects to every
   * etcd host and to the listen addresses, so the file here uses loopback addresses, a listener
   * stands in for etcd, and PostgreSQL gets an unused port; bin_dir must hold PostgreSQL 15's
   * server binaries (package postgresql-15).
   */
  @Test
  void patroniYml_passesPatronisOwnValidator() throws Exception {
    String patroni = requireTool("patroni", "patroni");
    assertThat(Path.of("/usr/lib/postgresql/15/bin/pg_ctl"))
        .as("postgresql-15 (Patroni's validator checks bin_dir): apt-get install postgresql-15")
        .exists();
    try (ServerSocket etcd = new ServerSocket()) {
      etcd.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 2379));
      for (DcsApi api : DcsApi.values()) {
        for (String role : List.of("primary", "offline")) {
          boolean crit = role.equals("primary");
          Path f = tmp.resolve(role + api + ".yml");
          Files.writeString(
              f,
              HaConfigs.patroniYml(
                  spec(
                      "pg-test-1",
                      "127.0.0.2",
                      role,
                      List.of(new EtcdMember("etcd-1", "127.0.0.3")),
                      25432,
                      crit,
                      api)));
          Result r = run(patroni, "--validate-config", f.toString());
          assertThat(r.code).as(role + " " + api + ": " + r.out).isZero();
        }
      }
      // the same validator refuses a broken file: the oracle can fail
      Path bad = tmp.resolve("bad.yml");
      Files.writeString(
          bad,
          HaConfigs.patroniYml(
                  spec(
                      "pg-test-1",
                      "127.0.0.2",
                      "primary",
                      List.of(new EtcdMember("etcd-1", "127.0.0.3")),
                      25432,
                      false))
              .replace("restapi:", "restapi_gone:"));
      Result r = run(patroni, "--validate-config", bad.toString());
      assertThat(r.code).as(r.out).isNotZero();
      assertThat(r.out).contains("restapi");
    }
  }

  @Test
  void patroniSpec_refusesBadValuesNamingTheKey() {
    assertThatThrownBy(() -> spec("pg-test-1", "10.10.10.1x", "primary", ETCD3, 5432, false))
        .hasMessage("ip: '10.10.10.1x' is not an IPv4 address");
    assertThatThrownBy(() -> spec("pg_test_1", "10.10.10.11", "primary", ETCD3, 5432, false))
        .hasMessageStartingWith("instance: 'pg_test_1'");
    assertThatThrownBy(() -> spec("pg-test-1", "10.10.10.11", "leader", ETCD3, 5432, false))
        .hasMessageStartingWith("pg_role: 'leader'");
    assertThatThrownBy(() -> spec("pg-test-1", "10.10.10.11", "primary", ETCD3, 70000, false))
        .hasMessage("pg_port: 70000 is outside 1..65535");
    assertThatThrownBy(() -> spec("pg-test-1", "10.10.10.11", "primary", List.of(), 5432, false))
        .hasMessage("etcd: at least one member");
    assertThatThrownBy(() -> new Credential("postgres", new Password("md5" + "0".repeat(32))))
        .hasMessageContaining("clear text");
    assertThatThrownBy(() -> new Credential("bad user", new Password("x")))
        .hasMessage("user: 'bad user' is not a plain name");
  }

  @Test
  void patroniSpec_refusesParametersPatroniOwnsOrThatBreakTheFile() {
    PatroniSpec s = spec("pg-test-1", "10.10.10.11", "primary", ETCD3, 5432, false);
    assertThatThrownBy(() -> withParams(s, Map.of("port", "5433")))
        .hasMessage("parameters.port: set by Patroni from its own keys; leave it out");
    assertThatThrownBy(() -> withParams(s, Map.of("work_mem", "4MB\nport: 1")))
        .hasMessage("parameters.work_mem: backslashes and control characters are not allowed");
    assertThatThrownBy(() -> withParams(s, Map.of("Work-Mem", "4MB")))
        .hasMessage("parameters: 'Work-Mem' is not a setting name");
  }

  @Test
  void patroniSpec_refusesTrustAndMalformedHbaLines() {
    PatroniSpec s = spec("pg-test-1", "10.10.10.11", "primary", ETCD3, 5432, false);
    assertThatThrownBy(() -> withHba(s, List.of("host all all 0.0.0.0/0 trust")))
        .hasMessage("hba[0]: 'trust' is not allowed");
    assertThatThrownBy(() -> withHba(s, List.of("local all postgres peer", "hots all all x md5")))
        .hasMessageStartingWith("hba[1]: 'hots' is not a connection type");
    assertThatThrownBy(() -> withHba(s, List.of("local all postgres peer\nhost all all x trust")))
        .hasMessage("hba[0]: control characters are not allowed");
    assertThatThrownBy(() -> withHba(s, List.of("# only a comment")))
        .hasMessage("hba: no rule at all");
  }

  @Test
  void patroniSpec_acceptsThePgHbaConfigsRenders() throws Exception {
    List<String> hba =
        Configs.pgHba(Target.of(InventoryLoaderTest.demo())).lines().collect(Collectors.toList());
    PatroniSpec s = withHba(spec("pg-test-1", "10.10.10.11", "primary", ETCD3, 5432, false), hba);
    assertThat(s.hba())
        .hasSize((int) hba.stream().filter(l -> !l.isBlank()).count())
        .anyMatch(l -> l.startsWith("host") && l.contains("replication"));
    Map<String, Object> y = yaml(HaConfigs.patroniYml(s));
    assertThat(map(y, "postgresql").get("pg_hba")).isEqualTo(s.hba());
  }

  @Test
  void timing_enforcesPatronisRule() {
    assertThatThrownBy(() -> new Timing(10, 3, 4, 10))
        .hasMessageStartingWith("ttl: 10 is below loop_wait + 2 * retry_timeout = 11");
    Timing t = HaConfigs.RTO_15S;
    assertThat(t.loopWait() + 2 * t.retryTimeout()).isLessThanOrEqualTo(t.ttl());
    assertThat(t.ttl()).isLessThanOrEqualTo(10);
  }

  static PatroniSpec withParams(PatroniSpec s, Map<String, String> p) {
    return new PatroniSpec(
        s.cluster(),
        s.instance(),
        s.ip(),
        s.role(),
        s.pgVersion(),
        s.pgPort(),
        s.etcd(),
        s.api(),
        s.superuser(),
        s.replication(),
        s.rewind(),
        s.restApi(),
        p,
        s.hba(),
        s.synchronousMode(),
        s.dataChecksums(),
        s.timing(),
        s.os());
  }

  @Test
  void patroniYml_pathsAndUnitAreTheNodesRowOfTheOsTable() {
    PatroniSpec s = spec("pg-test-1", "10.10.10.11", "primary", ETCD3, 5432, false);
    PatroniSpec trixie =
        new PatroniSpec(
            s.cluster(),
            s.instance(),
            s.ip(),
            s.role(),
            17,
            s.pgPort(),
            s.etcd(),
            s.api(),
            s.superuser(),
            s.replication(),
            s.rewind(),
            s.restApi(),
            s.parameters(),
            s.hba(),
            s.synchronousMode(),
            s.dataChecksums(),
            s.timing(),
            ConfigsTest.D13);
    String text = HaConfigs.patroniYml(trixie);
    assertThat(text.lines().findFirst().orElseThrow()).endsWith("patroni@17-main.service");
    assertThat(map(yaml(text), "postgresql"))
        .containsEntry("data_dir", "/var/lib/postgresql/17/main")
        .containsEntry("bin_dir", "/usr/lib/postgresql/17/bin");
  }

  static PatroniSpec withHba(PatroniSpec s, List<String> hba) {
    return new PatroniSpec(
        s.cluster(),
        s.instance(),
        s.ip(),
        s.role(),
        s.pgVersion(),
        s.pgPort(),
        s.etcd(),
        s.api(),
        s.superuser(),
        s.replication(),
        s.rewind(),
        s.restApi(),
        s.parameters(),
        hba,
        s.synchronousMode(),
        s.dataChecksums(),
        s.timing(),
        s.os());
  }

  // ------------------------------------------------------------------ HAProxy

  /** Section name to its body lines (trimmed, without comments). */
  static Map<String, List<String>> sections(String cfg) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> cur = null;
    for (String line : cfg.split("\n")) {
      if (line.isBlank() || line.strip().startsWith("#")) {
        continue;
      }
      if (!line.startsWith(" ")) {
        cur = new ArrayList<>();
        out.put(line.strip(), cur);
      } else {
        cur.add(line.strip());
      }
    }
    return out;
  }

  static List<String> servers(List<String> body) {
    return body.stream().filter(l -> l.startsWith("server ")).collect(Collectors.toList());
  }

  @Test
  void haproxyCfg_routesPigstysFourServicesThroughPatroniChecks() {
    Map<String, List<String>> s =
        sections(HaConfigs.haproxyCfg("pg-test", PG_TEST, HaproxyPorts.of(5432, 6432)));
    assertThat(s.get("listen pg-test-primary"))
        .contains("bind *:5433", "http-check send meth OPTIONS uri /primary");
    assertThat(servers(s.get("listen pg-test-primary")))
        .containsExactly(
            "server pg-test-1 10.10.10.11:6432 check port 8008",
            "server pg-test-2 10.10.10.12:6432 check port 8008");
    assertThat(s.get("listen pg-test-replica"))
        .contains("bind *:5434", "http-check send meth OPTIONS uri /read-only");
    assertThat(servers(s.get("listen pg-test-replica")))
        .containsExactly(
            "server pg-test-2 10.10.10.12:6432 check port 8008",
            "server pg-test-1 10.10.10.11:6432 check port 8008 backup");
    assertThat(s.get("listen pg-test-default"))
        .contains("bind *:5436", "http-check send meth OPTIONS uri /primary");
    assertThat(servers(s.get("listen pg-test-default")))
        .containsExactly(
            "server pg-test-1 10.10.10.11:5432 check port 8008",
            "server pg-test-2 10.10.10.12:5432 check port 8008");
    assertThat(s.get("frontend pg-test-offline"))
        .contains(
            "bind *:5438",
            "use_backend pg-test-offline-dedicated if { nbsrv(pg-test-offline-dedicated) gt 0 }",
            "default_backend pg-test-offline-replica");
    assertThat(s.get("backend pg-test-offline-dedicated"))
        .contains("http-check send meth OPTIONS uri /health")
        .contains("server pg-test-3 10.10.10.13:5432 check port 8008");
    assertThat(s.get("backend pg-test-offline-replica"))
        .contains("http-check send meth OPTIONS uri /replica")
        .contains("server pg-test-2 10.10.10.12:5432 check port 8008");
    assertThat(servers(s.get("backend pg-test-offline-replica"))).hasSize(1);
    assertThat(s.get("listen stats"))
        .contains(
            "bind *:9101",
            "mode http",
            "http-request use-service prometheus-exporter if { path /metrics }");
    assertThat(s.get("defaults")).contains("timeout check 1s");
    assertThat(s.get("listen pg-test-primary"))
        .anyMatch(l -> l.startsWith("default-server inter 1s fastinter 500ms downinter 500ms"));
  }

  @Test
  void haproxyCfg_passesHaproxyCheck() throws Exception {
    String haproxy = requireTool("haproxy", "haproxy");
    List<List<Member>> clusters =
        List.of(
            PG_TEST,
            List.of(new Member("pg-meta-1", "10.10.10.10", "primary")),
            List.of(
                new Member("pg-x-1", "10.10.10.21", "primary"),
                new Member("pg-x-2", "10.10.10.22", "delayed")));
    for (List<Member> c : clusters) {
      String name = c.get(0).name().replaceAll("-[0-9]+$", "");
      Path f = tmp.resolve(name + ".cfg");
      Files.writeString(f, HaConfigs.haproxyCfg(name, c, HaproxyPorts.of(5432, 6432)));
      Result r = run(haproxy, "-c", "-f", f.toString());
      assertThat(r.code).as(name + ": " + r.out).isZero();
      assertThat(r.out).as(name).doesNotContainIgnoringCase("warning");
    }
    // haproxy -c fails on a broken file: the oracle can fail
    Path bad = tmp.resolve("bad.cfg");
    Files.writeString(
        bad,
        HaConfigs.haproxyCfg("pg-test", PG_TEST, HaproxyPorts.of(5432, 6432))
            .replace("default_backend pg-test-offline-replica", "default_backend nowhere"));
    Result r = run(haproxy, "-c", "-f", bad.toString());
    assertThat(r.code).as(r.out).isNotZero();
  }

  @Test
  void haproxyCfg_refusesDuplicatesAndBadPorts() {
    assertThatThrownBy(
            () ->
                HaConfigs.haproxyCfg(
                    "pg-test",
                    List.of(PG_TEST.get(0), new Member("pg-test-1", "10.10.10.19", "replica")),
                    HaproxyPorts.of(5432, 6432)))
        .hasMessage("members: 'pg-test-1' listed twice");
    assertThatThrownBy(
            () -> HaConfigs.haproxyCfg("pg-test", List.of(), HaproxyPorts.of(5432, 6432)))
        .hasMessage("members: a cluster has at least one member");
    assertThatThrownBy(() -> new HaproxyPorts(5433, 5433, 5436, 5438, 9101, 5432, 6432, 8008))
        .hasMessage("replica port: 5433 is also the primary port");
    assertThatThrownBy(() -> HaproxyPorts.of(5432, 5433))
        .hasMessage("pgbouncer port: 5433 is also the primary port");
    assertThatThrownBy(() -> new Member("pg-test-1", "10.10.10.11", "master"))
        .hasMessageStartingWith("member pg-test-1 pg_role: 'master'");
  }

  // ------------------------------------------------------------------ vip-manager

  @Test
  void vipManagerEnv_bindsTheVipToThisInstancesLeaderKey() {
    Map<String, String> env =
        envFile(
            HaConfigs.vipManagerEnv(
                "10.10.10.3", 24, "eth1", "pg-test-2", "pg-test", ETCD3, DcsApi.V2));
    assertThat(env)
        .containsEntry("VIP_IP", "10.10.10.3")
        .containsEntry("VIP_NETMASK", "24")
        .containsEntry("VIP_INTERFACE", "eth1")
        .containsEntry("VIP_TRIGGER_KEY", "/pg/pg-test/leader")
        .containsEntry("VIP_TRIGGER_VALUE", "pg-test-2")
        .containsEntry("VIP_DCS_TYPE", "etcd")
        .containsEntry(
            "VIP_DCS_ENDPOINTS",
            "http://10.10.10.10:2379,http://10.10.10.11:2379,http://10.10.10.12:2379");
  }

  @Test
  void vipManagerEnv_refusesTheV3ApiAndBadValues() {
    assertThatThrownBy(
            () ->
                HaConfigs.vipManagerEnv(
                    "10.10.10.3", 24, "eth1", "pg-test-2", "pg-test", ETCD3, DcsApi.V3))
        .hasMessageContaining("v2 keyspace");
    assertThatThrownBy(
            () ->
                HaConfigs.vipManagerEnv(
                    "10.10.10.3", 33, "eth1", "pg-test-2", "pg-test", ETCD3, DcsApi.V2))
        .hasMessage("vip_cidrmask: 33 is outside 1..32");
    assertThatThrownBy(
            () ->
                HaConfigs.vipManagerEnv(
                    "10.10.10.3", 24, "eth1\"; rm", "pg-test-2", "pg-test", ETCD3, DcsApi.V2))
        .hasMessageStartingWith("vip_interface:");
    assertThatThrownBy(
            () ->
                HaConfigs.vipManagerEnv(
                    "10.10.10", 24, "eth1", "pg-test-2", "pg-test", ETCD3, DcsApi.V2))
        .hasMessage("vip_address: '10.10.10' is not an IPv4 address");
  }

  /**
   * The oracle: bookworm's vip-manager 1.0.2 reads the rendered VIP_* variables and prints the
   * settings it will use (then fails to reach etcd: the endpoint is a closed loopback port, so it
   * never takes the address), or exits naming a missing mandatory setting.
   */
  @Test
  void vipManagerEnv_isReadByVipManagerItself() throws Exception {
    String vipManager = requireTool("vip-manager", "vip-manager");
    String text =
        HaConfigs.vipManagerEnv(
            "127.0.0.99",
            32,
            "lo",
            "pg-test-2",
            "pg-test",
            List.of(new EtcdMember("etcd-1", "127.0.0.1")),
            DcsApi.V2);
    // port 2379 on 127.0.0.1 may be taken by nothing or by a developer's etcd: point it at port 1
    Map<String, String> env = envFile(text);
    env.put("VIP_DCS_ENDPOINTS", "http://127.0.0.1:1");
    ProcessBuilder pb = new ProcessBuilder(vipManager).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    // it runs until stopped: stop it after 10 s whatever happens
    java.util.concurrent.CompletableFuture.delayedExecutor(
            10, java.util.concurrent.TimeUnit.SECONDS)
        .execute(p::destroyForcibly);
    StringBuilder out = new StringBuilder();
    try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.append(line).append('\n');
        if (line.contains("verbose")) { // the last line of its settings dump
          break;
        }
      }
    } finally {
      p.destroyForcibly().waitFor();
    }
    assertThat(out.toString())
        .as(out.toString())
        .contains("This is the config that will be used")
        .contains("trigger-key : /pg/pg-test/leader")
        .contains("trigger-value : pg-test-2")
        .contains("interface : lo")
        .contains("netmask : 32")
        .contains("ip : 127.0.0.99")
        .doesNotContain("mandatory");
  }

  // ------------------------------------------------------------------ Prometheus

  @SuppressWarnings("unchecked")
  @Test
  void prometheusJobs_scrapeEveryServiceOfEveryNodeWithClsAndIns() throws Exception {
    var v = InventoryLoaderTest.demo().vars();
    List<ScrapeTarget> targets =
        List.of(
            new ScrapeTarget("pg-meta", "pg-meta-1", "10.10.10.10"),
            new ScrapeTarget("pg-test", "pg-test-1", "10.10.10.11"),
            new ScrapeTarget("pg-test", "pg-test-2", "10.10.10.12"),
            new ScrapeTarget("pg-test", "pg-test-3", "10.10.10.13"));
    String jobs =
        HaConfigs.prometheusJobs(
            v, targets, List.of(new EtcdMember("etcd-1", "10.10.10.10")), 9101);
    Map<String, Object> y = yaml("scrape_configs:\n" + jobs);
    Map<String, Map<String, String>> byJobTarget = new LinkedHashMap<>();
    for (Object o : (List<Object>) y.get("scrape_configs")) {
      Map<String, Object> job = (Map<String, Object>) o;
      for (Object sc : (List<Object>) job.get("static_configs")) {
        Map<String, Object> c = (Map<String, Object>) sc;
        List<String> t = (List<String>) c.get("targets");
        assertThat(t).hasSize(1);
        byJobTarget.put(
            job.get("job_name") + " " + t.get(0), (Map<String, String>) c.get("labels"));
      }
    }
    assertThat(byJobTarget)
        .containsEntry("node 10.10.10.11:9100", Map.of("cls", "pg-test", "ins", "pg-test-1"))
        .containsEntry("pgsql 10.10.10.12:9187", Map.of("cls", "pg-test", "ins", "pg-test-2"))
        .containsEntry("pgbouncer 10.10.10.13:9127", Map.of("cls", "pg-test", "ins", "pg-test-3"))
        .containsEntry("pgsql 10.10.10.13:9187", Map.of("cls", "pg-test", "ins", "pg-test-3"))
        .containsEntry("patroni 10.10.10.10:8008", Map.of("cls", "pg-meta", "ins", "pg-meta-1"))
        .containsEntry("haproxy 10.10.10.12:9101", Map.of("cls", "pg-test", "ins", "pg-test-2"))
        .containsEntry("etcd 10.10.10.10:2379", Map.of("cls", "etcd", "ins", "etcd-1"));
    // six jobs: four nodes each for node, pgsql, pgbouncer, patroni, haproxy; one etcd member
    assertThat(byJobTarget).hasSize(4 * 5 + 1);
    assertThatThrownBy(
            () ->
                HaConfigs.prometheusJobs(
                    v,
                    List.of(
                        targets.get(3), new ScrapeTarget("pg-other", "pg-other-1", "10.10.10.13")),
                    List.of(ETCD3.get(0)),
                    9101))
        .hasMessageStartingWith("targets: node 10.10.10.13 carries both pg-test-3 and pg-other-1");
    assertThatThrownBy(
            () ->
                HaConfigs.prometheusJobs(
                    v, List.of(targets.get(1), targets.get(1)), List.of(ETCD3.get(0)), 9101))
        .hasMessage("targets: instance pg-test-1 listed twice");
  }

  @Test
  void membersAndScrapeTargets_comeFromTheInventory() throws Exception {
    var inv = InventoryLoaderTest.demo();
    assertThat(HaConfigs.members(inv.cluster("pg-meta").orElseThrow()))
        .containsExactly(new Member("pg-meta-1", "10.10.10.10", "primary"));
    assertThat(HaConfigs.scrapeTargets(inv))
        .containsExactly(new ScrapeTarget("pg-meta", "pg-meta-1", "10.10.10.10"));
  }

  // ------------------------------------------------------------------ helpers

  /** KEY="value" lines of an EnvironmentFile, comments skipped; every value double-quoted. */
  static Map<String, String> envFile(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      assertThat(line).matches("[A-Z0-9_]+=\"[^\"\\\\$`]*\"");
      int eq = line.indexOf('=');
      m.put(line.substring(0, eq), line.substring(eq + 2, line.length() - 1));
    }
    return m;
  }

  record Result(int code, String out) {}

  static Result run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    return new Result(p.waitFor(), out);
  }

  /**
   * Fails (never skips) when a tool the oracle needs is missing.
   *
   * @return its path ({@code /usr/sbin} is searched too: haproxy lives there)
   */
  static String requireTool(String tool, String pkg) {
    List<String> dirs =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.add("/usr/sbin");
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool).toString();
      }
    }
    return fail(tool + " is not installed (Debian package " + pkg + "; `make tools` installs it)");
  }
}
