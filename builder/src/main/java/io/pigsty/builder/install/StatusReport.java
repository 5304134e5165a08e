package io.pigsty.builder.install;

import io.pigsty.builder.install.HealthCheck.Item;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report of {@code pigsty status}: one section per node (the admin node's own {@link
 * HealthCheck}, every other node's read back from the output of {@code pigsty status --node IP}
 * there), then the items of the whole cluster ({@link ClusterHealth}); its text, one line per item
 * ({@code [ OK ] name: detail} or {@code [FAIL] name: detail}), and the message naming every failed
 * node and item. Pure: no I/O.
 *
 * @param nodes the sections, in inventory order
 * @param cluster the cluster-level items (empty for a single node)
 * @param seconds wall time of the whole report
 */
public record StatusReport(List<Node> nodes, List<Item> cluster, double seconds) {

  /** The section name of the cluster-level items in {@link #failures}. */
  public static final String CLUSTER = "cluster";

  /** What a report line looks like: two spaces, the verdict, the name, {@code ": "}, the detail. */
  private static final Pattern LINE = Pattern.compile("^\\s*\\[( OK |FAIL)\\] (.*)$");

  /**
   * One node's section.
   *
   * @param host its address
   * @param label its instance name, etcd member name or {@code node} ({@link HealthCheck#label})
   * @param items its items, in order
   */
  public record Node(String host, String label, List<Item> items) {
    /** Copies the list. */
    public Node {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(label, "label");
      items = List.copyOf(items);
    }

    /**
     * @return whether every item passed
     */
    public boolean ok() {
      return items.stream().allMatch(Item::ok);
    }
  }

  /** Copies the lists. */
  public StatusReport {
    nodes = List.copyOf(nodes);
    cluster = List.copyOf(cluster);
  }

  /**
   * @return the report of one node, as {@code status --node IP} and {@code install} print it
   */
  public static StatusReport single(String host, String label, HealthCheck.Report r) {
    return new StatusReport(List.of(new Node(host, label, r.items())), List.of(), r.seconds());
  }

  /**
   * @return whether every item of every node and of the cluster passed
   */
  public boolean ok() {
    return nodes.stream().allMatch(Node::ok) && cluster.stream().allMatch(Item::ok);
  }

  /**
   * @return how many items the report holds
   */
  public int size() {
    return nodes.stream().mapToInt(n -> n.items().size()).sum() + cluster.size();
  }

  /**
   * @return every failed item as {@code host: name: detail}, or {@code cluster: name: detail} for a
   *     cluster-level item, nodes first in order
   */
  public List<String> failures() {
    List<String> out = new ArrayList<>();
    for (Node n : nodes) {
      n.items().stream().filter(i -> !i.ok()).forEach(i -> out.add(n.host() + ": " + text(i)));
    }
    cluster.stream().filter(i -> !i.ok()).forEach(i -> out.add(CLUSTER + ": " + text(i)));
    return out;
  }

  /**
   * The message of the exit-42 failure ({@link HealthException}): how many items failed and where,
   * then one failure a line ({@link #failures}).
   *
   * @return the message; empty when every item passed
   */
  public String failureMessage() {
    List<String> f = failures();
    if (f.isEmpty()) {
      return "";
    }
    Set<String> where = new LinkedHashSet<>();
    for (Node n : nodes) {
      if (!n.ok()) {
        where.add(n.host());
      }
    }
    if (!cluster.stream().allMatch(Item::ok)) {
      where.add(CLUSTER);
    }
    return f.size()
        + " health check(s) failed on "
        + String.join(", ", where)
        + ":\n  "
        + String.join("\n  ", f);
  }

