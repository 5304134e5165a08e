package io.pigsty.repo.solve;

import io.pigsty.repo.deb.DebPackage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The result of {@link DebResolver#resolve}: the closure, which requested package pulled in which
 * package, and the chain that first brought each package in.
 */
public final class Resolution {
  private final List<DebPackage> packages;
  private final List<String> roots;
  private final Map<String, String[]> parent;
  private final Map<String, Set<String>> edges;

  Resolution(
      List<DebPackage> packages,
      List<String> roots,
      Map<String, String[]> parent,
      Map<String, Set<String>> edges) {
    List<DebPackage> sorted = new ArrayList<>(packages);
    sorted.sort(Comparator.comparing(DebPackage::name));
    this.packages = Collections.unmodifiableList(sorted);
    this.roots = List.copyOf(new LinkedHashSet<>(roots));
    this.parent = parent;
    this.edges = edges;
  }

  /**
   * @return the closure, one version per package name, sorted by name
   */
  public List<DebPackage> packages() {
    return packages;
  }

  /**
   * @return the names of the packages chosen for the requests, in request order
   */
  public List<String> requested() {
    return roots;
  }

  /**
   * @return the package of that name in the closure
   */
  public Optional<DebPackage> get(String name) {
    return packages.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * Explains why a package is in the closure.
   *
   * @param name a package name
   * @return the chain from the request's origin to the package, e.g. {@code [pgsql, postgresql-15,
   *     libllvm14]}; empty when the package is not in the closure
   */
  public List<String> why(String name) {
    return parent.containsKey(name) ? chainOf(parent, name) : List.of();
  }

  /**
   * Walks first-discovery edges back to a request.
   *
   * @param parent package name to {parent package name or null, origin of the request}
   * @return {@code [origin, request, ..., name]}
   */
  static List<String> chainOf(Map<String, String[]> parent, String name) {
    List<String> rev = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String cur = name;
    String origin = null;
    while (cur != null && seen.add(cur)) {
      rev.add(cur);
      String[] e = parent.get(cur);
      if (e == null) {
        break;
      }
      origin = e[1];
      cur = e[0];
    }
    if (origin != null) {
      rev.add(origin);
    }
    Collections.reverse(rev);
    return rev;
  }

  /**
   * For each package of the closure, the requested packages whose own closure contains it (a
   * requested package lists itself).
   *
   * @return package name to the sorted names of requested packages, sorted by package name
   */
  public Map<String, Set<String>> requestedBy() {
    Map<String, Set<String>> out = new TreeMap<>();
    for (String root : roots) {
      Deque<String> todo = new ArrayDeque<>();
      Set<String> seen = new HashSet<>();
      todo.add(root);
      seen.add(root);
      while (!todo.isEmpty()) {
        String n = todo.poll();
        out.computeIfAbsent(n, k -> new TreeSet<>()).add(root);
        for (String m : edges.getOrDefault(n, Set.of())) {
          if (seen.add(m)) {
            todo.add(m);
          }
        }
      }
    }
    return out;
  }
}
