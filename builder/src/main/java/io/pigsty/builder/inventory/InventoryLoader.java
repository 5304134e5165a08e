package io.pigsty.builder.inventory;

import io.pigsty.builder.inventory.Inventory.Etcd;
import io.pigsty.builder.inventory.Inventory.EtcdMember;
import io.pigsty.builder.inventory.Inventory.HbaRule;
import io.pigsty.builder.inventory.Inventory.Invalid;
import io.pigsty.builder.inventory.Inventory.Password;
import io.pigsty.builder.inventory.Inventory.PgCluster;
import io.pigsty.builder.inventory.Inventory.PgDatabase;
import io.pigsty.builder.inventory.Inventory.PgExtension;
import io.pigsty.builder.inventory.Inventory.PgInstance;
import io.pigsty.builder.inventory.Inventory.PgUser;
import io.pigsty.builder.inventory.Inventory.Vars;
import io.pigsty.builder.inventory.Inventory.Vip;
import io.pigsty.builder.inventory.InventoryException.Kind;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The one reader of {@code pigsty.yml}: every on-box command ({@code configure -c}, {@code
 * install}, {@code status}) loads the inventory here, so a file gets one verdict and one exit code.
 * YAML 1.2 core schema through snakeyaml-engine, duplicate keys refused; every error reads {@code
 * file:line: key.path: reason}. Pigsty's vocabulary: {@code all} / {@code children} / {@code hosts}
 * / {@code vars}; a group whose vars hold {@code pg_cluster} is a PostgreSQL cluster; cluster vars
 * fall back to {@code all.vars}. Keys that Pigsty documents but this version cannot apply are
 * refused by name; keys not known at all are warnings (errors when strict).
 */
public final class InventoryLoader {

  static final Set<String> GLOBAL_KEYS =
      Set.of(
          "admin_ip",
          "repo_dir",
          "nginx_port",
          "prometheus_port",
          "alertmanager_port",
          "node_exporter_port",
          "pg_port",
          "pgbouncer_port",
          "pg_exporter_port",
          "pgbouncer_exporter_port",
          "pg_admin_username",
          "pg_admin_password",
          "pg_monitor_username",
          "pg_monitor_password",
          "pg_replication_username",
          "pg_replication_password",
          "patroni_username",
          "patroni_password",
          "pg_version",
          "pg_conf",
          "node_tune",
          "pg_parameters",
          "pg_libraries",
          "pg_extensions",
          "pg_exists_action");
  static final Set<String> CLUSTER_KEYS =
      Set.of(
          "pg_cluster",
          "pg_version",
          "pg_conf",
          "node_tune",
          "pg_users",
          "pg_databases",
          "pg_hba_rules",
          "pg_hba_rules_extra",
          "pg_parameters",
          "pg_libraries",
          "pg_extensions",
          "vip_address",
          "vip_mode",
          "vip_cidrmask",
          "vip_interface",
          "pg_exists_action");
  static final Set<String> USER_KEYS =
      Set.of(
          "name",
          "password",
          "login",
          "superuser",
          "createdb",
          "createrole",
          "inherit",
          "replication",
          "bypassrls",
          "connlimit",
          "expire_in",
          "expire_at",
          "roles",
          "parameters",
          "pgbouncer",
          "pool_mode",
          "pool_connlimit",
          "comment");
  static final Set<String> DATABASE_KEYS =
      Set.of(
          "name",
          "owner",
          "template",
          "encoding",
          "locale",
          "lc_collate",
          "lc_ctype",
          "tablespace",
          "allowconn",
          "revokeconn",
          "connlimit",
          "schemas",
          "extensions",
          "parameters",
          "pgbouncer",
          "pool_auth_user",
          "pool_mode",
          "pool_size",
          "pool_size_min",
          "pool_reserve",
          "pool_connlimit",
          "comment",
          "baseline");

  /** Attributes Pigsty documents that install does not apply: refused, with the reason. */
  static final Map<String, String> REFUSED_USER_KEYS =
      Map.of("state", "not supported: install creates users; remove one by dropping it in SQL");

  static final Map<String, String> REFUSED_DATABASE_KEYS =
      Map.of(
          "state", "not supported: install creates databases; it never drops or re-creates one",
          "is_template", "not supported: databases are created as ordinary databases",
          "strategy", "not supported: CREATE DATABASE uses the server's default strategy",
          "locale_provider", "not supported: the libc locale provider is used",
          "icu_locale", "not supported: the libc locale provider is used",
          "icu_rules", "not supported: the libc locale provider is used",
          "register_datasource", "not supported: there is no Grafana to register it in");

  /** {@code pool_*} keys of a database and the pgbouncer option each becomes. */
  static final Map<String, String> POOL_OPTIONS = poolOptions();

