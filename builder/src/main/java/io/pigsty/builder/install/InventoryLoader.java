package io.pigsty.builder.install;

import io.pigsty.builder.install.Inventory.HbaRule;
import io.pigsty.builder.install.Inventory.PgCluster;
import io.pigsty.builder.install.Inventory.PgDatabase;
import io.pigsty.builder.install.Inventory.PgUser;
import io.pigsty.builder.install.Inventory.Vars;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
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
 * Reads {@code pigsty.yml} (the Ansible-style inventory of reference §3) into an
 * {@link Inventory}. YAML 1.2 core schema via snakeyaml-engine; every error names the file,
 * the line and the key path. Keys the installer does not use are ignored (the inventory is
 * shared with other tools); keys it uses are type-checked.
 */
public final class InventoryLoader {

    /** Role, database, schema and extension names: safe as SQL identifiers and in pgbouncer.ini. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Pattern CIDR = Pattern.compile("[0-9a-fA-F.:]+/[0-9]{1,3}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}");
    private static final Set<String> ROLES = Set.of("primary", "replica", "offline", "delayed");
    private static final Set<String> ADDRS = Set.of("local", "localhost", "admin", "infra", "intra", "world");
    private static final Set<String> AUTHS = Set.of("scram-sha-256", "pwd", "peer", "ident", "deny", "reject");

    private final Path file;

    private InventoryLoader(Path file) {
        this.file = file;
    }

    /**
     * Loads and validates an inventory file.
     *
     * @param file path of {@code pigsty.yml} (not null)
     * @return the inventory of the meta node and the cluster on it
     * @throws InventoryException on malformed YAML, a missing meta node or cluster, or a value
     *                            of the wrong type or outside its allowed set
     * @throws IOException        when the file cannot be read
     */
    public static Inventory load(Path file) throws InventoryException, IOException {
        LoadSettings settings = LoadSettings.builder().setLabel(file.toString())
                .setSchema(new CoreSchema()).setAllowDuplicateKeys(false).build();
        Optional<Node> root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Compose(settings).composeReader(r);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
            String ctx = e.getContext() == null ? "" : e.getContext() + ": ";
            throw new InventoryException(file, line, "", "malformed YAML: " + ctx + e.getProblem(), e);
        } catch (YamlEngineException e) {
            throw new InventoryException(file, 0, "", "malformed YAML: " + e.getMessage(), e);
        }
        if (root.isEmpty()) {
            throw new InventoryException(file, 0, "", "the file holds no YAML document", null);
        }
        return new InventoryLoader(file).read(root.get());
    }

    private Inventory read(Node root) throws InventoryException {
        Map<String, Node> top = map(root, "");
        Node allNode = required(top, root, "", "all");
        Map<String, Node> all = map(allNode, "all");
        Node childrenNode = required(all, allNode, "all", "children");
        Map<String, Node> children = map(childrenNode, "all.children");
        Map<String, Node> globals = all.containsKey("vars") ? map(all.get("vars"), "all.vars") : Map.of();

        Node metaNode = required(children, childrenNode, "all.children", "meta");
        Map<String, Node> meta = map(metaNode, "all.children.meta");
        Node metaHostsNode = required(meta, metaNode, "all.children.meta", "hosts");
        Map<String, Node> metaHosts = map(metaHostsNode, "all.children.meta.hosts");
        if (metaHosts.isEmpty()) {
            throw error(metaHostsNode, "all.children.meta.hosts", "no meta node listed");
        }
        String metaIp = metaHosts.keySet().iterator().next();
        if (!IPV4.matcher(metaIp).matches()) {
            throw error(metaHostsNode, "all.children.meta.hosts", "'" + metaIp + "' is not an IPv4 address");
        }

        PgCluster cluster = null;
        for (Map.Entry<String, Node> group : children.entrySet()) {
            String path = "all.children." + group.getKey();
            Map<String, Node> g = map(group.getValue(), path);
            if (!g.containsKey("vars")) {
                continue;
            }
            Map<String, Node> vars = map(g.get("vars"), path + ".vars");
            if (!vars.containsKey("pg_cluster")) {
                continue;
            }
            Node hostsNode = required(g, group.getValue(), path, "hosts");
            Map<String, Node> hosts = map(hostsNode, path + ".hosts");
            if (hosts.containsKey(metaIp)) {
                if (cluster != null) {
                    throw error(group.getValue(), path, "a second PostgreSQL cluster on the meta node "
                            + metaIp + " (first: " + cluster.name() + ")");
                }
                cluster = cluster(path, vars, hosts.get(metaIp), g.get("vars"));
            }
        }
        if (cluster == null) {
            throw error(childrenNode, "all.children", "no group with vars.pg_cluster has the meta node "
                    + metaIp + " among its hosts");
        }
        return new Inventory(metaIp, cluster, vars(globals, metaIp));
    }

    private PgCluster cluster(String path, Map<String, Node> vars, Node hostNode, Node varsNode)
            throws InventoryException {
        String vp = path + ".vars";
        String hp = path + ".hosts";
        Map<String, Node> host = hostNode == null || isNull(hostNode) ? Map.of() : map(hostNode, hp);
        String name = text(vars.get("pg_cluster"), vp + ".pg_cluster");
        if (!name.matches("[a-z][a-z0-9-]{0,62}")) {
            throw error(vars.get("pg_cluster"), vp + ".pg_cluster", "'" + name
                    + "' must be lower-case letters, digits and '-', starting with a letter");
        }
        int seq = integer(required(host, hostNode, hp, "pg_seq"), hp + ".pg_seq", 0, 9999);
        String role = oneOf(required(host, hostNode, hp, "pg_role"), hp + ".pg_role", ROLES);
        if (!role.equals("primary")) {
            throw error(host.get("pg_role"), hp + ".pg_role", "the meta node's instance must be the primary (found '"
                    + role + "'); replicas come with the multi-node install");
        }
        int version = vars.containsKey("pg_version")
                ? integer(vars.get("pg_version"), vp + ".pg_version", 10, 99) : 15;
        Tuning.Profile profile = Tuning.Profile.TINY;
        if (vars.containsKey("pg_conf")) {
            Node n = vars.get("pg_conf");
            String conf = text(n, vp + ".pg_conf");
            profile = Tuning.Profile.fromFileName(conf).orElseThrow(() -> error(n, vp + ".pg_conf",
                    "'" + conf + "' is not one of tiny.yml, oltp.yml, olap.yml, crit.yml"));
        }
        String nodeTune = vars.containsKey("node_tune") ? text(vars.get("node_tune"), vp + ".node_tune") : "tiny";
        List<PgUser> users = new ArrayList<>();
        for (Item it : items(vars, "pg_users", vp)) {
            Map<String, Node> u = map(it.node, it.path);
            String uname = ident(required(u, it.node, it.path, "name"), it.path + ".name");
            String pw = text(required(u, it.node, it.path, "password"), it.path + ".password");
            boolean bouncer = u.containsKey("pgbouncer") && bool(u.get("pgbouncer"), it.path + ".pgbouncer");
            List<String> roles = new ArrayList<>();
            for (Item r : items(u, "roles", it.path)) {
                roles.add(ident(r.node, r.path));
            }
            users.add(new PgUser(uname, pw, bouncer, roles, optText(u, "comment", it.path)));
        }
        List<PgDatabase> dbs = new ArrayList<>();
        for (Item it : items(vars, "pg_databases", vp)) {
            Map<String, Node> d = map(it.node, it.path);
            String dname = ident(required(d, it.node, it.path, "name"), it.path + ".name");
            String owner = d.containsKey("owner") ? ident(d.get("owner"), it.path + ".owner") : "postgres";
            List<String> schemas = new ArrayList<>();
            for (Item s : items(d, "schemas", it.path)) {
                schemas.add(ident(s.node, s.path));
            }
            List<String> exts = new ArrayList<>();
            for (Item e : items(d, "extensions", it.path)) {
                Node en = e.node;
                if (en instanceof MappingNode) {
                    Map<String, Node> em = map(en, e.path);
                    en = required(em, e.node, e.path, "name");
                }
                exts.add(ident(en, e.path + ".name"));
            }
            dbs.add(new PgDatabase(dname, owner, schemas, exts, optText(d, "comment", it.path)));
        }
        List<HbaRule> hba = new ArrayList<>();
        for (Item it : items(vars, "pg_hba_rules_extra", vp)) {
            Map<String, Node> h = map(it.node, it.path);
            String user = text(required(h, it.node, it.path, "user"), it.path + ".user");
            String db = text(required(h, it.node, it.path, "db"), it.path + ".db");
            Node an = required(h, it.node, it.path, "addr");
            String addr = text(an, it.path + ".addr");
            if (!ADDRS.contains(addr) && !CIDR.matcher(addr).matches()) {
                throw error(an, it.path + ".addr", "'" + addr + "' is not a CIDR nor one of " + sorted(ADDRS));
            }
            String auth = oneOf(required(h, it.node, it.path, "auth"), it.path + ".auth", AUTHS);
            if ((auth.equals("peer") || auth.equals("ident")) && !addr.equals("local")) {
                throw error(h.get("auth"), it.path + ".auth", "'" + auth + "' is for addr: local only");
            }
            for (String[] f : new String[][] {{"user", user}, {"db", db}}) {
                if (!f[1].matches("\\+?[A-Za-z_][A-Za-z0-9_]*")) {
                    throw error(h.get(f[0]), it.path + "." + f[0], "'" + f[1] + "' is not a name, 'all' or '+role'");
                }
            }
            hba.add(new HbaRule(user, db, addr, auth.equals("pwd") ? "scram-sha-256" : auth,
                    optText(h, "title", it.path)));
        }
        return new PgCluster(name, seq, role, version, profile, nodeTune, users, dbs, hba);
    }

    private Vars vars(Map<String, Node> g, String metaIp) throws InventoryException {
        String p = "all.vars";
        return new Vars(
                optText(g, "admin_ip", p, metaIp), optText(g, "repo_dir", p, "/www/pigsty"),
                port(g, "nginx_port", 80), port(g, "prometheus_port", 9090),
                port(g, "alertmanager_port", 9093), port(g, "node_exporter_port", 9100),
                port(g, "pg_port", 5432), port(g, "pgbouncer_port", 6432),
                port(g, "pg_exporter_port", 9187), port(g, "pgbouncer_exporter_port", 9127),
                optIdent(g, "pg_admin_username", "dbuser_dba"), optText(g, "pg_admin_password", p, "DBUser.DBA"),
                optIdent(g, "pg_monitor_username", "dbuser_monitor"),
                optText(g, "pg_monitor_password", p, "DBUser.Monitor"),
                optIdent(g, "pg_replication_username", "replicator"),
                optText(g, "pg_replication_password", p, "DBUser.Replicator"));
    }

    // ---- typed accessors ---------------------------------------------------------------------

    private record Item(Node node, String path) {
    }

    private List<Item> items(Map<String, Node> m, String key, String path) throws InventoryException {
        Node n = m.get(key);
        if (n == null || isNull(n)) {
            return List.of();
        }
        String p = path + "." + key;
        if (!(n instanceof SequenceNode s)) {
            throw error(n, p, "expected a list, found " + describe(n));
        }
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < s.getValue().size(); i++) {
            out.add(new Item(s.getValue().get(i), p + "[" + i + "]"));
        }
        return out;
    }

    private Map<String, Node> map(Node n, String path) throws InventoryException {
        if (!(n instanceof MappingNode m)) {
            throw error(n, path.isEmpty() ? "(top)" : path, "expected a map, found " + describe(n));
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw error(t.getKeyNode(), path, "expected a key, found " + describe(t.getKeyNode()));
            }
            String keyPath = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
            Node first = out.put(k.getValue(), t.getValueNode());
            if (first != null) {
                int firstLine = first.getStartMark().map(mk -> mk.getLine() + 1).orElse(0);
                throw error(k, keyPath, "duplicate key (first at line " + firstLine + ")");
            }
        }
        return out;
    }

    private Node required(Map<String, Node> m, Node parent, String path, String key) throws InventoryException {
        Node n = m.get(key);
        if (n == null) {
            throw error(parent, path.isEmpty() ? key : path + "." + key, "missing required key '" + key + "'");
        }
        return n;
    }

    private String text(Node n, String path) throws InventoryException {
        if (n instanceof ScalarNode s && !Tag.NULL.equals(s.getTag()) && !Tag.BOOL.equals(s.getTag())
                && !s.getValue().isBlank()) {
            return s.getValue().strip();
        }
        throw error(n, path, "expected a non-empty string, found " + describe(n));
    }

    private String ident(Node n, String path) throws InventoryException {
        String v = text(n, path);
        if (!NAME.matcher(v).matches()) {
            throw error(n, path, "'" + v + "' is not a plain name (letters, digits, '_', at most 63)");
        }
        return v;
    }

    private String optText(Map<String, Node> m, String key, String path) throws InventoryException {
        return m.containsKey(key) ? text(m.get(key), path + "." + key) : "";
    }

    private String optText(Map<String, Node> m, String key, String path, String dflt) throws InventoryException {
        return m.containsKey(key) ? text(m.get(key), path + "." + key) : dflt;
    }

    private String optIdent(Map<String, Node> m, String key, String dflt) throws InventoryException {
        return m.containsKey(key) ? ident(m.get(key), "all.vars." + key) : dflt;
    }

    private int port(Map<String, Node> m, String key, int dflt) throws InventoryException {
        return m.containsKey(key) ? integer(m.get(key), "all.vars." + key, 1, 65535) : dflt;
    }

    private int integer(Node n, String path, int min, int max) throws InventoryException {
        if (n instanceof ScalarNode s && (Tag.INT.equals(s.getTag()) || Tag.STR.equals(s.getTag()))
                && s.getValue().strip().matches("[0-9]{1,9}")) {
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
            return Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT));
        }
        throw error(n, path, "expected true or false, found " + describe(n));
    }

    private String oneOf(Node n, String path, Set<String> allowed) throws InventoryException {
        String v = text(n, path);
        if (!allowed.contains(v)) {
            throw error(n, path, "'" + v + "' is not one of " + sorted(allowed));
        }
        return v;
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", new java.util.TreeSet<>(s));
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
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
        return (Tag.STR.equals(s.getTag()) ? "a string" : Tag.BOOL.equals(s.getTag()) ? "a boolean"
                : "a number") + " ('" + s.getValue() + "')";
    }

    private InventoryException error(Node n, String path, String reason) {
        int line = n == null ? 0 : n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        return new InventoryException(file, line, path, reason, null);
    }
}
