package io.pigsty.builder.install;

import io.pigsty.builder.definition.OsTable;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.Inventory.Password;
import io.pigsty.builder.inventory.Inventory.PgCluster;
import io.pigsty.builder.inventory.Inventory.PgInstance;
import io.pigsty.builder.inventory.Inventory.Vars;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The text of the high-availability configuration files of a multi-node install, for Debian 12
 * (bookworm) packages: etcd ({@code etcd-server} 3.4), Patroni 3.0, HAProxy 2.6 and vip-manager 1.0
 * (the facts behind each choice are in {@code docs/ha.md}, "Debian packages"). Pure functions: same
 * input, same bytes. Every value that reaches a file is checked first; a bad one throws {@link
 * IllegalArgumentException} naming its key.
 *
 * <p>No TLS anywhere (etcd client and peer, Patroni REST API, HAProxy): the first version assumes
 * an isolated admin network, as the sandboxes have; it is a listed gap in {@code docs/ha.md}.
 */
public final class HaConfigs {

  /** etcd client port (reference §4). */
  public static final int ETCD_CLIENT_PORT = 2379;

  /** etcd peer port (reference §4). */
  public static final int ETCD_PEER_PORT = 2380;

  /** Patroni REST API port (reference §4; Pigsty's {@code patroni_port}). */
  public static final int PATRONI_PORT = 8008;

  /**
   * The settings Patroni passes on the postgres command line and so takes from the DCS only, never
   * from the member's own {@code postgresql.parameters} (Patroni 3.0.2, {@code
   * ConfigHandler.CMDLINE_OPTIONS}). Changing one on a running cluster takes {@code patronictl
   * edit-config}; a restart after a local change does nothing.
   */
  public static final Set<String> DCS_ONLY =
      Set.of(
          "listen_addresses",
          "port",
          "cluster_name",
          "wal_level",
          "hot_standby",
          "max_connections",
          "max_wal_senders",
          "wal_keep_segments",
          "wal_keep_size",
          "max_prepared_transactions",
          "max_locks_per_transaction",
          "track_commit_timestamp",
          "max_replication_slots",
          "max_worker_processes",
          "wal_log_hints");

  /**
   * The etcd key prefix of Patroni and vip-manager: Pigsty's {@code pg_namespace} ({@code /pg}),
   * with the trailing slash its patroni.yml template adds.
   */
  public static final String NAMESPACE = "/pg/";

  /** Where {@link #haproxyCfg} is written (Debian's haproxy.service reads it). */
  public static final String HAPROXY_CFG = "/etc/haproxy/haproxy.cfg";

