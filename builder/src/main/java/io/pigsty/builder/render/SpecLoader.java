package io.pigsty.builder.render;

import io.pigsty.builder.definition.DefinitionException;
import io.pigsty.builder.definition.YamlFile;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a spec directory ({@code os.yml}, {@code clouds.yml}, {@code <name>.yml}) into records,
 * rejecting every bad value with a {@link DefinitionException} reading {@code file:line: key.path:
 * reason}.
 */
public final class SpecLoader {

  static final List<String> SPEC_KEYS = List.of("name", "description", "network", "nodes");
  static final List<String> NODE_KEYS = List.of("name", "ip", "cpu", "memory_mb", "disk_gb");
  static final List<String> OS_KEYS =
      List.of("title", "family", "arch", "vagrant", "aws", "aliyun", "qemu");
  static final List<String> USER_KEYS = List.of("ssh_user");
  static final List<String> CLOUDS = List.of("aws", "aliyun");
  static final List<String> CLOUD_KEYS = List.of("region", "instance_types");
  static final List<String> FAMILIES = List.of("deb", "rpm");
  static final int DEFAULT_DISK_GB = 40;

  /** os codes as in bundle names: el8 el9 d12 u24 ... */
  static final Pattern OS_CODE = Pattern.compile("(el|d|u)[0-9]{1,2}");

  /** RFC 1123 host name label, lower case. */
  static final Pattern HOST = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  /** Spec names: they become directory names. */
  static final Pattern SPEC_NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  static final Pattern SIZE = Pattern.compile("[0-9]{1,3}c[0-9]{1,4}g");

  /** Login user names (POSIX portable user name). */
  static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  /**
   * Values pasted into Ruby and HCL strings: no quotes, backslashes, interpolation or control
   * chars.
   */
  static final Pattern SAFE = Pattern.compile("[^\"'\\\\$#{}\\p{Cntrl}]+");

  private SpecLoader() {}

  /**
   * Reads {@code os.yml} and {@code clouds.yml} of a source and lists its specs.
   *
   * @throws DefinitionException for any bad value (file:line: key: reason)
   * @throws IOException if a file is missing or unreadable
   */
  public static SpecCatalog catalog(SpecSource source) throws DefinitionException, IOException {
    return new SpecCatalog(
        source,
        os(compose(source, "os.yml")),
        clouds(compose(source, "clouds.yml")),
        source.specs());
  }

  /**
   * Reads the environment spec {@code name}.
   *
   * @throws ImageException if there is no such spec (the known ones are listed)
   * @throws DefinitionException for any bad value (file:line: key: reason)
   * @throws IOException if the file cannot be read
   */
  public static EnvSpec spec(SpecCatalog catalog, String name)
      throws ImageException, DefinitionException, IOException {
    if (!SPEC_NAME.matcher(name).matches() || !catalog.specs().contains(name)) {
      throw new ImageException(
          "no environment spec '"
              + name
              + "' in "
              + catalog.label("")
              + "; known: "
              + String.join(", ", catalog.specs()));
    }
    return spec(compose(catalog.source(), name + ".yml"), name);
  }

  private static YamlFile compose(SpecSource source, String file)
      throws DefinitionException, IOException {
    try (Reader r = source.open(file)) {
      return YamlFile.compose(source.label(file), r);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(source.label(file).toString(), null, "spec file missing");
    }
  }

  static EnvSpec spec(YamlFile y, String expectedName) throws DefinitionException {
    MappingNode root = y.map(y.root(), "");
    Map<String, NodeTuple> top = y.entries(root, "", SPEC_KEYS);
    y.require(root, "", top, "name", "network", "nodes");
    Node nameNode = value(top, "name");
    String name = y.string(nameNode, "name", false);
    if (!name.equals(expectedName)) {
      throw y.error(
          nameNode,
          "name",
          "'" + name + "' does not match the file name '" + expectedName + ".yml'");
    }
    String description =
        top.containsKey("description") ? safe(y, value(top, "description"), "description") : "";
    Node netNode = value(top, "network");
    String network = y.string(netNode, "network", false);
    Ipv4.Cidr cidr =
        Ipv4.Cidr.parse(network)
            .orElseThrow(
                () ->
                    y.error(
                        netNode,
                        "network",
                        "'"
                            + network
                            + "' is not an IPv4 network in CIDR form such as 10.10.10.0/24"));
    if (cidr.prefix() < 16 || cidr.prefix() > 28) {
      throw y.error(
          netNode,
          "network",
          "prefix /" + cidr.prefix() + " out of range: AWS and Aliyun subnets are /16 to /28");
    }
    if (!cidr.isNetworkAddress()) {
      throw y.error(
          netNode,
          "network",
          "'" + network + "' has host bits set; the network is " + cidr.networkString());
    }
    if (!cidr.isPrivate()) {
      throw y.error(
          netNode,
          "network",
          "'" + network + "' is not a private network (RFC 1918: 10/8, 172.16/12, 192.168/16)");
    }
    Node nodesNode = value(top, "nodes");
    SequenceNode seq = y.seq(nodesNode, "nodes");
    if (seq.getValue().isEmpty()) {
      throw y.error(nodesNode, "nodes", "at least one node (the meta node) is required");
    }
    List<NodeSpec> nodes = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> ips = new HashMap<>();
    for (int i = 0; i < seq.getValue().size(); i++) {
      nodes.add(
          node(y, seq.getValue().get(i), YamlFile.index("nodes", i), i == 0, cidr, names, ips));
    }
    return new EnvSpec(y.file(), name, description, cidr.networkString(), nodes);
  }

