package io.pigsty.builder.configure;

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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.io.StringWriter;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.nodes.CollectionNode;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
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
 * A Pigsty inventory ({@code pigsty.yml}, reference §3): the groups under {@code all.children},
 * each with hosts (address to host vars) and vars, and the global {@code all.vars}. A group
 * whose vars hold {@code pg_cluster} is a PostgreSQL cluster. Values are plain Java data
 * (ordered maps, lists, strings, numbers, booleans), so unknown keys survive a round trip.
 *
 * @param groups the groups in file order
 * @param vars the global vars in file order
 */
public record Inventory(List<Group> groups, Map<String, Object> vars) {

  /** Tuning templates a cluster's {@code pg_conf} may name (reference §3). */
  public static final List<String> PG_CONFS = List.of("tiny.yml", "oltp.yml", "olap.yml", "crit.yml");
  /** OS tuning profiles {@code node_tune} may name (reference §3). */
  public static final List<String> NODE_TUNES = List.of("tiny", "oltp", "olap", "crit");
  /** Instance roles (reference §3). */
  public static final List<String> PG_ROLES = List.of("primary", "replica", "offline", "delayed");

  /**
   * One group of {@code all.children}.
   *
   * @param name the group name, e.g. {@code meta} or {@code pg-meta}
   * @param hosts host address to that host's vars, in file order
   * @param vars the group's vars, in file order (empty when absent)
   */
  public record Group(String name, Map<String, Map<String, Object>> hosts, Map<String, Object> vars) {
    /** Copies the maps so the record is immutable. */
    public Group {
      Map<String, Map<String, Object>> h = new LinkedHashMap<>();
      hosts.forEach((k, v) -> h.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
      hosts = Collections.unmodifiableMap(h);
      vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
    }

    /** @return whether the group is a PostgreSQL cluster (its vars hold {@code pg_cluster}) */
    public boolean isCluster() {
      return vars.containsKey("pg_cluster");
    }
  }

  /** One PostgreSQL instance: host address, {@code pg_seq}, {@code pg_role}. */
  public record Instance(String ip, int seq, String role) {}

  /** One entry of {@code pg_users}. */
  public record PgUser(String name, String password, boolean pgbouncer, List<String> roles, String comment) {}

  /** One entry of {@code pg_databases}; {@code extensions} are the extension names. */
  public record PgDatabase(String name, String owner, List<String> schemas, List<String> extensions,
      String comment) {}

  /**
   * A typed view of a cluster group.
   *
   * @param name {@code pg_cluster}
   * @param pgVersion {@code pg_version}, the PostgreSQL major
   * @param pgConf {@code pg_conf}, one of {@link #PG_CONFS}
   * @param nodeTune {@code node_tune}, one of {@link #NODE_TUNES} (defaults to the pg_conf name)
   * @param instances the hosts, in file order
   * @param users {@code pg_users}
   * @param databases {@code pg_databases}
   * @param hbaRulesExtra {@code pg_hba_rules_extra} as written
   */
  public record PgCluster(String name, int pgVersion, String pgConf, String nodeTune,
      List<Instance> instances, List<PgUser> users, List<PgDatabase> databases,
      List<Map<String, Object>> hbaRulesExtra) {
    /** @return the instance name of a member, {@code pg_cluster-pg_seq} (reference §3) */
    public String instanceName(Instance i) {
      return name + "-" + i.seq();
    }
  }

  /** Copies the collections so the record is immutable. */
  public Inventory {
    groups = List.copyOf(groups);
    vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
  }