  private static final Pattern IDENT = Inventory.CLUSTER;
  private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:@-]{1,15}");

  private HaConfigs() {}

  /**
   * Which etcd API Patroni and vip-manager use. Patroni's {@code etcd3} writes to etcd's v3
   * keyspace; bookworm's vip-manager 1.0.2 reads keys only through the v2 API (it is built on
   * {@code github.com/coreos/etcd/client}, {@code /v2/keys}), and etcd 3.4 keeps the two keyspaces
   * apart. So an L2 VIP on bookworm needs {@link #V2} for the whole cluster; {@link #V3} is the
   * choice without a VIP (or with a vip-manager built on etcd's v3 client).
   */
  public enum DcsApi {
    /** etcd v3 API: Patroni's {@code etcd3} section; etcd serves v3 only. */
    V3,
    /** etcd v2 API: Patroni's {@code etcd} section (python3-etcd); etcd runs with v2 enabled. */
    V2
  }

  /**
   * One etcd member.
   *
   * @param name member name ({@code ETCD_NAME}), lower-case letters, digits and '-' (Pigsty names
   *     them {@code <etcd_cluster>-<etcd_seq>}, e.g. {@code etcd-1})
   * @param ip its IPv4 address
   */
  public record EtcdMember(String name, String ip) {
    /** Checks the values. */
    public EtcdMember {
      ident("etcd member name", name);
      ipv4("etcd member " + name + " ip", ip);
    }
  }

  /**
   * A database login Patroni uses.
   *
   * @param user role name (a plain SQL identifier)
   * @param password its password, clear text (Patroni sets it at bootstrap and writes it to the
   *     pgpass file)
   */
  public record Credential(String user, Password password) {
    /** Checks the values. */
    public Credential {
      if (user == null || !Inventory.NAME.matcher(user).matches()) {
        throw new IllegalArgumentException("user: '" + user + "' is not a plain name");
      }
      Objects.requireNonNull(password, "password of " + user);
      if (password.isHashed()) {
        throw new IllegalArgumentException(
            "password of " + user + ": Patroni logs in with it, so it must be clear text");
      }
    }
  }

  /**
   * Patroni's failure-detection timings, in seconds (Patroni docs, "Dynamic Configuration
   * Settings"; Patroni 3.0.2 on bookworm enforces no lower bounds, while the docs of later versions
   * give a minimum ttl of 20: revisit {@link #RTO_15S} when Patroni is upgraded).
   *
   * @param ttl leader key lifetime: how long after the leader's last renewal the key expires and
   *     replicas race for it
   * @param loopWait seconds between two HA cycles (the leader renews the key once a cycle)
   * @param retryTimeout how long etcd and PostgreSQL operations are retried before a leader that
   *     cannot reach etcd demotes itself
   * @param primaryStartTimeout how long a crashed leader's PostgreSQL may take to come back before
   *     a failover (Patroni's {@code primary_start_timeout})
   */
  public record Timing(int ttl, int loopWait, int retryTimeout, int primaryStartTimeout) {
    /** Checks Patroni's rule {@code loop_wait + 2 * retry_timeout <= ttl}. */
    public Timing {
      if (loopWait < 1 || retryTimeout < 1 || ttl < 1 || primaryStartTimeout < 0) {
        throw new IllegalArgumentException(
            "ttl, loop_wait and retry_timeout must be at least 1, primary_start_timeout 0");
      }
      if (loopWait + 2 * retryTimeout > ttl) {
        throw new IllegalArgumentException(
            "ttl: "
                + ttl
                + " is below loop_wait + 2 * retry_timeout = "
                + (loopWait + 2 * retryTimeout)
                + " (Patroni docs, Dynamic Configuration Settings)");
      }
    }
  }

  /**
   * The timings for a failover within 15 s of a leader node's death on a 2-core machine: {@code ttl
   * 10, loop_wait 2, retry_timeout 4, primary_start_timeout 10}.
   *
   * <p>Budget: the leader renews its key every {@code loop_wait}, so after a kill the key expires
   * within {@code ttl - loop_wait .. ttl} (8-10 s); a replica wakes on the expiry through its etcd
   * watch, checks the others' WAL positions over the REST API and promotes (about 1-2 s); HAProxy
   * sees the new leader within {@code rise 2 × downinter 500ms} (1 s, see {@link #haproxyCfg}).
   * Worst case about 13 s; Pigsty's default ({@code norm}: ttl 30) gives up to about 45 s.
   *
   * <p>Cost: a leader that cannot reach etcd for {@code retry_timeout} (4 s, Patroni's default is
   * 10 s) demotes itself unless {@code failsafe_mode} finds every member over the REST API; an etcd
   * stall longer than that (a slow fsync on a busy disk) can cause a failover that was not needed.
   * Raise all four together if that happens; the rule above is checked.
   */
  public static final Timing RTO_15S = new Timing(10, 2, 4, 10);

  /**
   * The pieces of one Patroni member's configuration.
   *
   * @param cluster Patroni's {@code scope}: the cluster name ({@code pg_cluster})
   * @param instance Patroni's {@code name}: the instance name {@code <pg_cluster>-<pg_seq>}
   * @param ip this member's address (REST API and PostgreSQL connect address)
   * @param role {@code pg_role} of the member; {@code offline} gets the tags {@code nofailover},
   *     {@code noloadbalance} and {@code nosync}
   * @param pgVersion PostgreSQL major (Debian layout {@code /var/lib/postgresql/<v>/main} ...)
   * @param pgPort PostgreSQL port
   * @param etcd the etcd members (Patroni talks to each on {@link #ETCD_CLIENT_PORT})
   * @param api the etcd API (see {@link DcsApi})
   * @param superuser the superuser Patroni manages PostgreSQL as (over the local socket)
   * @param replication the replication user (basebackup and streaming from the other members)
   * @param rewind the user pg_rewind connects as (PostgreSQL 11+; Patroni grants it what it needs)
   * @param restApi the login the REST API asks for on its unsafe endpoints (switchover, restart,
   *     config changes: Pigsty's {@code patroni_username}/{@code patroni_password}), or null for
   *     none; the health checks and {@code /metrics} never ask
   * @param parameters PostgreSQL settings (the tuning template, pg_parameters ...), name to value
   *     as in postgresql.conf, in order
   * @param hba pg_hba.conf lines, in order: records or {@code #} comments; blank lines are dropped
   * @param synchronousMode Patroni's {@code synchronous_mode} (true for the crit template)
   * @param dataChecksums initdb with {@code --data-checksums} (crit template)
   * @param timing failure-detection timings, usually {@link #RTO_15S}
   * @param os the node's row of the OS table: Patroni's unit, the data and binary directories
   */
  public record PatroniSpec(
      String cluster,
      String instance,
      String ip,
      String role,
      int pgVersion,
      int pgPort,
      List<EtcdMember> etcd,
      DcsApi api,
      Credential superuser,
      Credential replication,
      Credential rewind,
      Credential restApi,
      Map<String, String> parameters,
      List<String> hba,
      boolean synchronousMode,
      boolean dataChecksums,
      Timing timing,
      OsTable.Os os) {

    /** Checks and copies. */
    public PatroniSpec {
      ident("cluster", cluster);
      ident("instance", instance);
      ipv4("ip", ip);
      if (!Inventory.PG_ROLES.contains(role)) {
        throw new IllegalArgumentException(
            "pg_role: '" + role + "' is not one of " + String.join(", ", Inventory.PG_ROLES));
      }
      if (pgVersion < 10 || pgVersion > 99) {
        throw new IllegalArgumentException(
            "pg_version: " + pgVersion + " is not a PostgreSQL major (10..99)");
      }
      port("pg_port", pgPort);
      etcd = etcdList(etcd);
      Objects.requireNonNull(api, "api");
      Objects.requireNonNull(superuser, "superuser");
      Objects.requireNonNull(replication, "replication");
      Objects.requireNonNull(rewind, "rewind");
      if (superuser.user().equals(replication.user())) {
        throw new IllegalArgumentException(
            "authentication: the replication user must not be the superuser");
      }
      parameters = settings(parameters);
      hba = hbaLines(hba);
      Objects.requireNonNull(timing, "timing");
      Objects.requireNonNull(os, "os");
    }
  }

  /**
   * One member of a cluster as HAProxy routes to it.
   *
   * @param name instance name {@code <pg_cluster>-<pg_seq>}
   * @param ip its address
   * @param role its {@code pg_role}
   */
  public record Member(String name, String ip, String role) {
    /** Checks the values. */
    public Member {
      ident("member name", name);
      ipv4("member " + name + " ip", ip);
      if (!Inventory.PG_ROLES.contains(role)) {
        throw new IllegalArgumentException(
            "member "
                + name
                + " pg_role: '"
                + role
                + "' is not one of "
                + String.join(", ", Inventory.PG_ROLES));
      }
    }
  }

  /**
   * The ports HAProxy binds and routes to.
   *
   * @param primary the primary service (Pigsty 5433)
   * @param replica the replica service (5434)
   * @param dflt the default service (5436)
   * @param offline the offline service (5438)
   * @param admin the stats page and {@code /metrics} (Pigsty's {@code haproxy_exporter_port}, 9101)
   * @param postgres the members' PostgreSQL port
   * @param pgbouncer the members' pgbouncer port
   * @param patroni the members' Patroni REST API port (health checks)
   */
  public record HaproxyPorts(
      int primary,
      int replica,
      int dflt,
      int offline,
      int admin,
      int postgres,
      int pgbouncer,
      int patroni) {
    /**
     * Checks ranges, and that all eight differ: HAProxy binds the first five on nodes where
     * PostgreSQL, pgbouncer and Patroni listen on the other three.
     */
    public HaproxyPorts {
      int[] all = {primary, replica, dflt, offline, admin, postgres, pgbouncer, patroni};
      String[] keys = {
        "primary", "replica", "default", "offline", "admin", "postgres", "pgbouncer", "patroni"
      };
      Map<Integer, String> seen = new LinkedHashMap<>();
      for (int i = 0; i < all.length; i++) {
        port(keys[i] + " port", all[i]);
        String other = seen.put(all[i], keys[i]);
        if (other != null) {
          throw new IllegalArgumentException(
              keys[i] + " port: " + all[i] + " is also the " + other + " port");
        }
      }
    }

    /**
     * @return Pigsty's service ports (5433, 5434, 5436, 5438; admin 9101; Patroni 8008) in front of
     *     the given PostgreSQL and pgbouncer ports
     */
    public static HaproxyPorts of(int pgPort, int pgbouncerPort) {
      return new HaproxyPorts(5433, 5434, 5436, 5438, 9101, pgPort, pgbouncerPort, PATRONI_PORT);
    }
  }

  /**
   * One PostgreSQL instance Prometheus scrapes.
   *
   * @param cls its cluster ({@code cls} label)
   * @param ins its instance name ({@code ins} label)
   * @param ip its node's address
   */
  public record ScrapeTarget(String cls, String ins, String ip) {
    /** Checks the values. */
    public ScrapeTarget {
      ident("cls", cls);
      ident("ins", ins);
      ipv4("ip of " + ins, ip);
    }
  }

  /**
   * @return the members of a cluster as HAProxy routes to them, in inventory order
   */
  public static List<Member> members(PgCluster c) {
    List<Member> out = new ArrayList<>();
    for (PgInstance i : c.instances()) {
      out.add(new Member(c.instanceName(i), i.ip(), i.role()));
    }
    return out;
  }

  /**
   * @return every PostgreSQL instance of the inventory as a scrape target, cluster by cluster in
   *     inventory order
   */
  public static List<ScrapeTarget> scrapeTargets(Inventory inv) {
    List<ScrapeTarget> out = new ArrayList<>();
    for (PgCluster c : inv.clusters()) {
      for (PgInstance i : c.instances()) {
        out.add(new ScrapeTarget(c.name(), c.instanceName(i), i.ip()));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- etcd

  /**
   * {@code /etc/default/etcd} for one member ({@link OsTable.File#ETCD_ENV}): the EnvironmentFile
   * of Debian's {@code etcd.service} (bookworm's etcd-server 3.4 and trixie's 3.5, which read every
   * flag from an {@code ETCD_*} variable; etcd docs, "Configuration flags"; 3.5 still has the v2
   * API behind {@code ETCD_ENABLE_V2}). Plain HTTP on the client port (node address and 127.0.0.1)
   * and the peer port; see the class comment for TLS.
   *
   * <p>{@code ETCD_INITIAL_*} are read only when the data directory is empty: a member that already
   * has data keeps it and ignores them, so re-rendering on a later run changes nothing.
   *
   * @param name this member's name; must be one of {@code members}
   * @param ip this member's address; must be that member's
   * @param members every member of the etcd cluster, in order
   * @param token {@code initial-cluster-token} (Pigsty uses {@code etcd_cluster}, e.g. {@code
   *     etcd})
   * @param joinExisting false ({@code new}) when the cluster is being created; true ({@code
   *     existing}) for a member added to a running cluster (after {@code etcdctl member add})
   * @param api {@link DcsApi#V2} also enables etcd's v2 API
   * @param dataDir the member's data directory: the default of Debian's etcd.service (the node's
   *     {@link OsTable.File#ETCD_DATA})
   * @return file text
   * @throws IllegalArgumentException on a bad name, address or token, duplicate members, or when
   *     {@code name}/{@code ip} is not a member
   */
  public static String etcdDefaults(
      String name,
      String ip,
      List<EtcdMember> members,
      String token,
      boolean joinExisting,
      DcsApi api,
      Path dataDir) {
    EtcdMember self = new EtcdMember(name, ip);
    members = etcdList(members);
    if (!members.contains(self)) {
      throw new IllegalArgumentException(
          "etcd member " + name + " at " + ip + " is not in the member list");
    }
    ident("etcd token", token);
    Objects.requireNonNull(api, "api");
    List<String> initial = new ArrayList<>();
    for (EtcdMember m : members) {
      initial.add(m.name() + "=http://" + m.ip() + ":" + ETCD_PEER_PORT);
    }
    return "# written by pigsty install: etcd member "
        + name
        + " (read by Debian's etcd.service; etcd 3.4 flags as ETCD_* variables)\n"
        + "# plain http: the admin network is isolated (docs/ha.md)\n"
        + env("ETCD_NAME", name)
        + env("ETCD_DATA_DIR", dataDir.toString())
        + env("ETCD_LISTEN_PEER_URLS", "http://" + ip + ":" + ETCD_PEER_PORT)
        + env(
            "ETCD_LISTEN_CLIENT_URLS",
            "http://" + ip + ":" + ETCD_CLIENT_PORT + ",http://127.0.0.1:" + ETCD_CLIENT_PORT)
        + env("ETCD_INITIAL_ADVERTISE_PEER_URLS", "http://" + ip + ":" + ETCD_PEER_PORT)
        + env("ETCD_ADVERTISE_CLIENT_URLS", "http://" + ip + ":" + ETCD_CLIENT_PORT)
        + env("ETCD_INITIAL_CLUSTER", String.join(",", initial))
        + env("ETCD_INITIAL_CLUSTER_STATE", joinExisting ? "existing" : "new")
        + env("ETCD_INITIAL_CLUSTER_TOKEN", token)
        + env("ETCD_ENABLE_V2", api == DcsApi.V2 ? "true" : "false")
        + env("ETCD_AUTO_COMPACTION_MODE", "periodic")
        + env("ETCD_AUTO_COMPACTION_RETENTION", "24h");
  }

  private static String env(String key, String value) {
    return key + "=\"" + value + "\"\n";
  }

  // ---------------------------------------------------------------- Patroni

  /**
   * Patroni's configuration of one member, in Debian's paths ({@code data_dir
   * /var/lib/postgresql/<v>/main}, {@code bin_dir /usr/lib/postgresql/<v>/bin}) with the
   * configuration files in the data directory, where {@code initdb} writes them (Patroni renames
   * {@code postgresql.conf} to {@code postgresql.base.conf} in {@code config_dir} after initdb, so
   * a {@code config_dir} elsewhere, such as Debian's {@code /etc/postgresql/<v>/main}, fails the
   * bootstrap: seen on bookworm's Patroni 3.0.2), for the node's {@link
   * OsTable.File#PATRONI_CONFIG}, which Debian's {@code patroni@<v>-main.service} reads. Keys as in
   * Patroni docs, "YAML Configuration Settings" and "Dynamic Configuration Settings".
   *
   * <ul>
   *   <li>{@code scope} is the cluster, {@code namespace} {@link #NAMESPACE}, {@code name} the
   *       instance; REST API on {@code ip:8008}; DCS {@code etcd3} (or {@code etcd} for {@link
   *       DcsApi#V2}) with every member on 2379.
   *   <li>Bootstrap by Patroni's {@code initdb} (UTF8, C.UTF-8, data checksums if asked), not
   *       Debian's {@code pg_createcluster_patroni}: that helper and {@code
   *       pg_clonecluster_patroni} split {@code scope} into {@code <version>-<cluster>} and so
   *       cannot serve a scope such as {@code pg-test}. Replicas by {@code pg_basebackup}
   *       (Patroni's {@code basebackup}, checkpoint fast).
   *   <li>{@code parameters} go twice: into {@code bootstrap.dcs} (the cluster-wide values, written
   *       to etcd once, at bootstrap) and into the local {@code postgresql.parameters} (re-read on
   *       every reload). Patroni ignores the local value of the settings it passes on the command
   *       line ({@code max_connections}, {@code max_wal_senders}, {@code max_worker_processes} ...
   *       ConfigHandler.CMDLINE_OPTIONS): changing those on a running cluster takes {@code
   *       patronictl edit-config}.
   *   <li>{@code synchronous_mode} as given, never strict (writes continue when the last
   *       synchronous replica is gone); {@code failsafe_mode} on; {@code use_pg_rewind} and
   *       replication slots on; {@code maximum_lag_on_failover} 1 MiB (Pigsty's {@code pg_rpo}).
   *   <li>Tags: Pigsty's {@code clonefrom: true}; {@code pg_role: offline} also gets {@code
   *       nofailover} (never promoted), {@code noloadbalance} (Patroni answers 503 to {@code
   *       /replica} and {@code /read-only}, so the replica service skips it) and {@code nosync}
   *       (never the synchronous standby, which must be able to take over).
   *   <li>No watchdog (containers have no {@code /dev/watchdog}).
   * </ul>
   *
   * <p>The file holds the passwords in clear text: write it {@code 0600 postgres:postgres} ({@code
   * patronictl -c <file>} run as postgres then finds the REST API login there too). The hba lines
   * must let {@code replication} in from every member (database {@code replication}) and {@code
   * rewind} (database {@code postgres}), or replicas cannot clone and a former leader cannot
   * rewind.
   *
   * @param s the member
   * @return YAML text; every string single-quoted, so PyYAML (YAML 1.1) reads {@code on}, {@code
   *     off} or {@code 0} as the strings they are
   */
  public static String patroniYml(PatroniSpec s) {
    int v = s.pgVersion();
    boolean offline = s.role().equals("offline");
    StringBuilder y = new StringBuilder();
    y.append("# written by pigsty install: Patroni member ")
        .append(s.instance())
        .append(" of ")
        .append(s.cluster())
        .append(" for Debian's ")
        .append(s.os().unit(OsTable.Unit.PATRONI, v))
        .append('\n')
        .append("# holds passwords: mode 0600, owner postgres\n");
    y.append("scope: ").append(q(s.cluster())).append('\n');
    y.append("namespace: ").append(q(NAMESPACE)).append('\n');
    y.append("name: ").append(q(s.instance())).append("\n\n");

    y.append("restapi:\n");
    y.append("  listen: ").append(q(s.ip() + ":" + PATRONI_PORT)).append('\n');
    y.append("  connect_address: ").append(q(s.ip() + ":" + PATRONI_PORT)).append('\n');
    if (s.restApi() != null) {
      y.append("  authentication:\n");
      y.append("    username: ").append(q(s.restApi().user())).append('\n');
      y.append("    password: ").append(q(s.restApi().password().text())).append('\n');
    }
    y.append('\n');

    y.append(s.api() == DcsApi.V3 ? "etcd3:\n" : "etcd:\n").append("  hosts:\n");
    for (EtcdMember m : s.etcd()) {
      y.append("    - ").append(q(m.ip() + ":" + ETCD_CLIENT_PORT)).append('\n');
    }
    y.append('\n');

    Timing t = s.timing();
    y.append("bootstrap:\n  dcs:\n");
    y.append("    ttl: ").append(t.ttl()).append('\n');
    y.append("    loop_wait: ").append(t.loopWait()).append('\n');
    y.append("    retry_timeout: ").append(t.retryTimeout()).append('\n');
    y.append("    primary_start_timeout: ").append(t.primaryStartTimeout()).append('\n');
    y.append("    maximum_lag_on_failover: 1048576\n");
    y.append("    synchronous_mode: ").append(s.synchronousMode()).append('\n');
    y.append("    synchronous_mode_strict: false\n");
    y.append("    failsafe_mode: true\n");
    y.append("    check_timeline: true\n");
    y.append("    postgresql:\n      use_pg_rewind: true\n      use_slots: true\n");
    y.append("      parameters:");
    params(y, s.parameters(), "        ");
    y.append("  initdb:\n    - encoding: 'UTF8'\n    - locale: 'C.UTF-8'\n");
    if (s.dataChecksums()) {
      y.append("    - data-checksums\n");
    }
    // Patroni 3.0's validator requires bootstrap.pg_hba; postgresql.pg_hba below is what it writes
    y.append("  pg_hba:");
    list(y, s.hba(), "    ");
    y.append('\n');

    y.append("postgresql:\n");
    y.append("  listen: ").append(q("0.0.0.0:" + s.pgPort())).append('\n');
    y.append("  connect_address: ").append(q(s.ip() + ":" + s.pgPort())).append('\n');
    y.append("  data_dir: ")
        .append(q(s.os().file(OsTable.File.PG_DATA, v).toString()))
        .append('\n');
    y.append("  bin_dir: ").append(q(s.os().file(OsTable.File.PG_BIN, v).toString())).append('\n');
    y.append("  pgpass: ").append(q("/var/lib/postgresql/" + v + "-main.pgpass")).append('\n');
    y.append("  use_unix_socket: true\n");
    y.append("  use_pg_rewind: true\n");
    y.append("  create_replica_methods:\n    - basebackup\n");
    y.append("  basebackup:\n    - checkpoint: 'fast'\n");
    y.append("  authentication:\n");
    credential(y, "superuser", s.superuser());
    credential(y, "replication", s.replication());
    credential(y, "rewind", s.rewind());
    Map<String, String> local = new LinkedHashMap<>();
    local.put("unix_socket_directories", "/var/run/postgresql");
    local.put("logging_collector", "on");
    local.put("log_directory", "/var/log/postgresql");
    local.put("log_filename", "postgresql-" + v + "-main.log");
    local.putAll(s.parameters());
    y.append("  parameters:");
    params(y, local, "    ");
    y.append("  pg_hba:");
    list(y, s.hba(), "    ");
    y.append('\n');

    y.append("tags:\n");
    y.append("  clonefrom: true\n");
    y.append("  nofailover: ").append(offline).append('\n');
    y.append("  noloadbalance: ").append(offline).append('\n');
    y.append("  nosync: ").append(offline).append('\n');
    y.append("\nwatchdog:\n  mode: 'off'\n");
    return y.toString();
  }

  private static void credential(StringBuilder y, String key, Credential c) {
    y.append("    ")
        .append(key)
        .append(":\n      username: ")
        .append(q(c.user()))
        .append("\n      password: ")
        .append(q(c.password().text()))
        .append('\n');
  }

  /**
   * The member's own PostgreSQL settings in a Patroni configuration ({@code
   * postgresql.parameters}), as {@link #patroniYml} writes them.
   *
   * @param yml the file's text, possibly edited by hand
   * @return setting name to value as text, in file order; empty when the text is not YAML or has no
   *     such mapping (every setting then counts as changed)
   */
  static Map<String, String> localParameters(String yml) {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      Object root = new Load(LoadSettings.builder().build()).loadFromString(yml);
      if (root instanceof Map<?, ?> m
          && m.get("postgresql") instanceof Map<?, ?> pg
          && pg.get("parameters") instanceof Map<?, ?> params) {
        params.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
      }
    } catch (RuntimeException e) {
      // not YAML (edited by hand): nothing known, so every setting counts as changed
    }
    return out;
  }

  private static void params(StringBuilder y, Map<String, String> m, String indent) {
    if (m.isEmpty()) {
      y.append(" {}\n");
      return;
    }
    y.append('\n');
    m.forEach((k, val) -> y.append(indent).append(k).append(": ").append(q(val)).append('\n'));
  }

  private static void list(StringBuilder y, List<String> items, String indent) {
    if (items.isEmpty()) {
      y.append(" []\n");
      return;
    }
    y.append('\n');
    for (String i : items) {
      y.append(indent).append("- ").append(q(i)).append('\n');
    }
  }

  /** A YAML single-quoted scalar (the same in YAML 1.1 and 1.2); callers refused newlines. */
  private static String q(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  // ---------------------------------------------------------------- HAProxy

  /**
   * {@code /etc/haproxy/haproxy.cfg} for one cluster, the same on every member node: Pigsty's four
   * services (Pigsty's {@code pg_default_services}), each server checked through its Patroni REST
   * API ({@code OPTIONS <uri>}, Patroni docs, "REST API", health check endpoints):
   *
   * <ul>
   *   <li>primary ({@code 5433}): pgbouncer of the member answering {@code /primary};
   *   <li>replica ({@code 5434}): pgbouncer of the members answering {@code /read-only}, the
   *       replicas first, the primary as backup; {@code offline} members are left out (their {@code
   *       noloadbalance} tag makes Patroni answer 503 there);
   *   <li>default ({@code 5436}): PostgreSQL of the member answering {@code /primary};
   *   <li>offline ({@code 5438}): PostgreSQL of the {@code offline} members while one is up,
   *       checked by {@code /health} (they are {@code nofailover}, so a running one is a replica;
   *       {@code /replica} would answer 503 because of {@code noloadbalance}); else of the replicas
   *       answering {@code /replica}. A frontend with two backends, switched by {@code nbsrv}.
   *   <li>admin ({@code 9101}): the read-only stats page at {@code /}, and HAProxy's built-in
   *       Prometheus exporter at {@code /metrics} (bookworm's 2.6 is built with it: {@code haproxy
   *       -vv} lists {@code prometheus-exporter}).
   * </ul>
   *
   * <p>Check timings serve the {@link #RTO_15S} budget: {@code inter 1s fastinter 500ms downinter
   * 500ms rise 2 fall 3}, {@code timeout check 1s}. A new leader is taken in about 1 s after
   * Patroni promotes it; a dead node is taken out in about 1 + 3 × 1.5 s (its checks time out),
   * before a replica can be promoted anyway; sessions to a server marked down are cut ({@code
   * on-marked-down shutdown-sessions}) so clients reconnect to the new leader.
   *
   * @param cluster the cluster name (section names {@code <cluster>-primary} ...)
   * @param members every member of the cluster, in order (names and addresses unique)
   * @param ports the service ports and the members' ports ({@link HaproxyPorts#of})
   * @return file text
   * @throws IllegalArgumentException on a bad name, no members, or a name or address twice
   */
  public static String haproxyCfg(String cluster, List<Member> members, HaproxyPorts ports) {
    ident("cluster", cluster);
    Objects.requireNonNull(ports, "ports");
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("members: a cluster has at least one member");
    }
    Set<String> names = new HashSet<>();
    Set<String> ips = new HashSet<>();
    for (Member m : members) {
      if (!names.add(m.name())) {
        throw new IllegalArgumentException("members: '" + m.name() + "' listed twice");
      }
      if (!ips.add(m.ip())) {
        throw new IllegalArgumentException("members: address " + m.ip() + " listed twice");
      }
    }
    StringBuilder h = new StringBuilder();
    h.append("# written by pigsty install: services of cluster ")
        .append(cluster)
        .append(" (Pigsty's ports), checked through Patroni's REST API\n");
    h.append("global\n")
        .append("    user haproxy\n")
        .append("    group haproxy\n")
        .append("    maxconn 8192\n")
        .append("    stats socket /run/haproxy/admin.sock mode 600 level admin\n\n");
    h.append("defaults\n")
        .append("    mode tcp\n")
        .append("    retries 3\n")
        .append("    timeout queue 3s\n")
        .append("    timeout connect 3s\n")
        .append("    timeout client 24h\n")
        .append("    timeout server 24h\n")
        .append("    timeout check 1s\n\n");
    h.append("listen stats\n")
        .append("    bind *:")
        .append(ports.admin())
        .append('\n')
        .append("    mode http\n")
        .append("    http-request use-service prometheus-exporter if { path /metrics }\n")
        .append("    stats enable\n")
        .append("    stats uri /\n")
        .append("    stats refresh 10s\n")
        .append("    stats show-node\n\n");

    // candidates: every member that can lead (all but the nofailover offline ones)
    List<Member> candidates = new ArrayList<>();
    List<Member> offlines = new ArrayList<>();
    for (Member m : members) {
      (m.role().equals("offline") ? offlines : candidates).add(m);
    }
    service(h, cluster + "-primary", ports.primary(), "/primary", null);
    servers(h, candidates, ports.pgbouncer(), ports.patroni(), false);
    h.append('\n');

    service(h, cluster + "-replica", ports.replica(), "/read-only", null);
    List<Member> replicas = new ArrayList<>();
    List<Member> leaders = new ArrayList<>();
    for (Member m : candidates) {
      (m.role().equals("primary") ? leaders : replicas).add(m);
    }
    servers(h, replicas, ports.pgbouncer(), ports.patroni(), false);
    servers(h, leaders, ports.pgbouncer(), ports.patroni(), true);
    h.append('\n');

    service(h, cluster + "-default", ports.dflt(), "/primary", null);
    servers(h, candidates, ports.postgres(), ports.patroni(), false);
    h.append('\n');

    String dedicated = cluster + "-offline-dedicated";
    String fallback = cluster + "-offline-replica";
    h.append("frontend ")
        .append(cluster)
        .append("-offline\n")
        .append("    bind *:")
        .append(ports.offline())
        .append('\n')
        .append("    mode tcp\n")
        .append("    maxconn 3000\n")
        .append("    use_backend ")
        .append(dedicated)
        .append(" if { nbsrv(")
        .append(dedicated)
        .append(") gt 0 }\n")
        .append("    default_backend ")
        .append(fallback)
        .append("\n\n");
    h.append("# pg_role: offline members (nofailover: a running one is a replica)\n");
    service(h, dedicated, 0, "/health", "backend");
    servers(h, offlines, ports.postgres(), ports.patroni(), false);
    h.append('\n');
    h.append("# the replicas, while no offline member is up\n");
    service(h, fallback, 0, "/replica", "backend");
    servers(h, replicas, ports.postgres(), ports.patroni(), false);
    return h.toString();
  }

  /** A {@code listen} (bind on port) or a {@code backend} section with its health check. */
  private static void service(StringBuilder h, String name, int port, String uri, String kind) {
    h.append(kind == null ? "listen " : kind + " ").append(name).append('\n');
    if (kind == null) {
      h.append("    bind *:").append(port).append('\n').append("    maxconn 3000\n");
    }
    h.append("    mode tcp\n")
        .append("    balance roundrobin\n")
        .append("    option httpchk\n")
        .append("    http-check send meth OPTIONS uri ")
        .append(uri)
        .append('\n')
        .append("    http-check expect status 200\n")
        .append("    default-server inter 1s fastinter 500ms downinter 500ms rise 2 fall 3")
        .append(" on-marked-down shutdown-sessions maxconn 3000 maxqueue 128 weight 100\n");
  }

  private static void servers(
      StringBuilder h, List<Member> ms, int port, int checkPort, boolean backup) {
    for (Member m : ms) {
      h.append("    server ")
          .append(m.name())
          .append(' ')
          .append(m.ip())
          .append(':')
          .append(port)
          .append(" check port ")
          .append(checkPort)
          .append(backup ? " backup" : "")
          .append('\n');
    }
  }

  // ---------------------------------------------------------------- vip-manager

  /**
   * The settings of vip-manager 1.0 (bookworm's and trixie's 1.0.2) for one member node, as {@code
   * VIP_*} environment variables in the node's {@link OsTable.File#VIP_MANAGER_ENV}, the
   * EnvironmentFile of Debian's {@code vip-manager@<v>-main.service} (its README, "Configuration":
   * each flag in upper case, dashes as underscores, prefixed {@code VIP_}): it holds {@code vip} on
   * {@code iface} while the leader key {@code <namespace><cluster>/leader} reads this node's
   * instance name, and announces it with a gratuitous ARP when taking it. It polls etcd every
   * second ({@code VIP_INTERVAL} 1000 ms).
   *
   * <p>Only with {@link DcsApi#V2}: this vip-manager reads etcd's v2 keyspace only, where Patroni's
   * {@code etcd3} never writes.
   *
   * @param vip the virtual address ({@code vip_address})
   * @param cidrMask its prefix length, 1..32 ({@code vip_cidrmask})
   * @param iface the network interface to add it to ({@code vip_interface})
   * @param instance this node's instance name (the trigger value, Patroni's {@code name})
   * @param cluster the cluster (Patroni's {@code scope})
   * @param etcd the etcd members
   * @param api must be {@link DcsApi#V2}
   * @return file text
   * @throws IllegalArgumentException on a bad value, or {@link DcsApi#V3}
   */
  public static String vipManagerEnv(
      String vip,
      int cidrMask,
      String iface,
      String instance,
      String cluster,
      List<EtcdMember> etcd,
      DcsApi api) {
    ipv4("vip_address", vip);
    if (cidrMask < 1 || cidrMask > 32) {
      throw new IllegalArgumentException("vip_cidrmask: " + cidrMask + " is outside 1..32");
    }
    if (iface == null || !INTERFACE.matcher(iface).matches()) {
      throw new IllegalArgumentException(
          "vip_interface: '" + iface + "' is not a network interface name");
    }
    ident("instance", instance);
    ident("cluster", cluster);
    etcd = etcdList(etcd);
    if (api != DcsApi.V2) {
      throw new IllegalArgumentException(
          "vip-manager 1.0 (bookworm, trixie) reads only etcd's v2 keyspace; Patroni must use DcsApi.V2"
              + " for the VIP to follow the leader");
    }
    List<String> endpoints = new ArrayList<>();
    for (EtcdMember m : etcd) {
      endpoints.add("http://" + m.ip() + ":" + ETCD_CLIENT_PORT);
    }
    return "# written by pigsty install: L2 VIP of "
        + cluster
        + " on "
        + instance
        + "'s node while it leads (vip-manager 1.0 VIP_* variables)\n"
        + env("VIP_IP", vip)
        + env("VIP_NETMASK", Integer.toString(cidrMask))
        + env("VIP_INTERFACE", iface)
        + env("VIP_TRIGGER_KEY", NAMESPACE + cluster + "/leader")
        + env("VIP_TRIGGER_VALUE", instance)
        + env("VIP_MANAGER_TYPE", "basic")
        + env("VIP_DCS_TYPE", "etcd")
        + env("VIP_DCS_ENDPOINTS", String.join(",", endpoints))
        + env("VIP_INTERVAL", "1000");
  }

  // ---------------------------------------------------------------- Prometheus

  /**
   * Scrape jobs for a multi-node inventory, to append under {@code scrape_configs:} of {@link
   * Configs#prometheusYml} (same indentation, same {@code cls}/{@code ins} labels): on every
   * PostgreSQL node node_exporter, the PostgreSQL and pgbouncer exporters, Patroni ({@code
   * /metrics} on 8008) and HAProxy ({@code /metrics} on 9101); on every etcd member etcd ({@code
   * /metrics} on the client port, labels {@code cls: etcd}, {@code ins: <member>}). One instance
   * per node, as in Pigsty: node_exporter and HAProxy carry that instance's labels.
   *
   * @param v the global vars (exporter ports)
   * @param targets the PostgreSQL instances, in order
   * @param etcd the etcd members
   * @param haproxyAdminPort the HAProxy stats/metrics port ({@link HaproxyPorts#admin})
   * @return YAML list items, each starting {@code " - job_name: "}; jobs node, pgsql, pgbouncer,
   *     patroni, haproxy, etcd
   * @throws IllegalArgumentException on an instance listed twice, or two on one node
   */
  public static String prometheusJobs(
      Vars v, List<ScrapeTarget> targets, List<EtcdMember> etcd, int haproxyAdminPort) {
    targets = List.copyOf(targets);
    etcd = etcdList(etcd);
    port("haproxy admin port", haproxyAdminPort);
    Set<String> seen = new HashSet<>();
    Map<String, String> nodes = new LinkedHashMap<>();
    for (ScrapeTarget t : targets) {
      if (!seen.add(t.ins())) {
        throw new IllegalArgumentException("targets: instance " + t.ins() + " listed twice");
      }
      String other = nodes.put(t.ip(), t.ins());
      if (other != null) {
        throw new IllegalArgumentException(
            "targets: node "
                + t.ip()
                + " carries both "
                + other
                + " and "
                + t.ins()
                + "; one instance per node (each exporter has one port)");
      }
    }
    List<ScrapeTarget> etcdTargets = new ArrayList<>();
    for (EtcdMember m : etcd) {
      etcdTargets.add(new ScrapeTarget("etcd", m.name(), m.ip()));
    }
    return job("node", targets, v.nodeExporterPort())
        + job("pgsql", targets, v.pgExporterPort())
        + job("pgbouncer", targets, v.pgbouncerExporterPort())
        + job("patroni", targets, PATRONI_PORT)
        + job("haproxy", targets, haproxyAdminPort)
        + job("etcd", etcdTargets, ETCD_CLIENT_PORT);
  }

  static String job(String name, List<ScrapeTarget> ts, int port) {
    StringBuilder sb = new StringBuilder("  - job_name: ").append(name).append('\n');
    if (ts.isEmpty()) {
      return sb.append("    static_configs: []\n").toString();
    }
    sb.append("    static_configs:\n");
    for (ScrapeTarget t : ts) {
      sb.append("      - targets: ['")
          .append(t.ip())
          .append(':')
          .append(port)
          .append("']\n")
          .append("        labels: {cls: ")
          .append(t.cls())
          .append(", ins: ")
          .append(t.ins())
          .append("}\n");
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- checks

  private static void ident(String key, String value) {
    if (value == null || !IDENT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          key
              + ": '"
              + value
              + "' must be lower-case letters, digits and '-', starting with a letter");
    }
  }

  private static void ipv4(String key, String value) {
    if (value == null || !Inventory.IPV4.matcher(value).matches()) {
      throw new IllegalArgumentException(key + ": '" + value + "' is not an IPv4 address");
    }
  }

  private static void port(String key, int p) {
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException(key + ": " + p + " is outside 1..65535");
    }
  }

  private static List<EtcdMember> etcdList(List<EtcdMember> members) {
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("etcd: at least one member");
    }
    Set<String> names = new HashSet<>();
    Set<String> ips = new HashSet<>();
    for (EtcdMember m : members) {
      if (!names.add(m.name())) {
        throw new IllegalArgumentException("etcd: member name '" + m.name() + "' listed twice");
      }
      if (!ips.add(m.ip())) {
        throw new IllegalArgumentException("etcd: address " + m.ip() + " listed twice");
      }
    }
    return members;
  }

  /** Settings Patroni sets itself from other keys; a value given for them would be ignored. */
  private static final Set<String> PATRONI_OWNED =
      Set.of(
          "listen_addresses",
          "port",
          "cluster_name",
          "hot_standby",
          "wal_log_hints",
          "hba_file",
          "ident_file",
          "data_directory",
          "config_file",
          "synchronous_standby_names",
          "primary_conninfo",
          "primary_slot_name",
          "restore_command",
          "recovery_target_timeline");

  /**
   * Setting names as postgresql.conf takes them; values on one line (Inventory's rule for
   * pg_parameters).
   */
  private static Map<String, String> settings(Map<String, String> m) {
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach(
        (k, val) -> {
          if (k == null || !k.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?")) {
            throw new IllegalArgumentException("parameters: '" + k + "' is not a setting name");
          }
          if (PATRONI_OWNED.contains(k)) {
            throw new IllegalArgumentException(
                "parameters." + k + ": set by Patroni from its own keys; leave it out");
          }
          if (val == null || val.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            throw new IllegalArgumentException(
                "parameters." + k + ": backslashes and control characters are not allowed");
          }
          out.put(k, val);
        });
    return java.util.Collections.unmodifiableMap(out);
  }

  private static final Set<String> HBA_TYPES = Set.of("local", "host", "hostssl", "hostnossl");

  /** Drops blank lines, checks records: type, field count, no {@code trust}. */
  private static List<String> hbaLines(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      String key = "hba[" + i + "]";
      if (l == null || l.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        throw new IllegalArgumentException(key + ": control characters are not allowed");
      }
      String t = l.strip();
      if (t.isEmpty()) {
        continue;
      }
      if (!t.startsWith("#")) {
        String[] f = t.split("[ \t]+");
        if (!HBA_TYPES.contains(f[0])) {
          throw new IllegalArgumentException(
              key + ": '" + f[0] + "' is not a connection type " + HBA_TYPES);
        }
        int method = f[0].equals("local") ? 3 : 4;
        if (f.length <= method) {
          throw new IllegalArgumentException(key + ": '" + t + "' has too few fields");
        }
        if (f[method].equals("trust")) {
          throw new IllegalArgumentException(key + ": 'trust' is not allowed");
        }
      }
      out.add(t);
    }
    if (out.stream().allMatch(x -> x.startsWith("#"))) {
      throw new IllegalArgumentException("hba: no rule at all");
    }
    return List.copyOf(out);
  }
}