  private static NodeSpec node(
      YamlFile y,
      Node n,
      String path,
      boolean meta,
      Ipv4.Cidr cidr,
      Map<String, Integer> names,
      Map<String, Integer> ips)
      throws DefinitionException {
    MappingNode map = y.map(n, path);
    Map<String, NodeTuple> e = y.entries(map, path, NODE_KEYS);
    y.require(map, path, e, "name", "ip", "cpu", "memory_mb");
    Node nameNode = value(e, "name");
    String name = y.string(nameNode, YamlFile.child(path, "name"), false);
    if (!HOST.matcher(name).matches()) {
      throw y.error(
          nameNode,
          YamlFile.child(path, "name"),
          "'"
              + name
              + "' is not a host name (lower-case letters, digits and '-', letter first, at most 63)");
    }
    Integer first = names.putIfAbsent(name, YamlFile.line(nameNode));
    if (first != null) {
      throw y.error(
          nameNode,
          YamlFile.child(path, "name"),
          "node name '" + name + "' is used twice (first at line " + first + ")");
    }
    Node ipNode = value(e, "ip");
    String ipPath = YamlFile.child(path, "ip");
    String ip = y.string(ipNode, ipPath, false);
    long addr =
        Ipv4.parse(ip)
            .orElseThrow(() -> y.error(ipNode, ipPath, "'" + ip + "' is not an IPv4 address"));
    if (!cidr.contains(addr)) {
      throw y.error(ipNode, ipPath, ip + " is not in the spec's network " + cidr.networkString());
    }
    long offset = addr - cidr.network();
    if (offset < 4 || offset == cidr.size() - 1) {
      throw y.error(
          ipNode,
          ipPath,
          ip
              + " is reserved in "
              + cidr.networkString()
              + " (the network address, the first three hosts and the broadcast address are taken by"
              + " the cloud's gateway and DNS, AWS VPC subnet rules)");
    }
    Integer firstIp = ips.putIfAbsent(ip, YamlFile.line(ipNode));
    if (firstIp != null) {
      throw y.error(ipNode, ipPath, ip + " is used twice (first at line " + firstIp + ")");
    }
    int cpu = range(y, value(e, "cpu"), YamlFile.child(path, "cpu"), 1, 64, "CPUs");
    Node memNode = value(e, "memory_mb");
    int mem = range(y, memNode, YamlFile.child(path, "memory_mb"), 512, 262144, "MiB");
    if (mem % 1024 != 0) {
      throw y.error(
          memNode,
          YamlFile.child(path, "memory_mb"),
          mem
              + " is not a whole number of GiB (cloud instance sizes are; use 1024, 2048, 4096 ...)");
    }
    int disk =
        e.containsKey("disk_gb")
            ? range(y, value(e, "disk_gb"), YamlFile.child(path, "disk_gb"), 10, 2048, "GiB")
            : DEFAULT_DISK_GB;
    return new NodeSpec(name, ip, cpu, mem, disk, meta);
  }

  private static int range(YamlFile y, Node n, String path, int min, int max, String unit)
      throws DefinitionException {
    int v = y.integer(n, path);
    if (v < min || v > max) {
      throw y.error(n, path, v + " is out of range (" + min + ".." + max + " " + unit + ")");
    }
    return v;
  }