  /**
   * Reads and checks a {@code pigsty.yml}.
   *
   * @param file the inventory
   * @return the inventory
   * @throws NodeException {@link NodeException.Kind#INVENTORY} naming {@code file:line: key} for
   *     malformed YAML, a missing or mistyped key; {@link NodeException.Kind#UNKNOWN_TEMPLATE}
   *     for a {@code pg_conf} or {@code node_tune} that is not a known template; INVENTORY also
   *     when the file cannot be read
   */
  public static Inventory load(Path file) throws NodeException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NodeException(NodeException.Kind.INVENTORY, file + ": no such file");
    } catch (IOException e) {
      throw new NodeException(NodeException.Kind.INVENTORY, file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses and checks inventory text (see {@link #load}).
   *
   * @param yaml the text
   * @param name the file name, for messages
   * @return the inventory
   * @throws NodeException as {@link #load}
   */
  public static Inventory parse(String yaml, String name) throws NodeException {
    return new Parser(name).parse(yaml);
  }

  /** @return the group of that name, if any */
  public Optional<Group> group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }

  /** @return the hosts of the {@code meta} group (the admin/infra nodes), in file order */
  public List<String> metaHosts() {
    return group("meta").map(g -> List.copyOf(g.hosts().keySet())).orElse(List.of());
  }

  /** @return {@code all.vars.admin_ip}, else the first meta host */
  public String adminIp() {
    Object ip = vars.get("admin_ip");
    return ip != null ? ip.toString() : metaHosts().get(0);
  }

  /** @return the PostgreSQL clusters, in file order */
  public List<PgCluster> clusters() {
    List<PgCluster> out = new ArrayList<>();
    for (Group g : groups) {
      if (g.isCluster()) {
        out.add(cluster(g));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static PgCluster cluster(Group g) {
    Map<String, Object> v = g.vars();
    List<Instance> instances = new ArrayList<>();
    g.hosts().forEach((ip, hv) -> instances.add(new Instance(ip, ((Number) hv.get("pg_seq")).intValue(),
        String.valueOf(hv.get("pg_role")))));
    List<PgUser> users = new ArrayList<>();
    for (Object o : (List<Object>) v.getOrDefault("pg_users", List.of())) {
      Map<String, Object> u = (Map<String, Object>) o;
      users.add(new PgUser(str(u.get("name")), str(u.get("password")), Boolean.TRUE.equals(u.get("pgbouncer")),
          strings(u.get("roles")), str(u.get("comment"))));
    }
    List<PgDatabase> dbs = new ArrayList<>();
    for (Object o : (List<Object>) v.getOrDefault("pg_databases", List.of())) {
      Map<String, Object> d = (Map<String, Object>) o;
      List<String> ext = new ArrayList<>();
      for (Object e : (List<Object>) d.getOrDefault("extensions", List.of())) {
        ext.add(e instanceof Map<?, ?> m ? str(m.get("name")) : str(e));
      }
      dbs.add(new PgDatabase(str(d.get("name")), str(d.get("owner")), strings(d.get("schemas")), ext,
          str(d.get("comment"))));
    }
    List<Map<String, Object>> hba = new ArrayList<>();
    for (Object o : (List<Object>) v.getOrDefault("pg_hba_rules_extra", List.of())) {
      hba.add((Map<String, Object>) o);
    }
    String conf = str(v.get("pg_conf"));
    String tune = v.containsKey("node_tune") ? str(v.get("node_tune")) : conf.replace(".yml", "");
    return new PgCluster(str(v.get("pg_cluster")), ((Number) v.get("pg_version")).intValue(), conf, tune,
        instances, users, dbs, hba);
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static List<String> strings(Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      l.forEach(x -> out.add(String.valueOf(x)));
    }
    return out;
  }

  /**
   * Renames every host and rewrites every string value through {@code f} (used to bind a
   * template's placeholders to real addresses). Keys other than host addresses are kept.
   *
   * @param f maps a host key or string value to its replacement (identity for the rest)
   * @return the rewritten inventory
   */
  public Inventory mapStrings(UnaryOperator<String> f) {
    List<Group> gs = new ArrayList<>();
    for (Group g : groups) {
      Map<String, Map<String, Object>> hosts = new LinkedHashMap<>();
      g.hosts().forEach((k, v) -> hosts.put(f.apply(k), castMap(mapValue(v, f, null))));
      gs.add(new Group(g.name(), hosts, castMap(mapValue(g.vars(), f, null))));
    }
    return new Inventory(gs, castMap(mapValue(vars, f, null)));
  }

  /**
   * Rewrites every password value: each key ending in {@code _password} anywhere, and the
   * {@code password} of every {@code pg_users} entry.
   *
   * @param f receives the key path (e.g. {@code all.vars.pg_admin_password} or
   *     {@code pg-meta.pg_users[dbuser_meta].password}) and the old value, returns the new one
   * @return the rewritten inventory
   */
  public Inventory mapPasswords(java.util.function.BiFunction<String, String, String> f) {
    List<Group> gs = new ArrayList<>();
    for (Group g : groups) {
      Map<String, Map<String, Object>> hosts = new LinkedHashMap<>();
      g.hosts().forEach((k, v) -> hosts.put(k, castMap(passwords(v, g.name() + ".hosts." + k, f))));
      gs.add(new Group(g.name(), hosts, castMap(passwords(g.vars(), g.name() + ".vars", f))));
    }
    return new Inventory(gs, castMap(passwords(vars, "all.vars", f)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static Object mapValue(Object v, UnaryOperator<String> f, String unused) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k.toString(), mapValue(x, f, null)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(mapValue(x, f, null)));
      return out;
    }
    return v instanceof String s ? f.apply(s) : v;
  }

  private static Object passwords(Object v, String path, java.util.function.BiFunction<String, String, String> f) {
    if (v instanceof Map<?, ?> m) {
      boolean user = path.contains(".pg_users[");
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> {
        String key = k.toString();
        String p = path + "." + key;
        if (x instanceof String s && (key.endsWith("_password") || (user && key.equals("password")))) {
          out.put(key, f.apply(p, s));
        } else if (key.equals("pg_users") && x instanceof List<?> l) {
          List<Object> users = new ArrayList<>();
          for (int i = 0; i < l.size(); i++) {
            Object u = l.get(i);
            String id = u instanceof Map<?, ?> um && um.get("name") != null ? um.get("name").toString() : String.valueOf(i);
            users.add(passwords(u, path.replaceFirst("\\.vars$", "") + ".pg_users[" + id + "]", f));
          }
          out.put(key, users);
        } else {
          out.put(key, passwords(x, p, f));
        }
      });
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < l.size(); i++) {
        out.add(passwords(l.get(i), path + "[" + i + "]", f));
      }
      return out;
    }
    return v;
  }

  /** @return the inventory as Ansible-style YAML in the shape of reference §3 */
  public Map<String, Object> toTree() {
    Map<String, Object> children = new LinkedHashMap<>();
    for (Group g : groups) {
      Map<String, Object> group = new LinkedHashMap<>();
      group.put("hosts", g.hosts());
      if (!g.vars().isEmpty()) {
        group.put("vars", g.vars());
      }
      children.put(g.name(), group);
    }
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("children", children);
    all.put("vars", vars);
    return Map.of("all", all);
  }

  /** Collections with at most this many scalars inside are written in flow style. */
  private static final int FLOW_LEAVES = 12;

  /**
   * Renders the inventory with snakeyaml-engine: the records are represented as a node tree;
   * collections of at most {@value #FLOW_LEAVES} scalars (hosts, a user, a rule) are written in
   * flow style, lists of users, databases and rules and the rest in block style, in the shape of reference §3.
   *
   * @return YAML text ending in a newline
   */
  public String toYaml() {
    DumpSettings settings = DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK)
        .setWidth(4096).setIndent(2).setIndicatorIndent(0).build();
    Node root = new StandardRepresenter(settings).represent(toTree());
    flow(root, 0);
    StringWriter out = new StringWriter();
    new Dump(settings).dumpNode(root, new StreamDataWriter() {
      @Override
      public void write(String str) {
        out.write(str);
      }

      @Override
      public void write(String str, int off, int len) {
        out.write(str, off, len);
      }
    });
    return "# Pigsty inventory, written by 'pigsty configure'; 'make install' reads it.\n" + out;
  }

  /** Sets flow style on small collections; @return the scalars under {@code n}, or a large number if it stays block */
  private static int flow(Node n, int depth) {
    if (n instanceof ScalarNode) {
      return 1;
    }
    int leaves = 0;
    boolean allFlow = true;
    List<Node> children = new ArrayList<>();
    if (n instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        children.add(t.getValueNode());
        leaves++; // the key
      }
    } else {
      children.addAll(((SequenceNode) n).getValue());
    }
    for (Node c : children) {
      int l = flow(c, depth + 1);
      if (l > FLOW_LEAVES) {
        allFlow = false;
      }
      leaves += l;
    }
    boolean listOfMaps = n instanceof SequenceNode && children.stream().anyMatch(c -> c instanceof MappingNode);
    boolean small = allFlow && leaves <= FLOW_LEAVES && depth >= 2 && !children.isEmpty()
        && !(listOfMaps && depth <= 6);
    ((CollectionNode<?>) n).setFlowStyle(small ? FlowStyle.FLOW : FlowStyle.BLOCK);
    return small ? leaves : FLOW_LEAVES + 1;
  }

  /** Checks a composed inventory node by node, so every error names its line and key path. */
  private static final class Parser {
    private final String file;

    Parser(String file) {
      this.file = file;
    }

    NodeException error(Node node, String path, String reason) {
      return error(NodeException.Kind.INVENTORY, node, path, reason);
    }

    NodeException error(NodeException.Kind kind, Node node, String path, String reason) {
      int line = node == null ? 0 : node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
      return new NodeException(kind, file + (line > 0 ? ":" + line : "") + ": " + path + ": " + reason);
    }

    Inventory parse(String yaml) throws NodeException {
      LoadSettings settings = LoadSettings.builder().setLabel(file).setSchema(new CoreSchema())
          .setAllowDuplicateKeys(true).build();
      Optional<Node> root;
      try {
        root = new Compose(settings).composeReader(new StringReader(yaml));
      } catch (MarkedYamlEngineException e) {
        int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
        throw new NodeException(NodeException.Kind.INVENTORY, file + ":" + line + ": malformed YAML: "
            + (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem(), e);
      } catch (YamlEngineException e) {
        throw new NodeException(NodeException.Kind.INVENTORY, file + ": malformed YAML: " + e.getMessage(), e);
      }
      if (root.isEmpty()) {
        throw new NodeException(NodeException.Kind.INVENTORY, file + ": holds no YAML document");
      }
      Map<String, NodeTuple> top = entries(map(root.get(), ""), "");
      NodeTuple allT = require(root.get(), top, "", "all");
      Map<String, NodeTuple> all = entries(map(allT.getValueNode(), "all"), "all");
      NodeTuple childrenT = require(allT.getValueNode(), all, "all", "children");
      NodeTuple varsT = require(allT.getValueNode(), all, "all", "vars");
      Map<String, Object> vars = castMap(value(map(varsT.getValueNode(), "all.vars"), "all.vars"));
      Map<String, NodeTuple> children = entries(map(childrenT.getValueNode(), "all.children"), "all.children");
      List<Group> groups = new ArrayList<>();
      for (Map.Entry<String, NodeTuple> c : children.entrySet()) {
        groups.add(group(c.getKey(), c.getValue().getValueNode()));
      }
      if (!children.containsKey("meta")) {
        throw error(childrenT.getValueNode(), "all.children.meta", "missing required group 'meta' (the admin node)");
      }
      if (groups.stream().noneMatch(Group::isCluster)) {
        throw error(childrenT.getValueNode(), "all.children", "no PostgreSQL cluster (a group with vars.pg_cluster)");
      }
      Object adminIp = vars.get("admin_ip");
      if (adminIp != null && !(adminIp instanceof String)) {
        throw error(varsT.getValueNode(), "all.vars.admin_ip", "expected an address, found " + adminIp);
      }
      return new Inventory(groups, vars);
    }

    Group group(String name, Node node) throws NodeException {
      String path = "all.children." + name;
      Map<String, NodeTuple> g = entries(map(node, path), path);
      NodeTuple hostsT = require(node, g, path, "hosts");
      Map<String, NodeTuple> hostEntries = entries(map(hostsT.getValueNode(), path + ".hosts"), path + ".hosts");
      if (hostEntries.isEmpty()) {
        throw error(hostsT.getValueNode(), path + ".hosts", "no hosts");
      }
      Map<String, Map<String, Object>> hosts = new LinkedHashMap<>();
      for (Map.Entry<String, NodeTuple> h : hostEntries.entrySet()) {
        Node hv = h.getValue().getValueNode();
        String hp = path + ".hosts." + h.getKey();
        hosts.put(h.getKey(), isNull(hv) ? new LinkedHashMap<>() : castMap(value(map(hv, hp), hp)));
      }
      Map<String, Object> vars = new LinkedHashMap<>();
      NodeTuple varsT = g.get("vars");
      if (varsT != null) {
        vars = castMap(value(map(varsT.getValueNode(), path + ".vars"), path + ".vars"));
      }
      Group group = new Group(name, hosts, vars);
      if (group.isCluster()) {
        checkCluster(group, node, varsT.getValueNode(), hostEntries, path);
      }
      return group;
    }

    void checkCluster(Group g, Node groupNode, Node varsNode, Map<String, NodeTuple> hostEntries, String path)
        throws NodeException {
      Map<String, NodeTuple> v = entries((MappingNode) varsNode, path + ".vars");
      String vp = path + ".vars.";
      string(v.get("pg_cluster").getValueNode(), vp + "pg_cluster");
      NodeTuple ver = require(varsNode, v, path + ".vars", "pg_version");
      if (!(g.vars().get("pg_version") instanceof Integer n) || n < 10 || n > 99) {
        throw error(ver.getValueNode(), vp + "pg_version", "expected a PostgreSQL major such as 15");
      }
      NodeTuple conf = require(varsNode, v, path + ".vars", "pg_conf");
      String c = string(conf.getValueNode(), vp + "pg_conf");
      if (!PG_CONFS.contains(c)) {
        throw error(NodeException.Kind.UNKNOWN_TEMPLATE, conf.getValueNode(), vp + "pg_conf",
            "unknown tuning template '" + c + "'; expected one of " + String.join(", ", PG_CONFS));
      }
      if (v.containsKey("node_tune")) {
        String t = string(v.get("node_tune").getValueNode(), vp + "node_tune");
        if (!NODE_TUNES.contains(t)) {
          throw error(NodeException.Kind.UNKNOWN_TEMPLATE, v.get("node_tune").getValueNode(), vp + "node_tune",
              "unknown tuning profile '" + t + "'; expected one of " + String.join(", ", NODE_TUNES));
        }
      }
      Set<Object> seqs = new java.util.HashSet<>();
      for (Map.Entry<String, NodeTuple> h : hostEntries.entrySet()) {
        String hp = path + ".hosts." + h.getKey();
        Node hn = h.getValue().getValueNode();
        Map<String, Object> hv = g.hosts().get(h.getKey());
        if (!(hv.get("pg_seq") instanceof Integer seq) || seq < 0) {
          throw error(hn, hp + ".pg_seq", "missing or not a whole number");
        }
        if (!seqs.add(seq)) {
          throw error(hn, hp + ".pg_seq", "duplicate pg_seq " + seq + " in " + g.name());
        }
        if (!PG_ROLES.contains(String.valueOf(hv.get("pg_role")))) {
          throw error(hn, hp + ".pg_role", "expected one of " + String.join(", ", PG_ROLES)
              + ", found " + hv.get("pg_role"));
        }
      }
      if (v.containsKey("pg_users")) {
        SequenceNode users = seq(v.get("pg_users").getValueNode(), vp + "pg_users");
        for (int i = 0; i < users.getValue().size(); i++) {
          String up = vp + "pg_users[" + i + "]";
          Node un = users.getValue().get(i);
          Map<String, NodeTuple> u = entries(map(un, up), up);
          string(require(un, u, up, "name").getValueNode(), up + ".name");
          string(require(un, u, up, "password").getValueNode(), up + ".password");
        }
      }
      if (v.containsKey("pg_databases")) {
        SequenceNode dbs = seq(v.get("pg_databases").getValueNode(), vp + "pg_databases");
        for (int i = 0; i < dbs.getValue().size(); i++) {
          String dp = vp + "pg_databases[" + i + "]";
          Node dn = dbs.getValue().get(i);
          Map<String, NodeTuple> d = entries(map(dn, dp), dp);
          string(require(dn, d, dp, "name").getValueNode(), dp + ".name");
        }
      }
      if (v.containsKey("pg_hba_rules_extra")) {
        SequenceNode rules = seq(v.get("pg_hba_rules_extra").getValueNode(), vp + "pg_hba_rules_extra");
        for (int i = 0; i < rules.getValue().size(); i++) {
          String rp = vp + "pg_hba_rules_extra[" + i + "]";
          Node rn = rules.getValue().get(i);
          Map<String, NodeTuple> r = entries(map(rn, rp), rp);
          NodeTuple auth = require(rn, r, rp, "auth");
          if (string(auth.getValueNode(), rp + ".auth").equals("trust")) {
            throw error(auth.getValueNode(), rp + ".auth", "'trust' is not allowed; use scram-sha-256");
          }
        }
      }
    }

    MappingNode map(Node node, String path) throws NodeException {
      if (node instanceof MappingNode m) {
        return m;
      }
      throw error(node, path.isEmpty() ? "(top)" : path, "expected a map, found " + describe(node));
    }

    SequenceNode seq(Node node, String path) throws NodeException {
      if (node instanceof SequenceNode s) {
        return s;
      }
      throw error(node, path, "expected a list, found " + describe(node));
    }

    String string(Node node, String path) throws NodeException {
      if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag()) && !s.getValue().isBlank()) {
        return s.getValue();
      }
      throw error(node, path, "expected a non-empty string, found " + describe(node));
    }

    NodeTuple require(Node parent, Map<String, NodeTuple> entries, String path, String key) throws NodeException {
      NodeTuple t = entries.get(key);
      if (t == null) {
        throw error(parent, path.isEmpty() ? key : path + "." + key, "missing required key '" + key + "'");
      }
      return t;
    }

    Map<String, NodeTuple> entries(MappingNode m, String path) throws NodeException {
      Map<String, NodeTuple> out = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k) || Tag.NULL.equals(k.getTag())) {
          throw error(t.getKeyNode(), path, "expected a key name, found " + describe(t.getKeyNode()));
        }
        NodeTuple first = out.put(k.getValue(), t);
        if (first != null) {
          int line = first.getKeyNode().getStartMark().map(x -> x.getLine() + 1).orElse(0);
          throw error(k, path.isEmpty() ? k.getValue() : path + "." + k.getValue(),
              "duplicate key (first at line " + line + ")");
        }
      }
      return out;
    }

