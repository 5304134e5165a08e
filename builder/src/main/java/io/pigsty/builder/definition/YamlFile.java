package io.pigsty.builder.definition;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
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
 * One YAML file composed to a node tree (YAML 1.2 core schema) plus typed accessors that turn every
 * mismatch into a {@link DefinitionException} naming the file, line and key path. Scalars are read
 * as their written text, so {@code 1.10} stays {@code "1.10"}. Shared with the image spec loader
 * ({@code io.pigsty.builder.render}).
 */
public final class YamlFile {

  private final Path file;
  private final Node root;

  private YamlFile(Path file, Node root) {
    this.file = file;
    this.root = root;
  }

  /**
   * Reads and composes a file.
   *
   * @throws DefinitionException for malformed YAML (with the parser's problem line) or an empty
   *     document
   * @throws IOException if the file cannot be read (including when it does not exist)
   */
  public static YamlFile compose(Path file) throws DefinitionException, IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return compose(file, reader);
    }
  }

  /**
   * Composes YAML read from {@code reader}, naming {@code file} in errors (for resources in the
   * jar, which have no file system path).
   *
   * @throws DefinitionException for malformed YAML or an empty document
   * @throws IOException if reading fails
   */
  public static YamlFile compose(Path file, Reader reader) throws DefinitionException, IOException {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(file.toString())
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(true) // we report duplicates ourselves, with both lines
            .build();
    Optional<Node> node;
    try {
      node = new Compose(settings).composeReader(reader);
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
      StringBuilder reason = new StringBuilder("malformed YAML: ");
      if (e.getContext() != null) {
        reason.append(e.getContext());
        e.getContextMark()
            .ifPresent(m -> reason.append(" (line ").append(m.getLine() + 1).append(')'));
        reason.append(": ");
      }
      reason.append(e.getProblem());
      throw new DefinitionException(file, line, "", reason.toString(), e);
    } catch (YamlEngineException e) {
      throw new DefinitionException(file, 0, "", "malformed YAML: " + e.getMessage(), e);
    }
    if (node.isEmpty()) {
      throw new DefinitionException(file, 0, "", "the file holds no YAML document");
    }
    return new YamlFile(file, node.get());
  }

  public Path file() {
    return file;
  }

  public Node root() {
    return root;
  }

  /** 1-based line where the node starts, 0 when unknown. */
  public static int line(Node node) {
    return node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
  }

  public DefinitionException error(Node node, String keyPath, String reason) {
    return new DefinitionException(file, node == null ? 0 : line(node), keyPath, reason);
  }

  /** {@code file:line: keyPath} for a node, as used in {@link PackageRequest#source()}. */
  String where(Node node, String keyPath) {
    int line = line(node);
    return file + (line > 0 ? ":" + line : "") + ": " + keyPath;
  }

  public static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /** Words for what a node is, for "expected X, found Y" messages. */
  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a map";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    Tag tag = s.getTag();
    if (Tag.NULL.equals(tag)) {
      return "nothing (null)";
    }
    if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
      return "a number (" + s.getValue() + ")";
    }
    if (Tag.BOOL.equals(tag)) {
      return "a boolean (" + s.getValue() + ")";
    }
    return "a string ('" + s.getValue() + "')";
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  public MappingNode map(Node node, String path) throws DefinitionException {
    if (node instanceof MappingNode m) {
      return m;
    }
    throw error(node, path, "expected a map, found " + describe(node));
  }

  public SequenceNode seq(Node node, String path) throws DefinitionException {
    if (node instanceof SequenceNode s) {
      return s;
    }
    throw error(node, path, "expected a list, found " + describe(node));
  }

  /**
   * The written text of a string scalar. A plain number is accepted only when {@code numberOk}
   * (release, version); booleans, nulls and collections never are.
   */
  public String string(Node node, String path, boolean numberOk) throws DefinitionException {
    if (node instanceof ScalarNode s) {
      Tag tag = s.getTag();
      boolean ok =
          Tag.STR.equals(tag) || (numberOk && (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)));
      if (ok) {
        if (s.getValue().isBlank()) {
          throw error(node, path, "must not be empty");
        }
        return s.getValue().strip();
      }
    }
    String hint =
        numberOk ? "" : (node instanceof ScalarNode ? " (quote it if it is meant as text)" : "");
    throw error(node, path, "expected a string, found " + describe(node) + hint);
  }

  public int integer(Node node, String path) throws DefinitionException {
    if (node instanceof ScalarNode s
        && (Tag.INT.equals(s.getTag()) || Tag.STR.equals(s.getTag()))
        && s.getValue().strip().matches("[0-9]{1,9}")) {
      return Integer.parseInt(s.getValue().strip());
    }
    throw error(node, path, "expected a whole number, found " + describe(node));
  }

  boolean bool(Node node, String path) throws DefinitionException {
    if (node instanceof ScalarNode s && Tag.BOOL.equals(s.getTag())) {
      return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
    }
    throw error(node, path, "expected true or false, found " + describe(node));
  }

  /** The items of a list of strings, each with its node (for lines). */
  List<Map.Entry<Node, String>> strings(Node node, String path, boolean numberOk)
      throws DefinitionException {
    List<Map.Entry<Node, String>> out = new ArrayList<>();
    List<Node> items = seq(node, path).getValue();
    for (int i = 0; i < items.size(); i++) {
      out.add(Map.entry(items.get(i), string(items.get(i), index(path, i), numberOk)));
    }
    return out;
  }

  /**
   * The entries of a mapping in file order, keyed by their text.
   *
   * @param allowed the keys allowed, or null to allow any string key
   * @throws DefinitionException on a non-string key, a duplicate key (naming the first line) or a
   *     key not in {@code allowed} (with a "did you mean")
   */
  public LinkedHashMap<String, NodeTuple> entries(
      MappingNode map, String path, Collection<String> allowed) throws DefinitionException {
    LinkedHashMap<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      Node keyNode = t.getKeyNode();
      if (!(keyNode instanceof ScalarNode ks)
          || Tag.NULL.equals(ks.getTag())
          || ks.getValue().isBlank()) {
        throw error(keyNode, path, "expected a key name, found " + describe(keyNode));
      }
      String key = ks.getValue();
      String keyPath = child(path, key);
      NodeTuple first = out.get(key);
      if (first != null) {
        throw error(
            keyNode,
            keyPath,
            "duplicate key '" + key + "' (first at line " + line(first.getKeyNode()) + ")");
      }
      if (allowed != null && !allowed.contains(key)) {
        String suggestion =
            closest(key, allowed).map(c -> " (did you mean '" + c + "'?)").orElse("");
        throw error(
            keyNode,
            keyPath,
            "unknown key '"
                + key
                + "'"
                + suggestion
                + "; expected one of "
                + String.join(", ", allowed));
      }
      out.put(key, t);
    }
    return out;
  }

  /** Throws "missing required key" at the map's line for the first absent key. */
  public void require(MappingNode map, String path, Map<String, NodeTuple> entries, String... keys)
      throws DefinitionException {
    for (String k : keys) {
      if (!entries.containsKey(k)) {
        throw error(map, child(path, k), "missing required key '" + k + "'");
      }
    }
  }

  /** The allowed word within edit distance 2 of {@code word}, if exactly one is closest. */
  static Optional<String> closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = 3;
    for (String c : candidates) {
      int d = distance(word, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
