package io.pigsty.builder.configure;

import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.Dependency;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.deb.PackageIndex;
import io.pigsty.repo.deb.Paragraph;
import io.pigsty.repo.deb.Relations;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Would apt install the requested packages of a bundle on this node? Works from the node's dpkg
 * status and the bundle's {@code Packages}: walks the Pre-Depends and Depends of the requested
 * packages through the bundle, and reports every relation that apt could satisfy neither with the
 * installed version nor by upgrading to a bundled version. apt does not downgrade on its own, so an
 * installed package newer than the only bundled version that a bundled package pins with {@code =},
 * {@code <=} or {@code <<} is a conflict (the {@code libc6} against {@code libc6-dev} case, Pigsty
 * issues #535, #425, #308).
 */
public final class Preflight {
  private Preflight() {}

  /** One relation apt could not satisfy: the package that needs it, the relation, and why. */
  public record Conflict(String pkg, String relation, String reason) {
    @Override
    public String toString() {
      return pkg + " needs " + relation + ": " + reason;
    }
  }

  /** The outcome: the packages walked and every conflict found (empty when apt would succeed). */
  public record Result(Set<String> closure, List<Conflict> conflicts) {
    /**
     * @return whether no conflict was found
     */
    public boolean ok() {
      return conflicts.isEmpty();
    }
  }

  /**
   * Reads the installed packages of a dpkg status file: stanzas whose {@code Status} is {@code
   * install ok installed} (dpkg(1), "Package states").
   *
   * @param status the content of {@code /var/lib/dpkg/status}
   * @param name its path, for messages
   * @param arch the node's dpkg architecture; other architectures (multiarch) are skipped
   * @return the installed packages
   * @throws MetadataException naming {@code name} for a malformed stanza
   */
  public static PackageIndex installed(byte[] status, String name, String arch)
      throws MetadataException {
    PackageIndex out = new PackageIndex(arch);
    List<Paragraph> paragraphs = new ArrayList<>();
    Paragraph.parseAll(status, name, paragraphs::add);
    for (Paragraph p : paragraphs) {
      String st = p.get("Status");
      if (st != null && st.trim().equals("install ok installed")) {
        out.add(DebPackage.of(p, name));
      }
    }
    return out;
  }

  /**
   * The packages pigsty.yml asks for that apt could not find: neither in the bundle (by name or as
   * a virtual package) nor installed on the node.
   *
   * @param asked the package names, in order
   * @param bundle the bundle's {@code Packages}
   * @param installed the node's installed packages ({@link #installed})
   * @return the missing ones, in {@code asked} order
   */
  public static List<String> missing(
      Collection<String> asked, PackageIndex bundle, PackageIndex installed) {
    return asked.stream()
        .filter(name -> !bundle.knows(name) && installed.versions(name).isEmpty())
        .toList();
  }

  /**
   * Checks the bundle against the node.
   *
   * @param requested the requested specs of the bundle's manifest ({@code
   *     definition.requested[].spec}), each a relation such as {@code postgresql-15} or {@code a |
   *     b}
   * @param bundle the bundle's {@code Packages}
   * @param installed the node's installed packages ({@link #installed})
   * @return the closure walked and every conflict, by package and version
   * @throws MetadataException for a malformed relation field
   */
  public static Result check(List<String> requested, PackageIndex bundle, PackageIndex installed)
      throws MetadataException {
    List<Conflict> conflicts = new ArrayList<>();
    Set<String> closure = new LinkedHashSet<>();
    Deque<DebPackage> todo = new ArrayDeque<>();
    Map<String, Boolean> reported = new HashMap<>();
    for (String spec : requested) {
      List<List<Dependency>> groups = Relations.parse(spec, "requested " + spec);
      for (List<Dependency> g : groups) {
        follow("(requested)", g, bundle, installed, closure, todo, conflicts, reported);
      }
    }
    while (!todo.isEmpty()) {
      DebPackage p = todo.pop();
      List<List<Dependency>> deps = new ArrayList<>(p.preDepends());
      deps.addAll(p.depends());
      for (List<Dependency> g : deps) {
        follow(
            p.name() + " " + p.version(), g, bundle, installed, closure, todo, conflicts, reported);
      }
    }
    return new Result(closure, conflicts);
  }

  /** Resolves one dependency group: the first alternative apt can satisfy is taken. */
  private static void follow(
      String who,
      List<Dependency> group,
      PackageIndex bundle,
      PackageIndex installed,
      Set<String> closure,
      Deque<DebPackage> todo,
      List<Conflict> conflicts,
      Map<String, Boolean> reported) {
    List<String> reasons = new ArrayList<>();
    for (Dependency d : group) {
      DebPackage inst = installedFor(d, installed);
      if (inst != null) {
        return; // the installed package satisfies it; apt leaves it alone
      }
      DebPackage fromBundle = bundleFor(d, bundle, installed);
      if (fromBundle != null) {
        if (closure.add(fromBundle.name())) {
          todo.push(fromBundle);
        }
        return;
      }
      reasons.add(why(d, bundle, installed));
    }
    String rel =
        group.stream().map(Dependency::toString).reduce((a, b) -> a + " | " + b).orElse("");
    if (reported.putIfAbsent(who + "\0" + rel, Boolean.TRUE) == null) {
      conflicts.add(new Conflict(who, rel, String.join("; ", reasons)));
    }
  }

  /**
   * @return an installed package (or provider) that satisfies {@code d}, else null
   */
  private static DebPackage installedFor(Dependency d, PackageIndex installed) {
    for (DebPackage p : installed.versions(d.name())) {
      if (d.accepts(p.version())) {
        return p;
      }
    }
    for (DebPackage p : installed.providers(d.name())) {
      if (provides(p, d)) {
        return p;
      }
    }
    return null;
  }

  /**
   * @return the newest bundled package that satisfies {@code d} and that apt would install: not
   *     older than an installed version of the same name (apt does not downgrade); else null
   */
  private static DebPackage bundleFor(Dependency d, PackageIndex bundle, PackageIndex installed) {
    for (DebPackage p : bundle.versions(d.name())) {
      if (d.accepts(p.version()) && !olderThanInstalled(p, installed)) {
        return p;
      }
    }
    for (DebPackage p : bundle.providers(d.name())) {
      if (provides(p, d) && !olderThanInstalled(p, installed)) {
        return p;
      }
    }
    return null;
  }

  private static boolean olderThanInstalled(DebPackage p, PackageIndex installed) {
    for (DebPackage i : installed.versions(p.name())) {
      if (p.version().compareTo(i.version()) < 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean provides(DebPackage p, Dependency d) {
    for (Dependency pr : p.provides()) {
      if (pr.name().equals(d.name())) {
        if (!d.versioned()) {
          return true;
        }
        if (pr.versioned() && d.accepts(pr.version())) {
          return true; // only a versioned Provides satisfies a versioned relation (Policy 7.5)
        }
      }
    }
    return false;
  }

  private static String why(Dependency d, PackageIndex bundle, PackageIndex installed) {
    List<String> inst = new ArrayList<>();
    installed.versions(d.name()).forEach(p -> inst.add(p.version().toString()));
    List<String> bun = new ArrayList<>();
    bundle.versions(d.name()).forEach(p -> bun.add(p.version().toString()));
    if (inst.isEmpty() && bun.isEmpty()) {
      return d.name() + " is neither installed nor in the bundle";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        inst.isEmpty()
            ? d.name() + " is not installed"
            : "installed " + d.name() + " " + String.join(", ", inst));
    sb.append(bun.isEmpty() ? ", not in the bundle" : ", bundle has " + String.join(", ", bun));
    for (DebPackage p : bundle.versions(d.name())) {
      if (d.accepts(p.version()) && olderThanInstalled(p, installed)) {
        sb.append(" (apt will not downgrade the installed version to ")
            .append(p.version())
            .append(')');
        break;
      }
    }
    return sb.toString();
  }
}
