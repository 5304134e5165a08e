package io.pigsty.repo.solve;

import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.Dependency;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.deb.MultiArch;
import io.pigsty.repo.deb.PackageIndex;
import io.pigsty.repo.deb.RelationOp;
import io.pigsty.repo.deb.Relations;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Computes the installation closure of requested packages over a {@link PackageIndex} the way apt's
 * {@code pkgDepCache::MarkInstall} does on an empty system, so that the closure alone installs
 * every request (Debian Policy 7.1-7.5):
 *
 * <ul>
 *   <li>Pre-Depends and Depends are followed, and Recommends unless switched off;
 *   <li>a group {@code a | b} is satisfied by an already selected package if one matches, else by
 *       an alternative whose candidate is Essential or Priority required (what a minimal system
 *       already has), else by the first alternative that can be satisfied;
 *   <li>the candidate of a real package is its newest version across all suites; an older version
 *       is taken only when the newest does not satisfy a versioned relation;
 *   <li>a virtual package is satisfied through Provides; a versioned relation only by a versioned
 *       Provides that satisfies it; among several providers the order is Essential, then Priority
 *       (required first), then name;
 *   <li>{@code name:any} needs {@code Multi-Arch: allowed}; {@code :native} and unqualified
 *       relations are satisfied by the target architecture and {@code all}.
 * </ul>
 *
 * Unsatisfiable Recommends are skipped, as apt does; every unsatisfiable Depends, Pre-Depends or
 * request is reported with its chain. Not thread-safe; one instance per resolution.
 */
public final class DebResolver {
  private final PackageIndex index;
  private final boolean recommends;
  private final Map<String, DebPackage> selected = new LinkedHashMap<>();
  private final Map<String, List<DebPackage>> selectedProviders = new HashMap<>();
  private final Map<String, String[]> parent = new HashMap<>();
  private final Map<String, Set<String>> edges = new HashMap<>();
  private final List<Problem> problems = new ArrayList<>();

  /**
   * @param index the packages of every upstream suite together
   * @param recommends whether Recommends are followed (apt's default: true)
   */
  public DebResolver(PackageIndex index, boolean recommends) {
    this.index = index;
    this.recommends = recommends;
  }

  /**
   * Resolves the closure of the requests.
   *
   * @param requests the packages asked for, in order (order matters for alternatives, as with apt's
   *     command line)
   * @return the closure with its explanation edges
   * @throws ResolutionException listing every request or relation nothing satisfies, each with its
   *     chain
   * @throws MetadataException when a relationship field met on the way is malformed
   */
  public Resolution resolve(List<Request> requests) throws ResolutionException, MetadataException {
    List<String> roots = new ArrayList<>();
    for (Request r : requests) {
      List<List<Dependency>> groups = Relations.parse(r.spec(), r.origin());
      if (groups.size() != 1) {
        throw new MetadataException(
            r.origin()
                + ": a request names one package (or one group "
                + "of alternatives), got '"
                + r.spec()
                + "'");
      }
      List<Dependency> group = groups.get(0);
      DebPackage have = satisfiedBySelected(group);
      if (have != null) {
        roots.add(have.name());
        parent.putIfAbsent(have.name(), new String[] {null, r.origin()});
        continue;
      }
      DebPackage choice = choose(group, false);
      if (choice == null) {
        problems.add(new Problem(List.of(r.origin(), r.spec().strip()), explain(group)));
        continue;
      }
      roots.add(choice.name());
      select(choice, null, r.origin());
    }
    if (!problems.isEmpty()) {
      throw new ResolutionException(problems);
    }
    return new Resolution(new ArrayList<>(selected.values()), roots, parent, edges);
  }

  private void select(DebPackage p, String parentName, String origin) throws MetadataException {
    selected.put(p.name(), p);
    parent.put(p.name(), new String[] {parentName, origin});
    for (Dependency d : p.provides()) {
      selectedProviders.computeIfAbsent(d.name(), k -> new ArrayList<>(2)).add(p);
    }
    Set<String> out = edges.computeIfAbsent(p.name(), k -> new LinkedHashSet<>());
    List<List<Dependency>> hard = new ArrayList<>(p.preDepends());
    hard.addAll(p.depends());
    for (List<Dependency> group : hard) {
      follow(p, group, out, true);
    }
    if (recommends) {
      for (List<Dependency> group : p.recommends()) {
        follow(p, group, out, false);
      }
    }
  }