    static boolean isNull(Node n) {
      return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    static String describe(Node n) {
      if (n instanceof MappingNode) {
        return "a map";
      }
      if (n instanceof SequenceNode) {
        return "a list";
      }
      ScalarNode s = (ScalarNode) n;
      return Tag.NULL.equals(s.getTag()) ? "nothing" : "'" + s.getValue() + "'";
    }

    /**
     * Plain Java data of a node: ordered maps, lists, String, Integer/Long, Boolean, null;
     * floats stay as written.
     *
     * @throws NodeException for a duplicate key anywhere below, naming both lines
     */
    Object value(Node n, String path) throws NodeException {
      if (n instanceof MappingNode m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> t : entries(m, path).entrySet()) {
          out.put(t.getKey(), value(t.getValue().getValueNode(), path + "." + t.getKey()));
        }
        return out;
      }
      if (n instanceof SequenceNode s) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < s.getValue().size(); i++) {
          out.add(value(s.getValue().get(i), path + "[" + i + "]"));
        }
        return out;
      }
      ScalarNode s = (ScalarNode) n;
      Tag tag = s.getTag();
      String text = s.getValue();
      if (Tag.NULL.equals(tag)) {
        return null;
      }
      if (Tag.BOOL.equals(tag)) {
        return Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT));
      }
      if (Tag.INT.equals(tag)) {
        try {
          long l = Long.decode(text.replace("0o", "0"));
          return l == (int) l ? (Object) (int) l : (Object) l;
        } catch (NumberFormatException e) {
          return text;
        }
      }
      if (Tag.FLOAT.equals(tag)) {
        return text; // kept as written: version-like values must not become 1.1
      }
      return text;
    }
  }
}
