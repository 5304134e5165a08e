package io.pigsty.builder.inventory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The typed, validated model of {@code pigsty.yml}, Pigsty's Ansible-style inventory: the admin
 * ({@code meta}) nodes, the PostgreSQL clusters with their instances, users, databases and HBA
 * rules, and the global vars. Built only by {@link InventoryLoader}; every record checks its values
 * in its constructor and throws {@link Invalid} naming the key, which the loader turns into {@code
 * file:line: key.path: reason}.
 *
 * @param file the file it was read from (for messages and relative paths such as {@code baseline})
 * @param metaHosts the hosts of {@code all.children.meta}, in file order (at least one)
 * @param vars the global vars of {@code all.vars}, defaults filled in
 * @param clusters the PostgreSQL clusters (groups whose vars hold {@code pg_cluster}), in file
 *     order
 * @param etcd the DCS cluster ({@code all.children.etcd}; when the file has no such group, one
 *     member {@code etcd-1} on the admin node)
 * @param warnings keys that were not understood, one {@code file:line: key.path: reason} each
 */
public record Inventory(
    Path file,
    List<String> metaHosts,
    Vars vars,
    List<PgCluster> clusters,
    Etcd etcd,
    List<String> warnings) {

  /** Role, database and schema names: plain SQL identifiers, at most 63 bytes. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  /**
   * Extension names: as their {@code .control} files are named, which may hold '-' ({@code
   * uuid-ossp}); quoted wherever they reach SQL.
   */
  public static final Pattern EXTENSION = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,62}");

  /** Cluster names: lower-case letters, digits and '-', starting with a letter (Pigsty's rule). */
  public static final Pattern CLUSTER = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  /** Dotted-quad IPv4 address. */
  public static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}");

  /** Instance roles ({@code pg_role}). */
  public static final List<String> PG_ROLES = List.of("primary", "replica", "offline", "delayed");

  /** Tuning templates {@code pg_conf} may name. */
  public static final List<String> PG_CONFS =
      List.of("tiny.yml", "oltp.yml", "olap.yml", "crit.yml");

  /** OS tuning profiles {@code node_tune} may name. */
  public static final List<String> NODE_TUNES = List.of("tiny", "oltp", "olap", "crit");

  /** Checks and copies. */
  public Inventory {
    Objects.requireNonNull(file, "file");
    metaHosts = List.copyOf(metaHosts);
    clusters = List.copyOf(clusters);
    warnings = List.copyOf(warnings);
    Objects.requireNonNull(vars, "vars");
    Objects.requireNonNull(etcd, "etcd");
    if (metaHosts.isEmpty()) {
      throw new Invalid("all.children.meta.hosts", "no admin node listed");
    }
  }

  /**
   * @return the address of the admin node: {@code all.vars.admin_ip}, else the first meta host
   */
  public String adminIp() {
    return vars.adminIp() != null ? vars.adminIp() : metaHosts.get(0);
  }

  /**
   * @return every node of the inventory once, in this order: the admin node, the other meta hosts,
   *     the etcd members, then the PostgreSQL instances in file order
   */
  public List<String> nodes() {
    Set<String> out = new java.util.LinkedHashSet<>();
    out.add(adminIp());
    out.addAll(metaHosts);
    etcd.members().forEach(m -> out.add(m.ip()));
    clusters.forEach(c -> c.instances().forEach(i -> out.add(i.ip())));
    return List.copyOf(out);
  }

  /**
   * @return the cluster of that name, if any
   */
  public Optional<PgCluster> cluster(String name) {
    return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * @return the cluster with an instance on that host, if any
   */
  public Optional<PgCluster> clusterOn(String ip) {
    return clusters.stream().filter(c -> c.instance(ip).isPresent()).findFirst();
  }

  /** A value is out of its allowed set; the loader adds the file, line and full key path. */
  public static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;

    /**
     * @param key the key at fault, relative to the record (e.g. {@code connlimit}), or a dotted
     *     path from the record
     * @param reason what is wrong
     */
    public Invalid(String key, String reason) {
      super(reason);
      this.key = key;
    }

    /**
     * @return the key at fault, relative to the record being built
     */
    public String key() {
      return key;
    }
  }

  /**
   * The etcd cluster Patroni and vip-manager keep their state in (Pigsty's {@code ETCD} module).
   *
   * @param cluster {@code etcd_cluster}, Pigsty's default {@code etcd}
   * @param members the members, in file order (at least one; seq unique)
   */
  public record Etcd(String cluster, List<EtcdMember> members) {
    /** Checks the name and the members. */
    public Etcd {
      if (cluster == null || !CLUSTER.matcher(cluster).matches()) {
        throw new Invalid(
            "etcd_cluster",
            "'" + cluster + "' must be lower-case letters, digits and '-', starting with a letter");
      }
      members = List.copyOf(members);
      if (members.isEmpty()) {
        throw new Invalid("hosts", "an etcd cluster needs at least one member");
      }
      Set<Integer> seqs = new HashSet<>();
      Set<String> ips = new HashSet<>();
      for (EtcdMember m : members) {
        if (!seqs.add(m.seq())) {
          throw new Invalid("hosts." + m.ip() + ".etcd_seq", "duplicate etcd_seq " + m.seq());
        }
        if (!ips.add(m.ip())) {
          throw new Invalid("hosts." + m.ip(), "listed twice");
        }
      }
    }

    /**
     * @return the member name {@code <etcd_cluster>-<etcd_seq>} (Pigsty's identity rule)
     */
    public String name(EtcdMember m) {
      return cluster + "-" + m.seq();
    }

    /**
     * @return the member on that host, if any
     */
    public Optional<EtcdMember> member(String ip) {
      return members.stream().filter(m -> m.ip().equals(ip)).findFirst();
    }
  }

  /**
   * One etcd member.
   *
   * @param ip the host key, an IPv4 address
   * @param seq {@code etcd_seq}, 0..9999
   */
  public record EtcdMember(String ip, int seq) {
    /** Checks the values. */
    public EtcdMember {
      if (ip == null || !IPV4.matcher(ip).matches()) {
        throw new Invalid("", "host '" + ip + "' is not an IPv4 address");
      }
      if (seq < 0 || seq > 9999) {
        throw new Invalid("etcd_seq", seq + " is outside 0..9999");
      }
    }
  }

  /**
   * A cluster's L2 VIP ({@code vip_mode: l2}), moved to the leader's node by vip-manager.
   *
   * @param address {@code vip_address}
   * @param cidrmask {@code vip_cidrmask}, 1..32, Pigsty's default 24
   * @param iface {@code vip_interface}, Pigsty's default {@code eth0}
   */
  public record Vip(String address, int cidrmask, String iface) {
    /** Checks the values. */
    public Vip {
      if (address == null || !IPV4.matcher(address).matches()) {
        throw new Invalid("vip_address", "'" + address + "' is not an IPv4 address");
      }
      if (cidrmask < 1 || cidrmask > 32) {
        throw new Invalid("vip_cidrmask", cidrmask + " is outside 1..32");
      }
      if (iface == null || !iface.matches("[A-Za-z0-9_.:-]{1,15}")) {
        throw new Invalid("vip_interface", "'" + iface + "' is not an interface name");
      }
    }
  }

  /**
   * Global vars ({@code all.vars}) with Pigsty's defaults.
   *
   * @param adminIp {@code admin_ip}, or null for the first meta host
   * @param repoDir {@code repo_dir}, absolute
   * @param ports port by var name ({@code pg_port}, {@code nginx_port} ...), defaults filled in
   * @param adminUser {@code pg_admin_username}
   * @param adminPassword {@code pg_admin_password}
   * @param monitorUser {@code pg_monitor_username}
   * @param monitorPassword {@code pg_monitor_password}
   * @param replicationUser {@code pg_replication_username}
   * @param replicationPassword {@code pg_replication_password}
   * @param patroniUser {@code patroni_username}: the login Patroni's REST API asks for on its
   *     unsafe endpoints (switchover, restart, configuration changes)
   * @param patroniPassword {@code patroni_password}, clear text (sent as HTTP basic auth)
   */
  public record Vars(
      String adminIp,
      String repoDir,
      Map<String, Integer> ports,
      String adminUser,
      Password adminPassword,
      String monitorUser,
      Password monitorPassword,
      String replicationUser,
      Password replicationPassword,
      String patroniUser,
      Password patroniPassword) {

    /** Default port of each port var (Debian's packages' defaults where Pigsty differs). */
    public static final Map<String, Integer> DEFAULT_PORTS = defaultPorts();

    private static Map<String, Integer> defaultPorts() {
      Map<String, Integer> m = new LinkedHashMap<>();
      m.put("nginx_port", 80);
      m.put("prometheus_port", 9090);
      m.put("alertmanager_port", 9093);
      m.put("node_exporter_port", 9100);
      m.put("pg_port", 5432);
      m.put("pgbouncer_port", 6432);
      m.put("pg_exporter_port", 9187);
      m.put("pgbouncer_exporter_port", 9127);
      return Collections.unmodifiableMap(m);
    }

    /** Checks names, paths and ports. */
    public Vars {
      if (adminIp != null && !IPV4.matcher(adminIp).matches()) {
        throw new Invalid("admin_ip", "'" + adminIp + "' is not an IPv4 address");
      }
      if (!repoDir.startsWith("/")
          || repoDir.contains("..")
          || !repoDir.matches("[A-Za-z0-9_./-]+")) {
        throw new Invalid("repo_dir", "'" + repoDir + "' is not a plain absolute path");
      }
      ports = Map.copyOf(ports);
      Map<Integer, String> seen = new LinkedHashMap<>();
      for (Map.Entry<String, Integer> p : DEFAULT_PORTS.entrySet()) {
        Integer v = ports.get(p.getKey());
        if (v == null) {
          throw new Invalid(p.getKey(), "missing");
        }
        String other = seen.put(v, p.getKey());
        if (other != null) {
          throw new Invalid(p.getKey(), "port " + v + " is also " + other);
        }
      }
      for (String[] u :
          new String[][] {
            {"pg_admin_username", adminUser},
            {"pg_monitor_username", monitorUser},
            {"pg_replication_username", replicationUser},
            {"patroni_username", patroniUser}
          }) {
        if (!NAME.matcher(u[1]).matches()) {
          throw new Invalid(u[0], "'" + u[1] + "' is not a plain name");
        }
      }
      Objects.requireNonNull(adminPassword, "adminPassword");
      Objects.requireNonNull(monitorPassword, "monitorPassword");
      Objects.requireNonNull(replicationPassword, "replicationPassword");
      Objects.requireNonNull(patroniPassword, "patroniPassword");
      if (patroniPassword.isHashed()) {
        throw new Invalid(
            "patroni_password", "must be clear text: Patroni compares it with HTTP basic auth");
      }
    }

    /**
     * @return {@code nginx_port}
     */
    public int nginxPort() {
      return port("nginx_port");
    }

    /**
     * @return {@code prometheus_port}
     */
    public int prometheusPort() {
      return port("prometheus_port");
    }

    /**
     * @return {@code alertmanager_port}
     */
    public int alertmanagerPort() {
      return port("alertmanager_port");
    }

    /**
     * @return {@code node_exporter_port}
     */
    public int nodeExporterPort() {
      return port("node_exporter_port");
    }

    /**
     * @return {@code pg_port}
     */
    public int pgPort() {
      return port("pg_port");
    }

    /**
     * @return {@code pgbouncer_port}
     */
    public int pgbouncerPort() {
      return port("pgbouncer_port");
    }

    /**
     * @return {@code pg_exporter_port}
     */
    public int pgExporterPort() {
      return port("pg_exporter_port");
    }

    /**
     * @return {@code pgbouncer_exporter_port}
     */
    public int pgbouncerExporterPort() {
      return port("pgbouncer_exporter_port");
    }

    /**
     * @return the port of a port var such as {@code pg_port}
     */
    public int port(String name) {
      Integer p = ports.get(name);
      if (p == null) {
        throw new IllegalArgumentException("no port var " + name);
      }
      return p;
    }
  }

  /**
   * A password as written in pigsty.yml: clear text, or pre-hashed as PostgreSQL stores it ({@code
   * md5} + 32 hex digits of md5(password || user); or a SCRAM-SHA-256 secret {@code
   * SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>}, RFC 5803).
   *
   * @param text the value as written (never printed in plans or logs)
   */
  public record Password(String text) {
    private static final Pattern MD5 = Pattern.compile("md5[0-9a-f]{32}");
    private static final Pattern SCRAM =
        Pattern.compile("SCRAM-SHA-256\\$[0-9]+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");

    /** Refuses empty text and control characters. */
    public Password {
      if (text == null || text.isEmpty()) {
        throw new Invalid("password", "empty password");
      }
      if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new Invalid("password", "control characters are not allowed in a password");
      }
    }

    /**
     * @return whether the text is an md5 hash ({@code md5...})
     */
    public boolean isMd5() {
      return MD5.matcher(text).matches();
    }

    /**
     * @return whether the text is a SCRAM-SHA-256 secret
     */
    public boolean isScram() {
      return SCRAM.matcher(text).matches();
    }

    /**
     * @return whether the text is pre-hashed (md5 or SCRAM)
     */
    public boolean isHashed() {
      return isMd5() || isScram();
    }

    @Override
    public String toString() {
      return "Password[" + (isMd5() ? "md5" : isScram() ? "scram" : "clear") + "]";
    }
  }

  /**
   * A PostgreSQL cluster: a group of {@code all.children} whose vars hold {@code pg_cluster}.
   *
   * @param name {@code pg_cluster}
   * @param pgVersion {@code pg_version} (cluster, else {@code all.vars}), the PostgreSQL major
   * @param pgVersionAt where {@code pg_version} was read, as {@code file:line: key.path} (for
   *     messages such as {@link PgMajorException}'s)
   * @param pgConf {@code pg_conf}, one of {@link #PG_CONFS} (default {@code tiny.yml})
   * @param nodeTune {@code node_tune}, one of {@link #NODE_TUNES} (default: the pg_conf's name)
   * @param instances the hosts, in file order; exactly one is the primary
   * @param users {@code pg_users}
   * @param databases {@code pg_databases}
   * @param hbaRules {@code pg_hba_rules} then {@code pg_hba_rules_extra}, in file order
   * @param parameters {@code pg_parameters}: extra postgresql.conf settings, in file order
   * @param libraries {@code pg_libraries}: shared_preload_libraries entries, in order
   * @param extensions {@code pg_extensions}: extensions (catalog alias or {@code CREATE EXTENSION}
   *     name) whose packages every node of the cluster gets, created or not (an output plugin such
   *     as wal2json has nothing to create), in order
   * @param vip the L2 VIP ({@code vip_address} with {@code vip_cidrmask} and {@code
   *     vip_interface}), or null when none is set or {@code vip_mode} is {@code none}
   */
  public record PgCluster(
      String name,
      int pgVersion,
      String pgVersionAt,
      String pgConf,
      String nodeTune,
      List<PgInstance> instances,
      List<PgUser> users,
      List<PgDatabase> databases,
      List<HbaRule> hbaRules,
      Map<String, String> parameters,
      List<String> libraries,
      List<String> extensions,
      Vip vip) {

    /** Checks the cluster-level rules. */
    public PgCluster {
      if (!CLUSTER.matcher(name).matches()) {
        throw new Invalid(
            "pg_cluster",
            "'" + name + "' must be lower-case letters, digits and '-', starting with a letter");
      }
      if (pgVersion < 10 || pgVersion > 99) {
        throw new Invalid("pg_version", pgVersion + " is not a PostgreSQL major (10..99)");
      }
      if (!PG_CONFS.contains(pgConf)) {
        throw new Invalid(
            "pg_conf",
            "unknown tuning template '"
                + pgConf
                + "'; expected one of "
                + String.join(", ", PG_CONFS));
      }
      if (!NODE_TUNES.contains(nodeTune)) {
        throw new Invalid(
            "node_tune",
            "unknown tuning profile '"
                + nodeTune
                + "'; expected one of "
                + String.join(", ", NODE_TUNES));
      }
      instances = List.copyOf(instances);
      users = List.copyOf(users);
      databases = List.copyOf(databases);
      hbaRules = List.copyOf(hbaRules);
      parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
      libraries = List.copyOf(libraries);
      extensions = List.copyOf(extensions);
      if (instances.stream().filter(i -> i.role().equals("primary")).count() != 1) {
        throw new Invalid("hosts", "a cluster has exactly one instance with pg_role: primary");
      }
      Set<Integer> seqs = new HashSet<>();
      for (PgInstance i : instances) {
        if (!seqs.add(i.seq())) {
          throw new Invalid("hosts." + i.ip() + ".pg_seq", "duplicate pg_seq " + i.seq());
        }
      }
      unique(users.stream().map(PgUser::name).toList(), "pg_users", "user");
      unique(databases.stream().map(PgDatabase::name).toList(), "pg_databases", "database");
      for (String lib : libraries) {
        if (!lib.matches("[A-Za-z0-9_$-]+")) {
          throw new Invalid("pg_libraries", "'" + lib + "' is not a library name");
        }
      }
      for (int i = 0; i < extensions.size(); i++) {
        if (!EXTENSION.matcher(extensions.get(i)).matches()) {
          throw new Invalid(
              "pg_extensions[" + i + "]", "'" + extensions.get(i) + "' is not an extension name");
        }
      }
    }

    private static void unique(List<String> names, String key, String what) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < names.size(); i++) {
        if (!seen.add(names.get(i))) {
          throw new Invalid(
              key + "[" + i + "].name", "duplicate " + what + " '" + names.get(i) + "'");
        }
      }
    }

    /**
     * @return the instance on that host, if any
     */
    public Optional<PgInstance> instance(String ip) {
      return instances.stream().filter(i -> i.ip().equals(ip)).findFirst();
    }

    /**
     * @return the instance name {@code <pg_cluster>-<pg_seq>} (Pigsty's identity rule)
     */
    public String instanceName(PgInstance i) {
      return name + "-" + i.seq();
    }

    /**
     * @return the primary instance
     */
    public PgInstance primary() {
      return instances.stream().filter(i -> i.role().equals("primary")).findFirst().orElseThrow();
    }
  }

  /**
   * One host of a cluster.
   *
   * @param ip the host key, an IPv4 address
   * @param seq {@code pg_seq}, 0 or more, unique in the cluster
   * @param role {@code pg_role}, one of {@link #PG_ROLES}
   */
  public record PgInstance(String ip, int seq, String role) {
    /** Checks the values. */
    public PgInstance {
      if (!IPV4.matcher(ip).matches()) {
        throw new Invalid("", "host '" + ip + "' is not an IPv4 address");
      }
      if (seq < 0 || seq > 9999) {
        throw new Invalid("pg_seq", seq + " is outside 0..9999");
      }
      if (!PG_ROLES.contains(role)) {
        throw new Invalid("pg_role", "'" + role + "' is not one of " + String.join(", ", PG_ROLES));
      }
    }
  }

  /**
   * One entry of {@code pg_users}, with Pigsty's defaults: a login role that inherits, nothing else
   * granted, no connection limit, not in pgbouncer.
   *
   * @param name role name
   * @param password the password, or null for a role without one
   * @param login LOGIN
   * @param superuser SUPERUSER
   * @param createdb CREATEDB
   * @param createrole CREATEROLE
   * @param inherit INHERIT
   * @param replication REPLICATION
   * @param bypassrls BYPASSRLS
   * @param connlimit CONNECTION LIMIT, -1 for none
   * @param expireInDays {@code expire_in}: VALID UNTIL now plus this many days, or null
   * @param expireAt {@code expire_at}: VALID UNTIL this date ({@code YYYY-MM-DD} or {@code
   *     infinity}), or null; {@code expire_in} wins when both are given (Pigsty's rule)
   * @param roles roles granted to it, in order
   * @param parameters role-level settings ({@code ALTER ROLE ... SET})
   * @param pgbouncer whether pgbouncer lists it
   * @param poolMode its pgbouncer pool_mode, or null for the database's
   * @param poolConnlimit its pgbouncer max_user_connections, -1 for none
   * @param comment COMMENT ON ROLE, or empty
   */
  public record PgUser(
      String name,
      Password password,
      boolean login,
      boolean superuser,
      boolean createdb,
      boolean createrole,
      boolean inherit,
      boolean replication,
      boolean bypassrls,
      int connlimit,
      Integer expireInDays,
      String expireAt,
      List<String> roles,
      Map<String, String> parameters,
      boolean pgbouncer,
      String poolMode,
      int poolConnlimit,
      String comment) {

    /** Checks the values. */
    public PgUser {
      checkName(name, "name");
      if (connlimit < -1) {
        throw new Invalid("connlimit", connlimit + " is below -1 (no limit)");
      }
      if (poolConnlimit < -1) {
        throw new Invalid("pool_connlimit", poolConnlimit + " is below -1 (no limit)");
      }
      if (expireInDays != null && (expireInDays < 0 || expireInDays > 36500)) {
        throw new Invalid("expire_in", expireInDays + " is outside 0..36500 days");
      }
      if (expireAt != null
          && !expireAt.equals("infinity")
          && !expireAt.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
        throw new Invalid("expire_at", "'" + expireAt + "' is not a date YYYY-MM-DD nor infinity");
      }
      if (expireAt != null && !expireAt.equals("infinity")) {
        try {
          LocalDate.parse(expireAt);
        } catch (DateTimeParseException e) {
          throw new Invalid("expire_at", "'" + expireAt + "' is not a calendar date");
        }
      }
      roles = List.copyOf(roles);
      for (int i = 0; i < roles.size(); i++) {
        checkName(roles.get(i), "roles[" + i + "]");
      }
      parameters = settings(parameters, "parameters");
      if (poolMode != null && !POOL_MODES.contains(poolMode)) {
        throw new Invalid(
            "pool_mode", "'" + poolMode + "' is not one of " + String.join(", ", POOL_MODES));
      }
      comment = comment == null ? "" : comment;
    }

    /**
     * @return a login user with only a name and password (for tests and defaults)
     */
    public static PgUser of(String name, String password, List<String> roles) {
      return new PgUser(
          name,
          password == null ? null : new Password(password),
          true,
          false,
          false,
          false,
          true,
          false,
          false,
          -1,
          null,
          null,
          roles,
          Map.of(),
          false,
          null,
          -1,
          "");
    }
  }

  /** pgbouncer pool modes. */
  public static final List<String> POOL_MODES = List.of("session", "transaction", "statement");

  /**
   * One extension of a database.
   *
   * @param name extension name
   * @param schema schema to create it in, or null for the default
   * @param version version to create or update to, or null for the default
   */
  public record PgExtension(String name, String schema, String version) {
    /** Checks the names. */
    public PgExtension {
      if (name == null || !EXTENSION.matcher(name).matches()) {
        throw new Invalid(
            "name",
            "'" + name + "' is not an extension name (letters, digits, '_', '-', at most 63)");
      }
      if (schema != null) {
        checkName(schema, "schema");
      }
      if (version != null && !version.matches("[A-Za-z0-9._-]{1,63}")) {
        throw new Invalid("version", "'" + version + "' is not a version");
      }
    }
  }

  /**
   * One entry of {@code pg_databases}, with Pigsty's defaults.
   *
   * @param name database name
   * @param owner owner role (default {@code postgres})
   * @param template template database (default {@code template1})
   * @param encoding encoding, or null for the template's
   * @param locale locale (sets both collate and ctype), or null
   * @param lcCollate LC_COLLATE, or null
   * @param lcCtype LC_CTYPE, or null
   * @param tablespace default tablespace, or null for pg_default
   * @param allowconn ALLOW_CONNECTIONS (default true)
   * @param revokeconn revoke CONNECT from PUBLIC (default false)
   * @param connlimit CONNECTION LIMIT, -1 for none
   * @param schemas schemas to create, owned by the owner
   * @param extensions extensions to create
   * @param parameters database-level settings ({@code ALTER DATABASE ... SET})
   * @param pgbouncer whether pgbouncer serves it (default true)
   * @param pool pgbouncer options of its pool (pool_mode, pool_size, min_pool_size, reserve_pool,
   *     max_db_connections, auth_user), from the {@code pool_*} keys
   * @param comment COMMENT ON DATABASE, or empty
   * @param baseline SQL file run once when the database is created, relative to the inventory
   *     file's directory, or null
   */
  public record PgDatabase(
      String name,
      String owner,
      String template,
      String encoding,
      String locale,
      String lcCollate,
      String lcCtype,
      String tablespace,
      boolean allowconn,
      boolean revokeconn,
      int connlimit,
      List<String> schemas,
      List<PgExtension> extensions,
      Map<String, String> parameters,
      boolean pgbouncer,
      Map<String, String> pool,
      String comment,
      String baseline) {

    /** Checks the values. */
    public PgDatabase {
      checkName(name, "name");
      checkName(owner, "owner");
      checkName(template, "template");
      if (tablespace != null) {
        checkName(tablespace, "tablespace");
      }
      if (encoding != null && !encoding.matches("[A-Za-z0-9_-]{1,32}")) {
        throw new Invalid("encoding", "'" + encoding + "' is not an encoding name");
      }
      for (String[] l :
          new String[][] {{"locale", locale}, {"lc_collate", lcCollate}, {"lc_ctype", lcCtype}}) {
        if (l[1] != null && !l[1].matches("[A-Za-z0-9_.@-]{1,64}")) {
          throw new Invalid(l[0], "'" + l[1] + "' is not a locale name");
        }
      }
      if (connlimit < -1) {
        throw new Invalid("connlimit", connlimit + " is below -1 (no limit)");
      }
      schemas = List.copyOf(schemas);
      for (int i = 0; i < schemas.size(); i++) {
        checkName(schemas.get(i), "schemas[" + i + "]");
      }
      extensions = List.copyOf(extensions);
      parameters = settings(parameters, "parameters");
      pool = Collections.unmodifiableMap(new LinkedHashMap<>(pool));
      String mode = pool.get("pool_mode");
      if (mode != null && !POOL_MODES.contains(mode)) {
        throw new Invalid(
            "pool_mode", "'" + mode + "' is not one of " + String.join(", ", POOL_MODES));
      }
      String auth = pool.get("auth_user");
      if (auth != null) {
        checkName(auth, "pool_auth_user");
      }
      comment = comment == null ? "" : comment;
      if (baseline != null
          && (baseline.startsWith("/")
              || baseline.contains("..")
              || !baseline.matches("[A-Za-z0-9_./-]+\\.sql"))) {
        throw new Invalid(
            "baseline", "'" + baseline + "' must be a relative path of a .sql file, without '..'");
      }
    }
  }

  /**
   * One HBA rule of {@code pg_hba_rules} / {@code pg_hba_rules_extra}.
   *
   * @param user user name, {@code all} or {@code +role}
   * @param db database name, {@code all} or {@code replication}
   * @param addr {@code local}, {@code localhost}, {@code admin}, {@code infra}, {@code intra},
   *     {@code world} or a CIDR
   * @param auth {@code scram-sha-256} ({@code pwd} is read as it), {@code md5}, {@code peer} or
   *     {@code ident} (local only), {@code deny} ({@code reject}); never {@code trust}
   * @param role the instances it applies to: {@code common} (all), or a pg_role
   * @param title comment written above it, or empty
   */
  public record HbaRule(
      String user, String db, String addr, String auth, String role, String title) {
    private static final Set<String> ADDRS =
        Set.of("local", "localhost", "admin", "infra", "intra", "world");
    private static final Set<String> AUTHS =
        Set.of("scram-sha-256", "md5", "peer", "ident", "reject");
    private static final Pattern CIDR = Pattern.compile("([0-9a-fA-F.:]+)/([0-9]{1,3})");

    /**
     * @return whether {@code text} is an IPv4 CIDR (dotted quad, prefix 0..32) or an IPv6 one (a
     *     literal {@link java.net.InetAddress} parses without a lookup, prefix 0..128)
     */
    static boolean isCidr(String text) {
      Matcher m = CIDR.matcher(text);
      if (!m.matches()) {
        return false;
      }
      int prefix = Integer.parseInt(m.group(2));
      if (IPV4.matcher(m.group(1)).matches()) {
        return prefix <= 32;
      }
      if (!m.group(1).contains(":") || prefix > 128) {
        return false;
      }
      try {
        return InetAddress.getByName(m.group(1)) instanceof Inet6Address;
      } catch (UnknownHostException e) {
        return false;
      }
    }

    /** Checks the values. */
    public HbaRule {
      for (String[] f : new String[][] {{"user", user}, {"db", db}}) {
        if (!f[1].matches("\\+?[A-Za-z_][A-Za-z0-9_]{0,62}")) {
          throw new Invalid(f[0], "'" + f[1] + "' is not a name, 'all' or '+role'");
        }
      }
      if (!ADDRS.contains(addr) && !isCidr(addr)) {
        throw new Invalid(
            "addr", "'" + addr + "' is not a CIDR nor one of " + new TreeSet<>(ADDRS));
      }
      if (auth.equals("trust")) {
        throw new Invalid("auth", "'trust' is not allowed; use scram-sha-256");
      }
      if (!AUTHS.contains(auth)) {
        throw new Invalid(
            "auth", "'" + auth + "' is not one of " + new TreeSet<>(AUTHS) + " (or pwd, deny)");
      }
      if ((auth.equals("peer") || auth.equals("ident")) && !addr.equals("local")) {
        throw new Invalid("auth", "'" + auth + "' is for addr: local only");
      }
      if (!role.equals("common") && !PG_ROLES.contains(role)) {
        throw new Invalid(
            "role", "'" + role + "' is not common nor one of " + String.join(", ", PG_ROLES));
      }
      title = title == null ? "" : title;
      if (title.contains("\n")) {
        throw new Invalid("title", "a title is one line");
      }
    }

    /**
     * @return whether the rule applies to an instance of that pg_role
     */
    public boolean appliesTo(String pgRole) {
      return role.equals("common") || role.equals(pgRole);
    }
  }

  static void checkName(String value, String key) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new Invalid(
          key, "'" + value + "' is not a plain name (letters, digits, '_', at most 63)");
    }
  }

  /** Setting names as postgresql.conf takes them; values on one line, without quotes. */
  static Map<String, String> settings(Map<String, String> m, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach(
        (k, v) -> {
          if (!k.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?")) {
            throw new Invalid(
                key.isEmpty() ? k : key + "." + k, "'" + k + "' is not a setting name");
          }
          if (v.chars().anyMatch(c -> c < 0x20 || c == '\'' || c == '\\')) {
            throw new Invalid(
                key.isEmpty() ? k : key + "." + k,
                "quotes, backslashes and control characters are not allowed");
          }
          out.put(k, v);
        });
    return Collections.unmodifiableMap(out);
  }
}
