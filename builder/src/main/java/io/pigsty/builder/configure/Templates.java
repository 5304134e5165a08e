package io.pigsty.builder.configure;

import io.pigsty.builder.inventory.InventoryException;
import io.pigsty.builder.inventory.InventoryTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration templates ({@code demo}, {@code demo4}, {@code tiny}, {@code oltp}; reference
 * §3), kept as YAML data under {@code templates/} on the class path. Their host keys and address
 * values are placeholders: {@code $node0} is the node's address, {@code $nodeK} the K-th address
 * after it in its /24, {@code $net.N} address N of its /24; {@code pg_version} is {@value
 * #PG_MAJOR}, the PostgreSQL major of the bundle ({@link #pgMajor}).
 */
public final class Templates {
  /** The template names, in the order {@code --help} lists them. */
  public static final List<String> NAMES = List.of("demo", "demo4", "tiny", "oltp");

  /** Below this many CPUs the default template is {@code tiny}. */
  public static final int OLTP_MIN_CPUS = 4;

  /**
   * Below this much memory (bytes) the default template is {@code tiny}: 7 GiB, so a nominal 8 GB
   * machine, whose {@code MemTotal} is 7.2 to 7.8 GiB after the kernel's share, counts as 8 GB.
   */
  public static final long OLTP_MIN_MEMORY = 7L << 30;

  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$(?:node([0-9])|net\\.([0-9]{1,3}))");
  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  /** Length of a generated password: 24 characters of a 56-letter alphabet, about 139 bits. */
  public static final int PASSWORD_LENGTH = 24;

  /** The placeholder of {@code pg_version}: the bundle's PostgreSQL major. */
  public static final String PG_MAJOR = "$pg_major";

  private Templates() {}

  /** A rendered inventory and the passwords that were generated for it (empty unless asked). */
  public record Rendered(String template, InventoryTree inventory, Map<String, String> passwords) {}

  /**
   * Picks the template: the requested one when given, else {@code tiny} below {@link
   * #OLTP_MIN_CPUS} CPUs or {@link #OLTP_MIN_MEMORY} bytes, else {@code oltp} (Pigsty's configure:
   * sandbox users get demo, small nodes tiny, larger oltp).
   *
   * @param requested the {@code -m} value, or {@code null}
   * @param cpus CPUs of the node
   * @param memoryBytes memory of the node in bytes; negative when unknown (counts as small)
   * @return a name of {@link #NAMES}
   * @throws NodeException {@link NodeException.Kind#UNKNOWN_TEMPLATE} when {@code requested} is not
   *     a template
   */
  public static String choose(String requested, int cpus, long memoryBytes) throws NodeException {
    if (requested != null) {
      if (!NAMES.contains(requested)) {
        throw new NodeException(
            NodeException.Kind.UNKNOWN_TEMPLATE,
            "unknown template '" + requested + "'; expected one of " + String.join(", ", NAMES));
      }
      return requested;
    }
    return cpus < OLTP_MIN_CPUS || memoryBytes < OLTP_MIN_MEMORY ? "tiny" : "oltp";
  }

  /**
   * Loads a template with its placeholders in place.
   *
   * @param name one of {@link #NAMES}
   * @return the template model
   * @throws NodeException UNKNOWN_TEMPLATE for another name
   * @throws IllegalStateException if a template in the jar is malformed (a build defect)
   */
  public static InventoryTree load(String name) throws NodeException {
    choose(name, 0, 0);
    String resource = "/templates/" + name + ".yml";
    try (InputStream in = Templates.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new NodeException(
            NodeException.Kind.UNKNOWN_TEMPLATE, "template " + resource + " is not in the jar");
      }
      return InventoryTree.parse(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), "template " + name + ".yml");
    } catch (IOException e) {
      throw new NodeException(
          NodeException.Kind.UNKNOWN_TEMPLATE, "template " + resource + ": " + e.getMessage(), e);
    } catch (InventoryException e) {
      throw new IllegalStateException(
          "template " + resource + " in the jar is malformed: " + e.getMessage(), e);
    }
  }

  /**
   * Replaces every placeholder host key and value with a real address.
   *
   * @param template a template from {@link #load}
   * @param nodeIp the node's primary IPv4 address
   * @return the inventory with addresses only; no {@code $} placeholder remains but {@value
   *     #PG_MAJOR} ({@link #pgMajor})
   * @throws NodeException {@link NodeException.Kind#IP} when {@code nodeIp} is not IPv4, a derived
   *     address would leave the /24 (past .254), or a VIP lands on a host address
   */
  public static InventoryTree bind(InventoryTree template, String nodeIp) throws NodeException {
    int[] o = octets(nodeIp);
    String net = o[0] + "." + o[1] + "." + o[2] + ".";
    Map<String, String> seen = new LinkedHashMap<>();
    NodeException[] error = new NodeException[1];
    InventoryTree bound =
        template.mapStrings(
            s -> {
              Matcher m = PLACEHOLDER.matcher(s);
              if (!m.matches()) {
                if (s.startsWith("$") && !s.equals(PG_MAJOR) && error[0] == null) {
                  error[0] =
                      new NodeException(
                          NodeException.Kind.INVENTORY,
                          "template: unknown placeholder '" + s + "'");
                }
                return s;
              }
              int last =
                  m.group(1) != null
                      ? o[3] + Integer.parseInt(m.group(1))
                      : Integer.parseInt(m.group(2));
              if (last < 1 || last > 254) {
                if (error[0] == null) {
                  error[0] =
                      new NodeException(
                          NodeException.Kind.IP,
                          "template needs "
                              + s
                              + " = "
                              + net
                              + last
                              + ", which is not a host address of "
                              + net
                              + "0/24; pick an address lower in the /24 with -i");
                }
                return s;
              }
              String ip = net + last;
              seen.put(s, ip);
              return ip;
            });
    if (error[0] != null) {
      throw error[0];
    }
    for (Map.Entry<String, String> e : seen.entrySet()) {
      if (e.getKey().startsWith("$net.")) {
        for (InventoryTree.Group g : bound.groups()) {
          if (g.hosts().containsKey(e.getValue())) {
            throw new NodeException(
                NodeException.Kind.IP,
                "the template's VIP "
                    + e.getKey()
                    + " = "
                    + e.getValue()
                    + " is also the address of a host in "
                    + g.name()
                    + "; use -m tiny or another -i");
          }
        }
      }
    }
    return bound;
  }

  /**
   * Puts the bundle's PostgreSQL major where the template says {@value #PG_MAJOR} ({@code
   * pg_version}).
   *
   * @param bound a template from {@link #bind}
   * @param pgMajor a PostgreSQL major the bundle carries
   * @return the inventory without placeholders
   */
  public static InventoryTree pgMajor(InventoryTree bound, int pgMajor) {
    return bound.replaceValue(PG_MAJOR, pgMajor);
  }

  /**
   * Replaces every default password (keys ending in {@code _password}, {@code password} of {@code
   * pg_users}) with a random one.
   *
   * @param template the template name, carried into the result
   * @param inv the inventory
   * @param random the source of randomness (a {@link SecureRandom})
   * @return the inventory and each replaced password by key path, in file order
   */
  public static Rendered randomPasswords(String template, InventoryTree inv, SecureRandom random) {
    Map<String, String> out = new LinkedHashMap<>();
    InventoryTree r =
        inv.mapPasswords(
            (path, old) -> {
              StringBuilder sb = new StringBuilder(PASSWORD_LENGTH);
              for (int i = 0; i < PASSWORD_LENGTH; i++) {
                sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
              }
              out.put(path, sb.toString());
              return sb.toString();
            });
    return new Rendered(template, r, out);
  }

  /**
   * Loads, binds, sets the PostgreSQL major and (when asked) re-keys a template.
   *
   * @param name a template name
   * @param nodeIp the node's primary address
   * @param pgMajor the PostgreSQL major ({@code pg_version}), one the bundle carries
   * @param generatePasswords whether to replace every default password
   * @return the rendered inventory
   * @throws NodeException see {@link #load} and {@link #bind}
   */
  public static Rendered render(String name, String nodeIp, int pgMajor, boolean generatePasswords)
      throws NodeException {
    return finish(name, bind(load(name), nodeIp), pgMajor, generatePasswords);
  }

  /**
   * The rest of {@link #render} once the template is bound: the PostgreSQL major, then the
   * passwords when asked.
   *
   * @param name the template name
   * @param bound the template from {@link #bind}
   * @param pgMajor the PostgreSQL major ({@code pg_version})
   * @param generatePasswords whether to replace every default password
   * @return the rendered inventory
   */
  public static Rendered finish(
      String name, InventoryTree bound, int pgMajor, boolean generatePasswords) {
    InventoryTree inv = pgMajor(bound, pgMajor);
    return generatePasswords
        ? randomPasswords(name, inv, new SecureRandom())
        : new Rendered(name, inv, Map.of());
  }

  /**
   * @param ip dotted IPv4 text
   * @return its four octets
   * @throws NodeException IP when it is not dotted IPv4
   */
  static int[] octets(String ip) throws NodeException {
    String[] p = ip == null ? new String[0] : ip.split("\\.", -1);
    if (p.length != 4) {
      throw new NodeException(NodeException.Kind.IP, "'" + ip + "' is not an IPv4 address");
    }
    int[] o = new int[4];
    for (int i = 0; i < 4; i++) {
      if (!p[i].matches("[0-9]{1,3}") || Integer.parseInt(p[i]) > 255) {
        throw new NodeException(NodeException.Kind.IP, "'" + ip + "' is not an IPv4 address");
      }
      o[i] = Integer.parseInt(p[i]);
    }
    return o;
  }
}