  static Map<String, OsImage> os(YamlFile y) throws DefinitionException {
    MappingNode root = y.map(y.root(), "");
    Map<String, NodeTuple> codes = y.entries(root, "", null);
    if (codes.isEmpty()) {
      throw y.error(root, "", "no OS defined");
    }
    Map<String, OsImage> out = new LinkedHashMap<>();
    for (Map.Entry<String, NodeTuple> c : codes.entrySet()) {
      String code = c.getKey();
      if (!OS_CODE.matcher(code).matches()) {
        throw y.error(
            c.getValue().getKeyNode(), code, "'" + code + "' is not an os code such as d12 or el9");
      }
      MappingNode m = y.map(c.getValue().getValueNode(), code);
      Map<String, NodeTuple> e = y.entries(m, code, OS_KEYS);
      y.require(m, code, e, OS_KEYS.toArray(String[]::new));
      String title = safe(y, value(e, "title"), code + ".title");
      Node famNode = value(e, "family");
      String family = y.string(famNode, code + ".family", false);
      if (!FAMILIES.contains(family)) {
        throw y.error(
            famNode,
            code + ".family",
            "'" + family + "' is not one of " + String.join(", ", FAMILIES));
      }
      Node archNode = value(e, "arch");
      String arch = y.string(archNode, code + ".arch", false);
      List<String> arches =
          family.equals("deb") ? List.of("amd64", "arm64") : List.of("x86_64", "aarch64");
      if (!arches.contains(arch)) {
        throw y.error(
            archNode,
            code + ".arch",
            "'"
                + arch
                + "' is not an architecture of the "
                + family
                + " family; expected one of "
                + String.join(", ", arches));
      }
      Map<String, String> vagrant = section(y, e, code, "vagrant", Map.of(), "box");
      Map<String, String> aws =
          section(
              y,
              e,
              code,
              "aws",
              Map.of(
                  "ami_owner",
                  Map.entry(AWS_ACCOUNT, "is not an AWS account id (12 digits; quote it)")),
              "ami_owner",
              "ami_name",
              "root_device");
      Map<String, String> aliyun = section(y, e, code, "aliyun", Map.of(), "image_regex");
      Map<String, String> qemu = section(y, e, code, "qemu", Map.of(), "image");
      out.put(
          code,
          new OsImage(
              code,
              title,
              family,
              arch,
              vagrant.get("box"),
              vagrant.get("ssh_user"),
              aws.get("ami_owner"),
              aws.get("ami_name"),
              aws.get("root_device"),
              aws.get("ssh_user"),
              aliyun.get("image_regex"),
              aliyun.get("ssh_user"),
              qemu.get("image"),
              qemu.get("ssh_user")));
    }
    return out;
  }

  private static final Pattern AWS_ACCOUNT = Pattern.compile("[0-9]{12}");

  /**
   * A map section holding {@code ssh_user} and the given keys, all required; {@code rules} gives a
   * key a pattern its value must match and the reason printed when it does not.
   */
  private static Map<String, String> section(
      YamlFile y,
      Map<String, NodeTuple> e,
      String code,
      String key,
      Map<String, Map.Entry<Pattern, String>> rules,
      String... keys)
      throws DefinitionException {
    String path = code + "." + key;
    MappingNode m = y.map(value(e, key), path);
    List<String> allowed = new ArrayList<>(List.of(keys));
    allowed.addAll(USER_KEYS);
    Map<String, NodeTuple> s = y.entries(m, path, allowed);
    y.require(m, path, s, allowed.toArray(String[]::new));
    Map<String, String> out = new HashMap<>();
    for (String k : allowed) {
      Node n = value(s, k);
      String v = safe(y, n, path + "." + k);
      if (k.equals("ssh_user") && !USER.matcher(v).matches()) {
        throw y.error(n, path + "." + k, "'" + v + "' is not a user name");
      }
      Map.Entry<Pattern, String> rule = rules.get(k);
      if (rule != null && !rule.getKey().matcher(v).matches()) {
        throw y.error(n, path + "." + k, "'" + v + "' " + rule.getValue());
      }
      out.put(k, v);
    }
    return out;
  }

  static Map<String, Cloud> clouds(YamlFile y) throws DefinitionException {
    MappingNode root = y.map(y.root(), "");
    Map<String, NodeTuple> top = y.entries(root, "", CLOUDS);
    y.require(root, "", top, CLOUDS.toArray(String[]::new));
    Map<String, Cloud> out = new LinkedHashMap<>();
    for (String cloud : CLOUDS) {
      MappingNode m = y.map(value(top, cloud), cloud);
      Map<String, NodeTuple> e = y.entries(m, cloud, CLOUD_KEYS);
      y.require(m, cloud, e, CLOUD_KEYS.toArray(String[]::new));
      String region = safe(y, value(e, "region"), cloud + ".region");
      String tpath = cloud + ".instance_types";
      MappingNode tm = y.map(value(e, "instance_types"), tpath);
      Map<String, String> types = new LinkedHashMap<>();
      for (Map.Entry<String, NodeTuple> t : y.entries(tm, tpath, null).entrySet()) {
        if (!SIZE.matcher(t.getKey()).matches()) {
          throw y.error(
              t.getValue().getKeyNode(),
              tpath + "." + t.getKey(),
              "'" + t.getKey() + "' is not a node size such as 2c4g (<cpu>c<memory GiB>g)");
        }
        types.put(t.getKey(), safe(y, t.getValue().getValueNode(), tpath + "." + t.getKey()));
      }
      out.put(
          cloud,
          new Cloud(cloud, region, types, YamlFile.line(e.get("instance_types").getKeyNode())));
    }
    return out;
  }

  /** A string that can be pasted into a Ruby or HCL double-quoted string as is. */
  private static String safe(YamlFile y, Node n, String path) throws DefinitionException {
    String v = y.string(n, path, false);
    if (!SAFE.matcher(v).matches()) {
      throw y.error(
          n, path, "'" + v + "' holds a quote, backslash, $, #, brace or control character");
    }
    return v;
  }

  private static Node value(Map<String, NodeTuple> entries, String key) {
    return entries.get(key).getValueNode();
  }
}