  /** In a fixed order: pgbouncer.ini must have the same bytes from every run (Map.of's is not). */
  private static Map<String, String> poolOptions() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("pool_mode", "pool_mode");
    m.put("pool_size", "pool_size");
    m.put("pool_size_min", "min_pool_size");
    m.put("pool_reserve", "reserve_pool");
    m.put("pool_connlimit", "max_db_connections");
    m.put("pool_auth_user", "auth_user");
    return Collections.unmodifiableMap(m);
  }

  private final String file;
  private final boolean strict;
  private final List<String> warnings = new ArrayList<>();

  private InventoryLoader(String file, boolean strict) {
    this.file = file;
    this.strict = strict;
  }

  /**
   * Loads and validates an inventory file.
   *
   * @param file {@code pigsty.yml}
   * @param strict whether unknown keys are errors (else warnings in {@link Inventory#warnings()})
   * @return the inventory
   * @throws InventoryException naming {@code file:line: key.path} for malformed YAML, a missing,
   *     mistyped, refused or (strict) unknown key, or a value outside its set; also when the file
   *     cannot be read
   */
  public static Inventory load(Path file, boolean strict) throws InventoryException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InventoryException(Kind.INVALID, file.toString(), 0, "", "no such file", e);
    } catch (IOException e) {
      throw new InventoryException(
          Kind.INVALID, file.toString(), 0, "", "cannot read: " + e.getMessage(), e);
    }
    return parse(text, file, strict);
  }

  /**
   * Validates inventory text (see {@link #load}).
   *
   * @param yaml the text
   * @param file the file it came from (named in messages; {@code baseline} paths are relative to
   *     its directory)
   * @param strict whether unknown keys are errors
   * @return the inventory
   * @throws InventoryException as {@link #load}
   */
  public static Inventory parse(String yaml, Path file, boolean strict) throws InventoryException {
    InventoryLoader l = new InventoryLoader(file.toString(), strict);
    return l.read(compose(yaml, file.toString()), file);
  }

  /**
   * Composes YAML into a node tree with line marks (YAML 1.2 core schema).
   *
   * @throws InventoryException for malformed YAML or an empty document, naming the line
   */
  static Node compose(String yaml, String file) throws InventoryException {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(file)
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(true)
            .build();
    Optional<Node> root;
    try {
      root = new Compose(settings).composeReader(new StringReader(yaml));
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
      String ctx = e.getContext() == null ? "" : e.getContext() + ": ";
      throw new InventoryException(
          Kind.INVALID, file, line, "", "malformed YAML: " + ctx + e.getProblem(), e);
    } catch (YamlEngineException e) {
      throw new InventoryException(
          Kind.INVALID, file, 0, "", "malformed YAML: " + e.getMessage(), e);
    }
    if (root.isEmpty()) {
      throw new InventoryException(
          Kind.INVALID, file, 0, "", "the file holds no YAML document", null);
    }
    return root.get();
  }

  private Inventory read(Node root, Path path) throws InventoryException {
    Map<String, NodeTuple> top = entries(root, "");
    NodeTuple allT = required(top, root, "", "all");
    for (String k : top.keySet()) {
      if (!k.equals("all")) {
        unknown(top.get(k).getKeyNode(), k, "top-level key");
      }
    }
    Node allNode = allT.getValueNode();
    Map<String, NodeTuple> all = entries(allNode, "all");
    for (String k : all.keySet()) {
      if (!k.equals("children") && !k.equals("vars")) {
        unknown(all.get(k).getKeyNode(), "all." + k, "key");
      }
    }
    Node childrenNode = required(all, allNode, "all", "children").getValueNode();
    Map<String, NodeTuple> children = entries(childrenNode, "all.children");
    Map<String, NodeTuple> globals =
        all.containsKey("vars") ? entries(all.get("vars").getValueNode(), "all.vars") : Map.of();
    for (Map.Entry<String, NodeTuple> g : globals.entrySet()) {
      if (!GLOBAL_KEYS.contains(g.getKey())) {
        unknown(g.getValue().getKeyNode(), "all.vars." + g.getKey(), "global var");
      }
    }
    Vars vars = vars(globals, all.containsKey("vars") ? all.get("vars").getValueNode() : allNode);

    NodeTuple metaT = children.get("meta");
    if (metaT == null) {
      throw error(
          childrenNode, "all.children.meta", "missing required group 'meta' (the admin node)");
    }
    List<String> metaHosts = new ArrayList<>();
    Map<String, NodeTuple> metaGroup = entries(metaT.getValueNode(), "all.children.meta");
    Node metaHostsNode =
        required(metaGroup, metaT.getValueNode(), "all.children.meta", "hosts").getValueNode();
    for (Map.Entry<String, NodeTuple> h :
        entries(metaHostsNode, "all.children.meta.hosts").entrySet()) {
      String hp = "all.children.meta.hosts." + h.getKey();
      if (!Inventory.IPV4.matcher(h.getKey()).matches()) {
        throw error(h.getValue().getKeyNode(), hp, "'" + h.getKey() + "' is not an IPv4 address");
      }
      Node hv = h.getValue().getValueNode();
      if (!isNull(hv)) {
        for (Map.Entry<String, NodeTuple> k : entries(hv, hp).entrySet()) {
          if (k.getKey().equals("meta_node")) {
            bool(k.getValue().getValueNode(), hp + ".meta_node");
          } else {
            unknown(k.getValue().getKeyNode(), hp + "." + k.getKey(), "host var");
          }
        }
      }
      metaHosts.add(h.getKey());
    }
    if (metaHosts.isEmpty()) {
      throw error(metaHostsNode, "all.children.meta.hosts", "no admin node listed");
    }

    List<PgCluster> clusters = new ArrayList<>();
    Map<String, Node> clusterNodes = new LinkedHashMap<>();
    for (Map.Entry<String, NodeTuple> c : children.entrySet()) {
      if (c.getKey().equals("meta") || c.getKey().equals("etcd")) {
        continue;
      }
      String gp = "all.children." + c.getKey();
      Node gn = c.getValue().getValueNode();
      Map<String, NodeTuple> g = entries(gn, gp);
      Map<String, NodeTuple> gv =
          g.containsKey("vars") ? entries(g.get("vars").getValueNode(), gp + ".vars") : Map.of();
      if (!gv.containsKey("pg_cluster")) {
        unknown(c.getValue().getKeyNode(), gp, "group (neither meta nor a PostgreSQL cluster)");
        continue;
      }
      PgCluster cluster = cluster(gp, gn, g, gv, globals);
      Node first = clusterNodes.put(cluster.name(), gn);
      if (first != null) {
        throw error(
            gv.get("pg_cluster").getValueNode(),
            gp + ".vars.pg_cluster",
            "cluster '" + cluster.name() + "' is already defined at line " + line(first));
      }
      clusters.add(cluster);
    }
    if (clusters.isEmpty()) {
      throw error(
          childrenNode, "all.children", "no PostgreSQL cluster (a group with vars.pg_cluster)");
    }
    String admin = vars.adminIp() != null ? vars.adminIp() : metaHosts.get(0);
    Map<String, String> instanceOn = new LinkedHashMap<>();
    for (PgCluster c : clusters) {
      for (PgInstance i : c.instances()) {
        String other = instanceOn.putIfAbsent(i.ip(), c.name());
        if (other != null && !other.equals(c.name())) {
          throw error(
              clusterNodes.get(c.name()),
              "all.children." + c.name() + ".hosts." + i.ip(),
              "host "
                  + i.ip()
                  + " already runs an instance of "
                  + other
                  + " (one PostgreSQL instance per node)");
        }
      }
    }
    Etcd etcd =
        children.containsKey("etcd")
            ? etcd(children.get("etcd"))
            : new Etcd("etcd", List.of(new EtcdMember(admin, 1)));
    List<PgCluster> onAdmin = clusters.stream().filter(c -> c.instance(admin).isPresent()).toList();
    if (onAdmin.isEmpty()) {
      throw error(
          childrenNode,
          "all.children",
          "no group with vars.pg_cluster has the admin node " + admin + " among its hosts");
    }
    if (onAdmin.size() > 1) {
      throw error(
          clusterNodes.get(onAdmin.get(1).name()),
          "all.children." + onAdmin.get(1).name(),
          "a second PostgreSQL cluster on the admin node "
              + admin
              + " (first: "
              + onAdmin.get(0).name()
              + ")");
    }
    PgCluster adminCluster = onAdmin.get(0);
    if (!adminCluster.instance(admin).orElseThrow().role().equals("primary")) {
      throw error(
          clusterNodes.get(adminCluster.name()),
          "all.children." + adminCluster.name() + ".hosts." + admin + ".pg_role",
          "the admin node's instance must be the primary of " + adminCluster.name());
    }
    return build(root, "", () -> new Inventory(path, metaHosts, vars, clusters, etcd, warnings));
  }

  /** {@code all.children.etcd}: hosts with {@code etcd_seq}, vars with {@code etcd_cluster}. */
  private Etcd etcd(NodeTuple t) throws InventoryException {
    String gp = "all.children.etcd";
    Node gn = t.getValueNode();
    Map<String, NodeTuple> g = entries(gn, gp);
    for (Map.Entry<String, NodeTuple> k : g.entrySet()) {
      if (!k.getKey().equals("hosts") && !k.getKey().equals("vars")) {
        unknown(k.getValue().getKeyNode(), gp + "." + k.getKey(), "group key");
      }
    }
    String cluster = "etcd";
    if (g.containsKey("vars")) {
      for (Map.Entry<String, NodeTuple> k :
          entries(g.get("vars").getValueNode(), gp + ".vars").entrySet()) {
        if (k.getKey().equals("etcd_cluster")) {
          cluster = text(k.getValue().getValueNode(), gp + ".vars.etcd_cluster");
        } else {
          unknown(k.getValue().getKeyNode(), gp + ".vars." + k.getKey(), "etcd var");
        }
      }
    }
    Node hostsNode = required(g, gn, gp, "hosts").getValueNode();
    List<EtcdMember> members = new ArrayList<>();
    for (Map.Entry<String, NodeTuple> h : entries(hostsNode, gp + ".hosts").entrySet()) {
      String hp = gp + ".hosts." + h.getKey();
      if (!Inventory.IPV4.matcher(h.getKey()).matches()) {
        throw error(h.getValue().getKeyNode(), hp, "'" + h.getKey() + "' is not an IPv4 address");
      }
      Node hv = h.getValue().getValueNode();
      Map<String, NodeTuple> hm = isNull(hv) ? Map.of() : entries(hv, hp);
      for (Map.Entry<String, NodeTuple> k : hm.entrySet()) {
        if (!k.getKey().equals("etcd_seq")) {
          unknown(k.getValue().getKeyNode(), hp + "." + k.getKey(), "host var");
        }
      }
      int seq = integer(required(hm, hv, hp, "etcd_seq").getValueNode(), hp + ".etcd_seq", 0, 9999);
      members.add(new EtcdMember(h.getKey(), seq));
    }
    String name = cluster;
    Map<String, NodeTuple> where = new LinkedHashMap<>();
    where.put("hosts", g.get("hosts"));
    if (g.containsKey("vars")) {
      where.put("etcd_cluster", g.get("vars"));
    }
    return build(gn, gp, where, () -> new Etcd(name, members));
  }

  private Vars vars(Map<String, NodeTuple> g, Node varsNode) throws InventoryException {
    String p = "all.vars";
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> d : Vars.DEFAULT_PORTS.entrySet()) {
      NodeTuple t = g.get(d.getKey());
      ports.put(
          d.getKey(),
          t == null ? d.getValue() : integer(t.getValueNode(), p + "." + d.getKey(), 1, 65535));
    }
    String adminIp =
        g.containsKey("admin_ip") ? text(g.get("admin_ip").getValueNode(), p + ".admin_ip") : null;
    Password admin = password(g, p, "pg_admin_password", "DBUser.DBA");
    Password monitor = password(g, p, "pg_monitor_password", "DBUser.Monitor");
    Password repl = password(g, p, "pg_replication_password", "DBUser.Replicator");
    String repoDir = optText(g, p, "repo_dir", "/www/pigsty");
    String adminUser = optText(g, p, "pg_admin_username", "dbuser_dba");
    String monitorUser = optText(g, p, "pg_monitor_username", "dbuser_monitor");
    String replUser = optText(g, p, "pg_replication_username", "replicator");
    // Pigsty's defaults (roles/node_id defaults: patroni_username, patroni_password)
    String patroniUser = optText(g, p, "patroni_username", "postgres");
    Password patroni = password(g, p, "patroni_password", "Patroni.API");
    return build(
        varsNode,
        p,
        g,
        () ->
            new Vars(
                adminIp,
                repoDir,
                ports,
                adminUser,
                admin,
                monitorUser,
                monitor,
                replUser,
                repl,
                patroniUser,
                patroni));
  }

  private Password password(Map<String, NodeTuple> m, String path, String key, String dflt)
      throws InventoryException {
    NodeTuple t = m.get(key);
    if (t == null) {
      return new Password(dflt);
    }
    String text = text(t.getValueNode(), path + "." + key);
    return build(t.getValueNode(), path + "." + key, () -> new Password(text));
  }

  private PgCluster cluster(
      String gp,
      Node gn,
      Map<String, NodeTuple> g,
      Map<String, NodeTuple> v,
      Map<String, NodeTuple> globals)
      throws InventoryException {
    String vp = gp + ".vars";
    for (Map.Entry<String, NodeTuple> k : g.entrySet()) {
      if (!k.getKey().equals("hosts") && !k.getKey().equals("vars")) {
        unknown(k.getValue().getKeyNode(), gp + "." + k.getKey(), "group key");
      }
    }
    for (Map.Entry<String, NodeTuple> k : v.entrySet()) {
      if (!CLUSTER_KEYS.contains(k.getKey())) {
        unknown(k.getValue().getKeyNode(), vp + "." + k.getKey(), "cluster var");
      }
    }
    String name = text(v.get("pg_cluster").getValueNode(), vp + ".pg_cluster");
    // cluster var, else the global one
    NodeTuple ver = v.containsKey("pg_version") ? v.get("pg_version") : globals.get("pg_version");
    if (ver == null) {
      throw error(
          gn,
          vp + ".pg_version",
          "missing required key 'pg_version' (set it on the cluster or in all.vars)");
    }
    String verPath = v.containsKey("pg_version") ? vp + ".pg_version" : "all.vars.pg_version";
    int version = integer(ver.getValueNode(), verPath, 0, 999);
    NodeTuple conf = v.containsKey("pg_conf") ? v.get("pg_conf") : globals.get("pg_conf");
    String pgConf = conf == null ? "tiny.yml" : text(conf.getValueNode(), vp + ".pg_conf");
    NodeTuple tune = v.containsKey("node_tune") ? v.get("node_tune") : globals.get("node_tune");
    String nodeTune =
        tune == null
            ? pgConf.replaceFirst("\\.yml$", "")
            : text(tune.getValueNode(), vp + ".node_tune");

    Node hostsNode = required(g, gn, gp, "hosts").getValueNode();
    List<PgInstance> instances = new ArrayList<>();
    for (Map.Entry<String, NodeTuple> h : entries(hostsNode, gp + ".hosts").entrySet()) {
      String hp = gp + ".hosts." + h.getKey();
      Node hn = h.getValue().getValueNode();
      Map<String, NodeTuple> hv = isNull(hn) ? Map.of() : entries(hn, hp);
      for (Map.Entry<String, NodeTuple> k : hv.entrySet()) {
        if (!k.getKey().equals("pg_seq") && !k.getKey().equals("pg_role")) {
          unknown(k.getValue().getKeyNode(), hp + "." + k.getKey(), "host var");
        }
      }
      int seq = integer(required(hv, hn, hp, "pg_seq").getValueNode(), hp + ".pg_seq", 0, 9999);
      String role = text(required(hv, hn, hp, "pg_role").getValueNode(), hp + ".pg_role");
      String ip = h.getKey();
      instances.add(build(h.getValue().getKeyNode(), hp, hv, () -> new PgInstance(ip, seq, role)));
    }
    if (instances.isEmpty()) {
      throw error(hostsNode, gp + ".hosts", "no hosts");
    }

    List<PgUser> users = new ArrayList<>();
    for (Item it : items(v, "pg_users", vp)) {
      users.add(user(it));
    }
    List<PgDatabase> dbs = new ArrayList<>();
    for (Item it : items(v, "pg_databases", vp)) {
      dbs.add(database(it));
    }
    List<HbaRule> hba = new ArrayList<>();
    for (String key : List.of("pg_hba_rules", "pg_hba_rules_extra")) {
      for (Item it : items(v, key, vp)) {
        hba.addAll(hbaRules(it));
      }
    }
    NodeTuple params =
        v.containsKey("pg_parameters") ? v.get("pg_parameters") : globals.get("pg_parameters");
    Map<String, String> parameters =
        params == null ? Map.of() : settings(params.getValueNode(), vp + ".pg_parameters");
    NodeTuple libs =
        v.containsKey("pg_libraries") ? v.get("pg_libraries") : globals.get("pg_libraries");
    List<String> libraries = new ArrayList<>();
    if (libs != null) {
      for (String lib : text(libs.getValueNode(), vp + ".pg_libraries").split(",")) {
        if (!lib.isBlank()) {
          libraries.add(lib.strip());
        }
      }
    }
    List<String> extensions = new ArrayList<>();
    boolean own = v.containsKey("pg_extensions");
    for (Item e : items(own ? v : globals, "pg_extensions", own ? vp : "all.vars")) {
      extensions.add(text(e.node, e.path));
    }
    String vipAddress =
        v.containsKey("vip_address")
            ? text(v.get("vip_address").getValueNode(), vp + ".vip_address")
            : null;
    String vipMode =
        v.containsKey("vip_mode")
            ? oneOf(v.get("vip_mode").getValueNode(), vp + ".vip_mode", List.of("l2", "none"))
            : "l2";
    int cidrmask =
        v.containsKey("vip_cidrmask")
            ? integer(v.get("vip_cidrmask").getValueNode(), vp + ".vip_cidrmask", 1, 32)
            : 24;
    String iface =
        v.containsKey("vip_interface")
            ? text(v.get("vip_interface").getValueNode(), vp + ".vip_interface")
            : "eth0";
    Vip vip =
        vipAddress == null || vipMode.equals("none")
            ? null
            : build(
                v.containsKey("vip_address") ? v.get("vip_address").getValueNode() : gn,
                vp,
                v,
                () -> new Vip(vipAddress, cidrmask, iface));
    NodeTuple exists =
        v.containsKey("pg_exists_action")
            ? v.get("pg_exists_action")
            : globals.get("pg_exists_action");
    if (exists != null) {
      oneOf(exists.getValueNode(), vp + ".pg_exists_action", List.of("abort", "skip", "clean"));
    }
    Map<String, NodeTuple> where = new LinkedHashMap<>(v);
    where.putIfAbsent("pg_version", ver);
    if (conf != null) {
      where.putIfAbsent("pg_conf", conf);
    }
    if (tune != null) {
      where.putIfAbsent("node_tune", tune);
    }
    where.put("hosts", g.get("hosts"));
    return build(
        gn,
        vp,
        where,
        () ->
            new PgCluster(
                name,
                version,
                file + ":" + line(ver.getValueNode()) + ": " + verPath,
                pgConf,
                nodeTune,
                instances,
                users,
                dbs,
                hba,
                parameters,
                libraries,
                extensions,
                vip));
  }

  private PgUser user(Item it) throws InventoryException {
    Map<String, NodeTuple> u = entries(it.node, it.path);
    checkKeys(u, it.path, USER_KEYS, REFUSED_USER_KEYS, "user attribute");
    String name = text(required(u, it.node, it.path, "name").getValueNode(), it.path + ".name");
    Password pw = u.containsKey("password") ? password(u, it.path, "password", null) : null;
    List<String> roles = new ArrayList<>();
    for (Item r : items(u, "roles", it.path)) {
      roles.add(text(r.node, r.path));
    }
    Map<String, String> params =
        u.containsKey("parameters")
            ? settings(u.get("parameters").getValueNode(), it.path + ".parameters")
            : Map.of();
    Integer expireIn =
        u.containsKey("expire_in")
            ? integer(u.get("expire_in").getValueNode(), it.path + ".expire_in", 0, 36500)
            : null;
    String expireAt =
        u.containsKey("expire_at")
            ? text(u.get("expire_at").getValueNode(), it.path + ".expire_at")
            : null;
    boolean login = optBool(u, it.path, "login", true);
    boolean superuser = optBool(u, it.path, "superuser", false);
    boolean createdb = optBool(u, it.path, "createdb", false);
    boolean createrole = optBool(u, it.path, "createrole", false);
    boolean inherit = optBool(u, it.path, "inherit", true);
    boolean replication = optBool(u, it.path, "replication", false);
    boolean bypassrls = optBool(u, it.path, "bypassrls", false);
    int connlimit = optInt(u, it.path, "connlimit", -1);
    boolean pgbouncer = optBool(u, it.path, "pgbouncer", false);
    String poolMode =
        u.containsKey("pool_mode")
            ? text(u.get("pool_mode").getValueNode(), it.path + ".pool_mode")
            : null;
    int poolConnlimit = optInt(u, it.path, "pool_connlimit", -1);
    String comment =
        u.containsKey("comment") ? text(u.get("comment").getValueNode(), it.path + ".comment") : "";
    return build(
        it.node,
        it.path,
        u,
        () ->
            new PgUser(
                name,
                pw,
                login,
                superuser,
                createdb,
                createrole,
                inherit,
                replication,
                bypassrls,
                connlimit,
                expireIn,
                expireAt,
                roles,
                params,
                pgbouncer,
                poolMode,
                poolConnlimit,
                comment));
  }

  private PgDatabase database(Item it) throws InventoryException {
    Map<String, NodeTuple> d = entries(it.node, it.path);
    checkKeys(d, it.path, DATABASE_KEYS, REFUSED_DATABASE_KEYS, "database attribute");
    String p = it.path;
    String name = text(required(d, it.node, p, "name").getValueNode(), p + ".name");
    List<String> schemas = new ArrayList<>();
    for (Item s : items(d, "schemas", p)) {
      schemas.add(text(s.node, s.path));
    }
    List<PgExtension> exts = new ArrayList<>();
    for (Item e : items(d, "extensions", p)) {
      if (e.node instanceof MappingNode) {
        Map<String, NodeTuple> em = entries(e.node, e.path);
        for (Map.Entry<String, NodeTuple> k : em.entrySet()) {
          if (!Set.of("name", "schema", "version").contains(k.getKey())) {
            unknown(k.getValue().getKeyNode(), e.path + "." + k.getKey(), "extension attribute");
          }
        }
        String en = text(required(em, e.node, e.path, "name").getValueNode(), e.path + ".name");
        String schema =
            em.containsKey("schema")
                ? text(em.get("schema").getValueNode(), e.path + ".schema")
                : null;
        String version =
            em.containsKey("version")
                ? text(em.get("version").getValueNode(), e.path + ".version")
                : null;
        exts.add(build(e.node, e.path, em, () -> new PgExtension(en, schema, version)));
      } else {
        String en = text(e.node, e.path);
        exts.add(build(e.node, e.path, () -> new PgExtension(en, null, null)));
      }
    }
    Map<String, String> params =
        d.containsKey("parameters")
            ? settings(d.get("parameters").getValueNode(), p + ".parameters")
            : Map.of();
    Map<String, String> pool = new LinkedHashMap<>();
    for (Map.Entry<String, String> o : POOL_OPTIONS.entrySet()) {
      if (d.containsKey(o.getKey())) {
        Node n = d.get(o.getKey()).getValueNode();
        String value =
            o.getKey().equals("pool_mode") || o.getKey().equals("pool_auth_user")
                ? text(n, p + "." + o.getKey())
                : Integer.toString(
                    integer(
                        n,
                        p + "." + o.getKey(),
                        o.getKey().equals("pool_connlimit") ? -1 : 0,
                        100000));
        if (!(o.getKey().equals("pool_connlimit") && value.equals("-1"))) {
          pool.put(o.getValue(), value);
        }
      }
    }
    String owner = optText(d, p, "owner", "postgres");
    String template = optText(d, p, "template", "template1");
    String encoding = optText(d, p, "encoding", null);
    String locale = optText(d, p, "locale", null);
    String collate = optText(d, p, "lc_collate", null);
    String ctype = optText(d, p, "lc_ctype", null);
    String tablespace = optText(d, p, "tablespace", null);
    boolean allowconn = optBool(d, p, "allowconn", true);
    boolean revokeconn = optBool(d, p, "revokeconn", false);
    int connlimit = optInt(d, p, "connlimit", -1);
    boolean pgbouncer = optBool(d, p, "pgbouncer", true);
    String comment = optText(d, p, "comment", "");
    String baseline = optText(d, p, "baseline", null);
    Map<String, NodeTuple> where = new LinkedHashMap<>(d);
    if (d.containsKey("pool_auth_user")) {
      where.put("pool_auth_user", d.get("pool_auth_user"));
    }
    return build(
        it.node,
        p,
        where,
        () ->
            new PgDatabase(
                name,
                owner,
                template,
                encoding,
                locale,
                collate,
                ctype,
                tablespace,
                allowconn,
                revokeconn,
                connlimit,
                schemas,
                exts,
                params,
                pgbouncer,
                pool,
                comment,
                baseline));
  }

  /**
   * One rule in Pigsty's current shape {user, db, addr, auth, title}, or the older {title, role,
   * rules: [lines]}.
   */
  private List<HbaRule> hbaRules(Item it) throws InventoryException {
    Map<String, NodeTuple> h = entries(it.node, it.path);
    String title = optText(h, it.path, "title", "");
    String role = optText(h, it.path, "role", "common");
    if (h.containsKey("rules")) {
      for (String k : h.keySet()) {
        if (!Set.of("title", "role", "rules").contains(k)) {
          unknown(h.get(k).getKeyNode(), it.path + "." + k, "hba rule attribute");
        }
      }
      List<HbaRule> out = new ArrayList<>();
      for (Item line : items(h, "rules", it.path)) {
        String[] f = text(line.node, line.path).trim().split("\\s+");
        boolean local = f[0].equals("local");
        if (!(local && f.length == 4) && !(f[0].equals("host") && f.length == 5)) {
          throw error(
              line.node,
              line.path,
              "expected 'local DB USER METHOD' or 'host DB USER CIDR METHOD'"
                  + " (no options, no hostssl)");
        }
        String addr = local ? "local" : f[3];
        String auth = f[f.length - 1];
        out.add(
            build(line.node, line.path, () -> new HbaRule(f[2], f[1], addr, auth, role, title)));
      }
      return out;
    }
    for (String k : h.keySet()) {
      if (!Set.of("user", "db", "addr", "auth", "title", "role").contains(k)) {
        unknown(h.get(k).getKeyNode(), it.path + "." + k, "hba rule attribute");
      }
    }
    String user = text(required(h, it.node, it.path, "user").getValueNode(), it.path + ".user");
    String db = text(required(h, it.node, it.path, "db").getValueNode(), it.path + ".db");
    String addr = text(required(h, it.node, it.path, "addr").getValueNode(), it.path + ".addr");
    String auth0 = text(required(h, it.node, it.path, "auth").getValueNode(), it.path + ".auth");
    String auth =
        switch (auth0) {
          case "pwd" -> "scram-sha-256";
          case "deny" -> "reject";
          default -> auth0;
        };
    return List.of(
        build(it.node, it.path, h, () -> new HbaRule(user, db, addr, auth, role, title)));
  }

  // ---- building records: Invalid from a constructor becomes file:line: path.key: reason ----

  private <T> T build(Node node, String path, Supplier<T> make) throws InventoryException {
    return build(node, path, Map.of(), make);
  }

  private <T> T build(Node node, String path, Map<String, NodeTuple> keys, Supplier<T> make)
      throws InventoryException {
    try {
      return make.get();
    } catch (Invalid e) {
      String key = e.key();
      String head = key.split("[.\\[]", 2)[0];
      NodeTuple t = keys.get(head);
      Node at = t != null ? t.getValueNode() : node;
      String full = key.isEmpty() ? path : path.isEmpty() ? key : path + "." + key;
      if (full.startsWith(".")) {
        full = full.substring(1);
      }
      Kind kind =
          key.equals("pg_conf") || key.equals("node_tune") ? Kind.UNKNOWN_TEMPLATE : Kind.INVALID;
      throw new InventoryException(kind, file, line(at), full, e.getMessage(), null);
    }
  }

  // ---- typed accessors --------------------------------------------------------------------

  private record Item(Node node, String path) {}

  private void checkKeys(
      Map<String, NodeTuple> m,
      String path,
      Set<String> known,
      Map<String, String> refused,
      String what)
      throws InventoryException {
    for (Map.Entry<String, NodeTuple> k : m.entrySet()) {
      String reason = refused.get(k.getKey());
      if (reason != null) {
        throw error(k.getValue().getKeyNode(), path + "." + k.getKey(), reason);
      }
      if (!known.contains(k.getKey())) {
        unknown(k.getValue().getKeyNode(), path + "." + k.getKey(), what);
      }
    }
  }

  private void unknown(Node at, String path, String what) throws InventoryException {
    String reason = "unknown " + what + " (not used by this version)";
    if (strict) {
      throw error(at, path, reason + "; --strict makes this an error");
    }
    warnings.add(file + ":" + line(at) + ": " + path + ": " + reason);
  }

  private List<Item> items(Map<String, NodeTuple> m, String key, String path)
      throws InventoryException {
    NodeTuple t = m.get(key);
    if (t == null || isNull(t.getValueNode())) {
      return List.of();
    }
    String p = path + "." + key;
    if (!(t.getValueNode() instanceof SequenceNode s)) {
      throw error(t.getValueNode(), p, "expected a list, found " + describe(t.getValueNode()));
    }
    List<Item> out = new ArrayList<>();
    for (int i = 0; i < s.getValue().size(); i++) {
      out.add(new Item(s.getValue().get(i), p + "[" + i + "]"));
    }
    return out;
  }

  private Map<String, NodeTuple> entries(Node n, String path) throws InventoryException {
    if (!(n instanceof MappingNode m)) {
      throw error(n, path.isEmpty() ? "(top)" : path, "expected a map, found " + describe(n));
    }
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k) || Tag.NULL.equals(k.getTag())) {
        throw error(t.getKeyNode(), path, "expected a key name, found " + describe(t.getKeyNode()));
      }
      NodeTuple first = out.put(k.getValue(), t);
      if (first != null) {
        throw error(
            k,
            path.isEmpty() ? k.getValue() : path + "." + k.getValue(),
            "duplicate key (first at line " + line(first.getKeyNode()) + ")");
      }
    }
    return out;
  }

  private NodeTuple required(Map<String, NodeTuple> m, Node parent, String path, String key)
      throws InventoryException {
    NodeTuple t = m.get(key);
    if (t == null) {
      throw error(
          parent, path.isEmpty() ? key : path + "." + key, "missing required key '" + key + "'");
    }
    return t;
  }

  /** A non-empty scalar that is not null or a boolean, as written (numbers keep their text). */
  private String text(Node n, String path) throws InventoryException {
    if (n instanceof ScalarNode s
        && !Tag.NULL.equals(s.getTag())
        && !Tag.BOOL.equals(s.getTag())
        && !s.getValue().isBlank()) {
      return s.getValue().strip();
    }
    throw error(n, path, "expected a non-empty string, found " + describe(n));
  }

  private String optText(Map<String, NodeTuple> m, String path, String key, String dflt)
      throws InventoryException {
    return m.containsKey(key) ? text(m.get(key).getValueNode(), path + "." + key) : dflt;
  }

  private boolean optBool(Map<String, NodeTuple> m, String path, String key, boolean dflt)
      throws InventoryException {
    return m.containsKey(key) ? bool(m.get(key).getValueNode(), path + "." + key) : dflt;
  }

  private int optInt(Map<String, NodeTuple> m, String path, String key, int dflt)
      throws InventoryException {
    return m.containsKey(key)
        ? integer(m.get(key).getValueNode(), path + "." + key, -1, 1_000_000)
        : dflt;
  }

  private int integer(Node n, String path, int min, int max) throws InventoryException {
    if (n instanceof ScalarNode s
        && (Tag.INT.equals(s.getTag()) || Tag.STR.equals(s.getTag()))
        && s.getValue().strip().matches("-?[0-9]{1,9}")) {
      int v = Integer.parseInt(s.getValue().strip());
      if (v >= min && v <= max) {
        return v;
      }
      throw error(n, path, v + " is outside " + min + ".." + max);
    }
    throw error(n, path, "expected a whole number, found " + describe(n));
  }

  private boolean bool(Node n, String path) throws InventoryException {
    if (n instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
      return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
    }
    throw error(n, path, "expected true or false, found " + describe(n));
  }

  private String oneOf(Node n, String path, List<String> allowed) throws InventoryException {
    String v = text(n, path);
    if (!allowed.contains(v)) {
      throw error(n, path, "'" + v + "' is not one of " + String.join(", ", allowed));
    }
    return v;
  }

  /** A map of setting name to scalar value (numbers and booleans as written). */
  private Map<String, String> settings(Node n, String path) throws InventoryException {
    Map<String, String> out = new LinkedHashMap<>();
    if (isNull(n)) {
      return out;
    }
    Map<String, NodeTuple> keys = entries(n, path);
    for (Map.Entry<String, NodeTuple> e : keys.entrySet()) {
      Node v = e.getValue().getValueNode();
      if (!(v instanceof ScalarNode s) || Tag.NULL.equals(s.getTag())) {
        throw error(v, path + "." + e.getKey(), "expected a value, found " + describe(v));
      }
      out.put(e.getKey(), s.getValue());
    }
    return build(n, path, keys, () -> Inventory.settings(out, ""));
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  private static int line(Node n) {
    return n == null ? 0 : n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  private static String describe(Node n) {
    if (n instanceof MappingNode) {
      return "a map";
    }
    if (n instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) n;
    if (Tag.NULL.equals(s.getTag())) {
      return "nothing (null)";
    }
    return (Tag.STR.equals(s.getTag())
            ? "a string"
            : Tag.BOOL.equals(s.getTag()) ? "a boolean" : "a number")
        + " ('"
        + s.getValue()
        + "')";
  }

  private InventoryException error(Node n, String path, String reason) {
    return new InventoryException(Kind.INVALID, file, line(n), path, reason, null);
  }
}
