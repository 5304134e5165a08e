package io.pigsty.builder.inventory;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.StreamDataWriter;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.CollectionNode;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.representer.StandardRepresenter;

/**
 * A Pigsty inventory ({@code pigsty.yml}) as plain data, for writing one: the groups under {@code
 * all.children}, each with hosts (address to host vars) and vars, and the global {@code all.vars}.
 * Values are ordered maps, lists, strings, numbers and booleans, so unknown keys survive a round
 * trip. {@code configure} renders templates through it; what a file means is read only by {@link
 * InventoryLoader}, which every command uses.
 *
 * @param groups the groups in file order
 * @param vars the global vars in file order
 */
public record InventoryTree(List<Group> groups, Map<String, Object> vars) {

  /**
   * One group of {@code all.children}.
   *
   * @param name the group name, e.g. {@code meta} or {@code pg-meta}
   * @param hosts host address to that host's vars, in file order
   * @param vars the group's vars, in file order (empty when absent)
   */
  public record Group(
      String name, Map<String, Map<String, Object>> hosts, Map<String, Object> vars) {
    /** Copies the maps so the record is immutable. */
    public Group {
      Map<String, Map<String, Object>> h = new LinkedHashMap<>();
      hosts.forEach((k, v) -> h.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
      hosts = Collections.unmodifiableMap(h);
      vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
    }

    /**
     * @return whether the group is a PostgreSQL cluster (its vars hold {@code pg_cluster})
     */
    public boolean isCluster() {
      return vars.containsKey("pg_cluster");
    }
  }

  /** Copies the collections so the record is immutable. */
  public InventoryTree {
    groups = List.copyOf(groups);
    vars = Collections.unmodifiableMap(new LinkedHashMap<>(vars));
  }

  /**
   * Parses inventory text into its tree (structure only: {@link InventoryLoader} checks the
   * values).
   *
   * @param yaml the text
   * @param name the file name, for messages
   * @return the inventory
   * @throws InventoryException for malformed YAML, a duplicate key, or a group without hosts
   */
  public static InventoryTree parse(String yaml, String name) throws InventoryException {
    return new Parser(name).parse(yaml);
  }

  /**
   * @return the group of that name, if any
   */
  public Optional<Group> group(String name) {
    return groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }

  /**
   * @return the hosts of the {@code meta} group (the admin/infra nodes), in file order
   */
  public List<String> metaHosts() {
    return group("meta").map(g -> List.copyOf(g.hosts().keySet())).orElse(List.of());
  }

  /**
   * @return {@code all.vars.admin_ip}, else the first meta host
   */
  public String adminIp() {
    Object ip = vars.get("admin_ip");
    return ip != null ? ip.toString() : metaHosts().get(0);
  }

  /**
   * Renames every host and rewrites every string value through {@code f} (used to bind a template's
   * placeholders to real addresses). Keys other than host addresses are kept.
   *
   * @param f maps a host key or string value to its replacement (identity for the rest)
   * @return the rewritten inventory
   */
  public InventoryTree mapStrings(UnaryOperator<String> f) {
    List<Group> gs = new ArrayList<>();
    for (Group g : groups) {
      Map<String, Map<String, Object>> hosts = new LinkedHashMap<>();
      g.hosts().forEach((k, v) -> hosts.put(f.apply(k), castMap(mapValue(v, f))));
      gs.add(new Group(g.name(), hosts, castMap(mapValue(g.vars(), f))));
    }
    return new InventoryTree(gs, castMap(mapValue(vars, f)));
  }

  /**
   * Replaces every string value equal to {@code text} (a template's placeholder) with {@code
   * value}, which may be a number. Host keys and other values are kept.
   *
   * @param text the string to replace, e.g. {@code $pg_major}
   * @param value its replacement
   * @return the rewritten inventory
   */
  public InventoryTree replaceValue(String text, Object value) {
    UnaryOperator<Object> r = x -> text.equals(x) ? value : x;
    List<Group> gs = new ArrayList<>();
    for (Group g : groups) {
      Map<String, Map<String, Object>> hosts = new LinkedHashMap<>();
      g.hosts().forEach((k, v) -> hosts.put(k, castMap(mapLeaves(v, r))));
      gs.add(new Group(g.name(), hosts, castMap(mapLeaves(g.vars(), r))));
    }
    return new InventoryTree(gs, castMap(mapLeaves(vars, r)));
  }

  /**
   * Rewrites every password value: each key ending in {@code _password} anywhere, and the {@code
   * password} of every {@code pg_users} entry.
   *
   * @param f receives the key path (e.g. {@code all.vars.pg_admin_password} or {@code
   *     pg-meta.pg_users[dbuser_meta].password}) and the old value, returns the new one
   * @return the rewritten inventory
   */
  public InventoryTree mapPasswords(BiFunction<String, String, String> f) {
    List<Group> gs = new ArrayList<>();
    for (Group g : groups) {
      Map<String, Map<String, Object>> hosts = new LinkedHashMap<>();
      g.hosts().forEach((k, v) -> hosts.put(k, castMap(passwords(v, g.name() + ".hosts." + k, f))));
      gs.add(new Group(g.name(), hosts, castMap(passwords(g.vars(), g.name() + ".vars", f))));
    }
    return new InventoryTree(gs, castMap(passwords(vars, "all.vars", f)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static Object mapValue(Object v, UnaryOperator<String> f) {
    return mapLeaves(v, x -> x instanceof String s ? f.apply(s) : x);
  }

  /** A copy of a YAML value with every scalar (not map key) replaced by {@code f} of it. */
  private static Object mapLeaves(Object v, UnaryOperator<Object> f) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k.toString(), mapLeaves(x, f)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(mapLeaves(x, f)));
      return out;
    }
    return f.apply(v);
  }

  private static Object passwords(Object v, String path, BiFunction<String, String, String> f) {
    if (v instanceof Map<?, ?> m) {
      boolean user = path.contains(".pg_users[");
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach(
          (k, x) -> {
            String key = k.toString();
            String p = path + "." + key;
            if (x instanceof String s
                && (key.endsWith("_password") || (user && key.equals("password")))) {
              out.put(key, f.apply(p, s));
            } else if (key.equals("pg_users") && x instanceof List<?> l) {
              List<Object> users = new ArrayList<>();
              for (int i = 0; i < l.size(); i++) {
                Object u = l.get(i);
                String id =
                    u instanceof Map<?, ?> um && um.get("name") != null
                        ? um.get("name").toString()
                        : String.valueOf(i);
                users.add(
                    passwords(u, path.replaceFirst("\\.vars$", "") + ".pg_users[" + id + "]", f));
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

  /**
   * @return the inventory as Ansible-style YAML in the shape of Pigsty's inventory
   */
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
   * flow style, lists of users, databases and rules and the rest in block style, in the shape of
   * Pigsty's inventory.
   *
   * @return YAML text ending in a newline
   */
  public String toYaml() {
    DumpSettings settings =
        DumpSettings.builder()
            .setDefaultFlowStyle(FlowStyle.BLOCK)
            .setWidth(4096)
            .setIndent(2)
            .setIndicatorIndent(0)
            .build();
    Node root = new StandardRepresenter(settings).represent(toTree());
    flow(root, 0);
    StringWriter out = new StringWriter();
    new Dump(settings)
        .dumpNode(
            root,
            new StreamDataWriter() {
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

  /**
   * Sets flow style on small collections; @return the scalars under {@code n}, or a large number if
   * it stays block
   */
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
    boolean listOfMaps =
        n instanceof SequenceNode && children.stream().anyMatch(c -> c instanceof MappingNode);
    boolean small =
        allFlow
            && leaves <= FLOW_LEAVES
            && depth >= 2
            && !children.isEmpty()
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

    InventoryException error(Node node, String path, String reason) {
      return error(InventoryException.Kind.INVALID, node, path, reason);
    }

    InventoryException error(InventoryException.Kind kind, Node node, String path, String reason) {
      int line = node == null ? 0 : node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
      return new InventoryException(
          kind, file + (line > 0 ? ":" + line : "") + ": " + path + ": " + reason, null);
    }

    InventoryTree parse(String yaml) throws InventoryException {
      Node root = InventoryLoader.compose(yaml, file);
      Map<String, NodeTuple> top = entries(map(root, ""), "");
      NodeTuple allT = require(root, top, "", "all");
      Map<String, NodeTuple> all = entries(map(allT.getValueNode(), "all"), "all");
      NodeTuple childrenT = require(allT.getValueNode(), all, "all", "children");
      NodeTuple varsT = all.get("vars");
      Map<String, Object> vars =
          varsT == null
              ? new LinkedHashMap<>()
              : castMap(value(map(varsT.getValueNode(), "all.vars"), "all.vars"));
      Map<String, NodeTuple> children =
          entries(map(childrenT.getValueNode(), "all.children"), "all.children");
      List<Group> groups = new ArrayList<>();
      for (Map.Entry<String, NodeTuple> c : children.entrySet()) {
        groups.add(group(c.getKey(), c.getValue().getValueNode()));
      }
      return new InventoryTree(groups, vars);
    }

    Group group(String name, Node node) throws InventoryException {
      String path = "all.children." + name;
      Map<String, NodeTuple> g = entries(map(node, path), path);
      NodeTuple hostsT = require(node, g, path, "hosts");
      Map<String, NodeTuple> hostEntries =
          entries(map(hostsT.getValueNode(), path + ".hosts"), path + ".hosts");
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
      return new Group(name, hosts, vars);
    }

    MappingNode map(Node node, String path) throws InventoryException {
      if (node instanceof MappingNode m) {
        return m;
      }
      throw error(node, path.isEmpty() ? "(top)" : path, "expected a map, found " + describe(node));
    }

    SequenceNode seq(Node node, String path) throws InventoryException {
      if (node instanceof SequenceNode s) {
        return s;
      }
      throw error(node, path, "expected a list, found " + describe(node));
    }

    String string(Node node, String path) throws InventoryException {
      if (node instanceof ScalarNode s && Tag.STR.equals(s.getTag()) && !s.getValue().isBlank()) {
        return s.getValue();
      }
      throw error(node, path, "expected a non-empty string, found " + describe(node));
    }

    NodeTuple require(Node parent, Map<String, NodeTuple> entries, String path, String key)
        throws InventoryException {
      NodeTuple t = entries.get(key);
      if (t == null) {
        throw error(
            parent, path.isEmpty() ? key : path + "." + key, "missing required key '" + key + "'");
      }
      return t;
    }

    Map<String, NodeTuple> entries(MappingNode m, String path) throws InventoryException {
      Map<String, NodeTuple> out = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k) || Tag.NULL.equals(k.getTag())) {
          throw error(
              t.getKeyNode(), path, "expected a key name, found " + describe(t.getKeyNode()));
        }
        NodeTuple first = out.put(k.getValue(), t);
        if (first != null) {
          int line = first.getKeyNode().getStartMark().map(x -> x.getLine() + 1).orElse(0);
          throw error(
              k,
              path.isEmpty() ? k.getValue() : path + "." + k.getValue(),
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
     * Plain Java data of a node: ordered maps, lists, String, Integer/Long, Boolean, null; floats
     * stay as written.
     *
     * @throws InventoryException for a duplicate key anywhere below, naming both lines
     */
    Object value(Node n, String path) throws InventoryException {
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
        return Boolean.parseBoolean(text.toLowerCase(Locale.ROOT));
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