  /**
   * The text of the report. One node and no cluster item: {@code health of LABEL on HOST (S s):}
   * then its lines; else {@code health of N node(s) (S s):}, then per node {@code node HOST
   * (LABEL):} and its lines, then {@code cluster:} and its lines. Last, {@code health: all N checks
   * passed} or {@code health: F of N checks failed}.
   *
   * @return lines ending in {@code \n}
   */
  public String render() {
    StringBuilder sb = new StringBuilder();
    if (nodes.size() == 1 && cluster.isEmpty()) {
      Node n = nodes.get(0);
      sb.append(
          String.format(
              Locale.ROOT, "health of %s on %s (%.1f s):%n", n.label(), n.host(), seconds));
      n.items().forEach(i -> sb.append("  ").append(line(i)).append('\n'));
    } else {
      sb.append(
          String.format(Locale.ROOT, "health of %d node(s) (%.1f s):%n", nodes.size(), seconds));
      for (Node n : nodes) {
        sb.append("node ").append(n.host()).append(" (").append(n.label()).append("):\n");
        n.items().forEach(i -> sb.append("  ").append(line(i)).append('\n'));
      }
      if (!cluster.isEmpty()) {
        sb.append(CLUSTER).append(":\n");
        cluster.forEach(i -> sb.append("  ").append(line(i)).append('\n'));
      }
    }
    int failed = failures().size();
    sb.append(
        failed == 0
            ? "health: all " + size() + " checks passed\n"
            : "health: " + failed + " of " + size() + " checks failed\n");
    return sb.toString();
  }

  /**
   * @return one report line: {@code [ OK ] name: detail} or {@code [FAIL] name: detail}, line
   *     breaks in the name or detail replaced by {@code " | "}
   */
  public static String line(Item i) {
    return (i.ok() ? "[ OK ] " : "[FAIL] ") + text(i);
  }

  private static String text(Item i) {
    return oneLine(i.name()) + ": " + oneLine(i.detail());
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " | ");
  }

  /**
   * Reads the items back from the text of a report ({@link #line}, as {@code status --node} prints
   * it): every line {@code [ OK ] name: detail} or {@code [FAIL] name: detail}, the name up to the
   * first {@code ": "}; other lines are skipped.
   *
   * @param text a report
   * @return its items, in order
   */
  public static List<Item> parseItems(String text) {
    List<Item> out = new ArrayList<>();
    for (String l : text.split("\\R")) {
      Matcher m = LINE.matcher(l);
      if (!m.matches()) {
        continue;
      }
      String rest = m.group(2);
      int colon = rest.indexOf(": ");
      out.add(
          new Item(
              colon < 0 ? rest : rest.substring(0, colon),
              m.group(1).equals(" OK "),
              colon < 0 ? "" : rest.substring(colon + 2)));
    }
    return out;
  }

  /**
   * A node's section from what {@code pigsty status --node HOST} printed there: its items ({@link
   * #parseItems}); plus a failed item {@code pigsty status --node} when the command exited other
   * than 0 or 42 ({@link HealthException#EXIT_CODE}), printed no item, or exited 42 without a
   * failed item, naming the exit code and the first line of its error output (exit 127: the node
   * has no pigsty yet; exit 2: its pigsty.jar predates {@code status --node}).
   *
   * @param host the node
   * @param label its label ({@link HealthCheck#label})
   * @param first items to put first (e.g. the inventory check), may be empty
   * @param exit the exit code of the command
   * @param out its standard output
   * @param err its standard error
   * @return the section
   */
  public static Node fromOutput(
      String host, String label, List<Item> first, int exit, String out, String err) {
    List<Item> items = new ArrayList<>(first);
    List<Item> parsed = parseItems(out);
    items.addAll(parsed);
    boolean known = exit == 0 || exit == HealthException.EXIT_CODE;
    boolean failed = parsed.stream().anyMatch(i -> !i.ok());
    if (!known || parsed.isEmpty() || (exit == HealthException.EXIT_CODE && !failed)) {
      String why = firstLine(err).isEmpty() ? lastLine(out) : firstLine(err);
      String hint =
          switch (exit) {
            case 127 -> " (no pigsty on the node yet: make install -l " + host + " puts it there)";
            case 2 -> " (its pigsty.jar may predate status --node: make install -l " + host + ")";
            default -> "";
          };
      items.add(
          new Item(
              "pigsty status --node",
              false,
              "exit " + exit + (why.isEmpty() ? "" : ": " + why) + hint));
    }
    return new Node(host, label, items);
  }

  private static String firstLine(String s) {
    return s.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
  }

  private static String lastLine(String s) {
    List<String> l = s.lines().map(String::strip).filter(x -> !x.isEmpty()).toList();
    return l.isEmpty() ? "" : l.get(l.size() - 1);
  }
}