  private void follow(DebPackage p, List<Dependency> group, Set<String> out, boolean required)
      throws MetadataException {
    DebPackage have = satisfiedBySelected(group);
    if (have != null) {
      out.add(have.name());
      return;
    }
    DebPackage choice = choose(group, true);
    if (choice == null) {
      if (required) {
        List<String> chain = chain(p.name());
        chain.add(groupText(group));
        problems.add(new Problem(chain, explain(group)));
      }
      return;
    }
    out.add(choice.name());
    select(choice, p.name(), null);
  }

  /** The first already-selected package satisfying any alternative of the group, or null. */
  private DebPackage satisfiedBySelected(List<Dependency> group) {
    for (Dependency d : group) {
      DebPackage real = selected.get(d.name());
      if (real != null && archOk(real, d) && d.accepts(real.version())) {
        return real;
      }
      for (DebPackage prov : selectedProviders.getOrDefault(d.name(), List.of())) {
        if (providesSatisfy(prov, d)) {
          return prov;
        }
      }
    }
    return null;
  }

  private DebPackage choose(List<Dependency> group, boolean preferBase) {
    if (preferBase && group.size() > 1) {
      for (Dependency d : group) {
        DebPackage c = best(d);
        if (c != null && isBase(c)) {
          return c;
        }
      }
    }
    for (Dependency d : group) {
      DebPackage c = best(d);
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  private static boolean isBase(DebPackage p) {
    return p.essential() || p.priorityRank() == 0;
  }

  /** The package apt would install for one atom: the real package first, then a provider. */
  private DebPackage best(Dependency d) {
    if (!selected.containsKey(d.name())) {
      for (DebPackage v : index.versions(d.name())) {
        if (archOk(v, d) && d.accepts(v.version())) {
          return v;
        }
      }
    }
    DebPackage bestProvider = null;
    for (DebPackage prov : index.providers(d.name())) {
      if (selected.containsKey(prov.name()) && selected.get(prov.name()) != prov) {
        continue;
      }
      if (index.versions(prov.name()).get(0) != prov) {
        continue; // only candidates (newest versions) provide
      }
      if (providesSatisfy(prov, d)
          && (bestProvider == null || PROVIDER_ORDER.compare(prov, bestProvider) < 0)) {
        bestProvider = prov;
      }
    }
    return bestProvider;
  }

  private static final Comparator<DebPackage> PROVIDER_ORDER =
      Comparator.comparing((DebPackage p) -> !p.essential())
          .thenComparingInt(DebPackage::priorityRank)
          .thenComparing(DebPackage::name);

  private static boolean archOk(DebPackage p, Dependency d) {
    String q = d.archQualifier();
    if (q == null || q.equals("native")) {
      return true;
    }
    if (q.equals("any")) {
      return p.multiArch() == MultiArch.ALLOWED;
    }
    return q.equals(p.architecture()) || p.architecture().equals("all");
  }

  private static boolean providesSatisfy(DebPackage prov, Dependency d) {
    if (d.archQualifier() != null
        && d.archQualifier().equals("any")
        && prov.multiArch() != MultiArch.ALLOWED
        && prov.multiArch() != MultiArch.FOREIGN) {
      return false;
    }
    for (Dependency pr : prov.provides()) {
      if (!pr.name().equals(d.name())) {
        continue;
      }
      if (!d.versioned()) {
        return true;
      }
      if (pr.versioned() && pr.op() == RelationOp.EQ && d.accepts(pr.version())) {
        return true;
      }
    }
    return false;
  }

  private String explain(List<Dependency> group) {
    StringJoiner why = new StringJoiner("; ");
    for (Dependency d : group) {
      List<DebPackage> versions = index.versions(d.name());
      List<DebPackage> provs = index.providers(d.name());
      DebPackage sel = selected.get(d.name());
      if (versions.isEmpty() && provs.isEmpty()) {
        why.add("no package or Provides named " + d.name());
      } else if (sel != null) {
        why.add(d.name() + " " + sel.version() + " is already selected and does not satisfy " + d);
      } else {
        StringJoiner have = new StringJoiner(", ");
        versions.forEach(v -> have.add(v.version() + " (" + v.origin() + ")"));
        provs.forEach(v -> have.add("Provides by " + v.name() + " " + v.version()));
        why.add("nothing satisfies " + d + "; available: " + have);
      }
    }
    return why.toString();
  }

  private List<String> chain(String name) {
    return Resolution.chainOf(parent, name);
  }

  private static String groupText(List<Dependency> group) {
    StringJoiner j = new StringJoiner(" | ");
    group.forEach(d -> j.add(d.toString()));
    return j.toString();
  }
}
