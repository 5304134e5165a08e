package io.pigsty.repo.rpm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Computes the closure of a package list over several yum/dnf repositories at once (e.g. BaseOS +
 * AppStream + an extension repository): every package the list needs, following Requires (plain,
 * versioned, file and rich), optionally the weak Recommends and Supplements, preferring the newest
 * EVR per name.arch, on the target arch plus noarch (i686 only when asked). Each chosen package
 * records why it is in, as a chain back to the request.
 *
 * <p>Provider choice follows libsolv's policy closely enough to contain dnf's choice: an already
 * chosen provider wins; else a provider named like the requirement; else the lexicographically
 * first name, newest EVR; packages conflicting with the chosen set are avoided; candidates whose
 * own requirements cannot be met are avoided (a one-level stand-in for libsolv's backtracking).
 * Packages of module streams that are not enabled are hidden.
 */
public final class RpmResolver {

  /**
   * Resolution switches.
   *
   * @param arch target architecture, e.g. {@code x86_64} or {@code aarch64}; never null
   * @param multilib also consider {@code i686} packages (only when the target is x86_64)
   * @param weakDeps also follow Recommends and Supplements (dnf's install_weak_deps)
   * @param modules enabled module streams ({@code name:stream}); packages of other streams listed
   *     in a repository's modules.yaml are hidden unless the stream is the module's default (dnf's
   *     modular filtering); never null
   */
  public record Options(String arch, boolean multilib, boolean weakDeps, Set<String> modules) {
    /** Rejects a null arch; copies the module set. */
    public Options {
      Objects.requireNonNull(arch, "arch");
      modules = Set.copyOf(modules);
    }

    /**
     * @return x86_64, no i686, no weak dependencies, no module streams enabled
     */
    public static Options defaults() {
      return new Options("x86_64", false, false, Set.of());
    }

    /**
     * @param on follow weak dependencies @return a copy with weakDeps set
     */
    public Options withWeakDeps(boolean on) {
      return new Options(arch, multilib, on, modules);
    }
  }

  /**
   * Why a package is in the closure.
   *
   * @param parent the package whose requirement pulled it in, or null when requested
   * @param requirement the requirement (or request text) it satisfies
   * @param weak true when pulled by Recommends or Supplements
   */
  public record Reason(RpmPackage parent, String requirement, boolean weak) {}

  /**
   * The closure.
   *
   * @param packages chosen packages in the order they were added
   * @param reasons why each package is in (identity of the package record)
   * @param repos the repository each package came from
   */
  public record Resolution(
      List<RpmPackage> packages,
      Map<RpmPackage, Reason> reasons,
      Map<RpmPackage, RpmRepository> repos) {

    /**
     * Explains why a package is in, from the request down to it, e.g. {@code [tmux (requested),
     * tmux-3.2a-4.el9.x86_64, libevent-2.1.12-6.el9.x86_64 (for libevent-2.1.so.7()(64bit))]}.
     *
     * @param nameOrNameArch a package name or name.arch
     * @return the chain, or an empty list when no chosen package has that name
     */
    public List<String> why(String nameOrNameArch) {
      for (RpmPackage p : packages) {
        if (p.name().equals(nameOrNameArch) || p.nameArch().equals(nameOrNameArch)) {
          return chain(p, reasons);
        }
      }
      return List.of();
    }

    /**
     * @return the set of {@code name.arch} keys
     */
    public Set<String> nameArches() {
      Set<String> s = new LinkedHashSet<>();
      packages.forEach(p -> s.add(p.nameArch()));
      return s;
    }
  }

  private record Candidate(RpmPackage pkg, RpmRepository repo) {}

  private final List<RpmRepository> repos;
  private final Options options;
  private final Set<String> arches;
  private final Map<String, List<RpmPackage>> byName = new HashMap<>();
  private final Map<String, List<Object[]>> provides = new HashMap<>(); // name -> [pkg, RpmDep]
  private final Map<String, List<RpmPackage>> files = new HashMap<>();
  private final Map<RpmPackage, RpmRepository> origin = new IdentityHashMap<>();
  private boolean filelistsLoaded;
  private final Map<RpmPackage, Boolean> installable = new IdentityHashMap<>();

  /**
   * Indexes the packages of the repositories that fit the options.
   *
   * @param repos repositories in priority order (all are searched), never null
   * @param options arch and switches, never null
   * @throws RpmMetadataException when a repository's modules.yaml cannot be read
   */
  public RpmResolver(List<RpmRepository> repos, Options options) throws RpmMetadataException {
    this.repos = List.copyOf(repos);
    this.options = options;
    Set<String> a = new HashSet<>();
    a.add(options.arch());
    a.add("noarch");
    if (options.multilib() && options.arch().equals("x86_64")) {
      a.add("i686");
    }
    this.arches = Set.copyOf(a);
    for (RpmRepository r : this.repos) {
      ModuleArtifacts mods =
          r.modulesFile().isPresent()
              ? ModuleArtifacts.read(
                  r.modulesFile().get(),
                  MetadataCompression.boundFor(r.repomd().find("modules").get()))
              : ModuleArtifacts.none();
      for (RpmPackage p : r.packages()) {
        if (!arches.contains(p.arch())) {
          continue;
        }
        String stream = mods.streamOf(p);
        if (stream != null && !options.modules().contains(stream)) {
          String module = stream.substring(0, stream.indexOf(':'));
          String def = mods.defaultStreams().get(module);
          if (def == null || !stream.equals(module + ":" + def)) {
            continue; // modular filtering, as dnf does
          }
        }
        origin.put(p, r);
        byName.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
        boolean self = false;
        for (RpmDep d : p.provides()) {
          provides.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(new Object[] {p, d});
          self |= d.name().equals(p.name());
        }
        if (!self) { // rpm packages always provide name = evr; libsolv adds it too
          provides
              .computeIfAbsent(p.name(), k -> new ArrayList<>())
              .add(new Object[] {p, new RpmDep(p.name(), RpmDep.Flags.EQ, p.evr(), false)});
        }
        for (String f : p.files()) {
          files.computeIfAbsent(f, k -> new ArrayList<>()).add(p);
        }
      }
    }
  }

  /**
   * Resolves the closure of the requests.
   *
   * @param requests package names, {@code name.arch}, or capabilities/paths (as {@code dnf install}
   *     accepts); never null
   * @return the closure with reasons
   * @throws ResolutionException listing every unknown request and every requirement with no
   *     provider, each with its chain
   * @throws RpmMetadataException when a filelists file needed for a file dependency cannot be read
   */
  public Resolution resolve(List<String> requests)
      throws ResolutionException, RpmMetadataException {
    State st = new State();
    List<ResolutionException.Problem> problems = new ArrayList<>();
    for (String req : requests) {
      RpmPackage p = pickRequest(req, st);
      if (p == null) {
        problems.add(new ResolutionException.Problem(List.of(), req));
        continue;
      }
      st.add(p, new Reason(null, req, false));
    }
    while (true) {
      while (!st.queue.isEmpty()) {
        RpmPackage p = st.queue.poll();
        for (RpmDep d : p.requires()) {
          require(p, d, st, problems, false);
        }
        if (options.weakDeps()) {
          for (RpmDep d : p.recommends()) {
            require(p, d, st, null, true);
          }
        }
      }
      // conditional rich dependencies and Supplements may have become true as the set grew
      boolean grew = false;
      for (RpmPackage p : new ArrayList<>(st.selected.values())) {
        for (RpmDep d : p.requires()) {
          if (d.isRich()) {
            grew |= require(p, d, st, problems, false);
          }
        }
      }
      if (options.weakDeps() && st.queue.isEmpty()) {
        grew |= addSupplementing(st);
      }
      if (!grew && st.queue.isEmpty()) {
        break;
      }
    }
    if (!problems.isEmpty()) {
      throw new ResolutionException(dedupe(problems));
    }
    Map<RpmPackage, RpmRepository> repoOf = new IdentityHashMap<>();
    for (RpmPackage p : st.order) {
      repoOf.put(p, origin.get(p));
    }
    return new Resolution(List.copyOf(st.order), st.reasons, repoOf);
  }

  private static List<ResolutionException.Problem> dedupe(List<ResolutionException.Problem> ps) {
    return List.copyOf(new LinkedHashSet<>(ps));
  }

  private final class State implements RichDep.Lookup<RpmPackage> {
    final Map<String, RpmPackage> selected = new LinkedHashMap<>();
    final List<RpmPackage> order = new ArrayList<>();
    final Map<RpmPackage, Reason> reasons = new IdentityHashMap<>();
    final Deque<RpmPackage> queue = new ArrayDeque<>();
    final Set<String> failed = new HashSet<>();

    void add(RpmPackage p, Reason r) {
      if (selected.putIfAbsent(p.nameArch(), p) == null) {
        order.add(p);
        reasons.put(p, r);
        queue.add(p);
      }
    }

    @Override
    public Collection<RpmPackage> providers(RpmDep dep) {
      try {
        return RpmResolver.this.providers(dep);
      } catch (RpmMetadataException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean selected(RpmPackage pkg) {
      return selected.get(pkg.nameArch()) == pkg;
    }

    @Override
    public RpmPackage best(Collection<RpmPackage> candidates) {
      return RpmResolver.this.best(null, candidates, this);
    }
  }

  /**
   * @return true when packages were added
   */
  private boolean require(
      RpmPackage from, RpmDep d, State st, List<ResolutionException.Problem> problems, boolean weak)
      throws RpmMetadataException {
    if (d.name().startsWith("rpmlib(")) {
      return false; // provided by rpm itself
    }
    if (d.isRich()) {
      RichDep rich;
      try {
        rich = RichDep.of(d);
      } catch (RpmMetadataException e) {
        throw new RpmMetadataException(
            origin.get(from) + ": package " + from.nevra() + ": " + e.getMessage(), e);
      }
      Set<RpmPackage> add;
      try {
        add = rich.choose(st);
      } catch (IllegalStateException e) {
        if (e.getCause() instanceof RpmMetadataException m) {
          throw m;
        }
        throw e;
      }
      if (add == null) {
        if (problems != null && st.failed.add(from.nevra() + "|" + d)) {
          problems.add(new ResolutionException.Problem(chain(from, st.reasons), d.toString()));
        }
        return false;
      }
      boolean grew = false;
      for (RpmPackage p : add) {
        if (!st.selected(p)) {
          st.add(p, new Reason(from, d.toString(), weak));
          grew = true;
        }
      }
      return grew;
    }
    List<RpmPackage> cands = providers(d);
    for (RpmPackage c : cands) {
      if (st.selected(c)) {
        return false;
      }
    }
    if (cands.isEmpty()) {
      if (problems != null && st.failed.add(from.nevra() + "|" + d)) {
        problems.add(new ResolutionException.Problem(chain(from, st.reasons), d.toString()));
      }
      return false;
    }
    RpmPackage b = best(d.name(), cands, st);
    if (st.selected.containsKey(b.nameArch())) {
      return false; // another version of it is in; one version per name.arch
    }
    st.add(b, new Reason(from, d.toString(), weak));
    return true;
  }

  private boolean addSupplementing(State st) throws RpmMetadataException {
    boolean grew = false;
    for (List<RpmPackage> versions : byName.values()) {
      for (RpmPackage p : newestPerNameArch(versions)) {
        if (st.selected.containsKey(p.nameArch()) || p.supplements().isEmpty()) {
          continue;
        }
        for (RpmDep s : p.supplements()) {
          RichDep r;
          try {
            r = RichDep.of(s);
          } catch (RpmMetadataException e) {
            continue; // malformed weak dependency: ignore, as libsolv does
          }
          if (r.satisfied(st) && !(r instanceof RichDep.If) && supplementsSomething(r, st)) {
            RpmPackage trigger = firstSelectedProvider(r, st);
            st.add(p, new Reason(trigger, "Supplements: " + s, true));
            grew = true;
            break;
          }
        }
      }
    }
    return grew;
  }

  private boolean supplementsSomething(RichDep r, State st) {
    return firstSelectedProvider(r, st) != null;
  }

  private RpmPackage firstSelectedProvider(RichDep r, State st) {
    for (RpmDep a : r.atoms()) {
      for (RpmPackage p : st.providers(a)) {
        if (st.selected(p)) {
          return p;
        }
      }
    }
    return null;
  }

  private static List<RpmPackage> newestPerNameArch(List<RpmPackage> versions) {
    Map<String, RpmPackage> m = new LinkedHashMap<>();
    for (RpmPackage p : versions) {
      m.merge(p.arch(), p, (a, b) -> a.evr().compareTo(b.evr()) >= 0 ? a : b);
    }
    return List.copyOf(m.values());
  }

  private RpmPackage pickRequest(String req, State st) throws RpmMetadataException {
    List<RpmPackage> named = byName.get(req);
    if (named == null) {
      int dot = req.lastIndexOf('.');
      if (dot > 0 && arches.contains(req.substring(dot + 1))) {
        String arch = req.substring(dot + 1);
        List<RpmPackage> n = byName.getOrDefault(req.substring(0, dot), List.of());
        named = n.stream().filter(p -> p.arch().equals(arch)).toList();
      }
    }
    if (named != null && !named.isEmpty()) {
      return best(req, named, st);
    }
    RpmDep d = RpmDep.of(req);
    List<RpmPackage> cands = providers(d);
    return cands.isEmpty() ? null : best(req, cands, st);
  }

  /**
   * Every candidate package providing a requirement: matching Provides entries (range overlap per
   * rpm's rpmverOverlap), and for paths, the files listed in primary or, failing that, in
   * filelists.
   */
  private List<RpmPackage> providers(RpmDep d) throws RpmMetadataException {
    List<RpmPackage> out = new ArrayList<>();
    for (Object[] e : provides.getOrDefault(d.name(), List.of())) {
      if (d.overlaps((RpmDep) e[1])) {
        RpmPackage p = (RpmPackage) e[0];
        if (!out.contains(p)) {
          out.add(p);
        }
      }
    }
    if (d.isFile()) {
      List<RpmPackage> f = files.get(d.name());
      if (f == null && !filelistsLoaded) {
        loadFilelists();
        f = files.get(d.name());
      }
      if (f != null) {
        for (RpmPackage p : f) {
          if (!out.contains(p)) {
            out.add(p);
          }
        }
      }
    }
    return out;
  }

  /** Reads filelists once, for every file requirement that primary's file lists do not cover. */
  private void loadFilelists() throws RpmMetadataException {
    filelistsLoaded = true;
    Set<String> wanted = new HashSet<>();
    for (RpmPackage p : origin.keySet()) {
      for (List<RpmDep> l : List.of(p.requires(), p.recommends(), p.supplements())) {
        for (RpmDep d : l) {
          if (d.isFile() && !files.containsKey(d.name())) {
            wanted.add(d.name());
          } else if (d.isRich()) {
            try {
              for (RpmDep a : RichDep.of(d).atoms()) {
                if (a.isFile() && !files.containsKey(a.name())) {
                  wanted.add(a.name());
                }
              }
            } catch (RpmMetadataException e) {
              // reported when the dependency itself is resolved
            }
          }
        }
      }
    }
    for (RpmRepository r : repos) {
      Map<String, RpmPackage> byPkgid = new HashMap<>();
      for (RpmPackage p : r.packages()) {
        if (p.checksum() != null && origin.containsKey(p)) {
          byPkgid.put(p.checksum(), p);
        }
      }
      for (Map.Entry<String, List<FilelistsReader.Owner>> e : r.fileOwners(wanted).entrySet()) {
        for (FilelistsReader.Owner o : e.getValue()) {
          RpmPackage p = byPkgid.get(o.pkgid());
          if (p != null) {
            files.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(p);
          }
        }
      }
    }
  }

  private RpmPackage best(String depName, Collection<RpmPackage> cands, State st) {
    List<RpmPackage> list = new ArrayList<>(cands);
    // no i686 when a native or noarch package would do
    if (list.stream().anyMatch(p -> !p.arch().equals("i686"))) {
      list.removeIf(p -> p.arch().equals("i686") && !options.arch().equals("i686"));
    }
    // like libsolv's backtracking: avoid candidates whose own requirements cannot be met
    List<RpmPackage> installable = list.stream().filter(this::installable).toList();
    if (!installable.isEmpty()) {
      list = new ArrayList<>(installable);
    }
    // avoid packages that conflict with the chosen set, or that the chosen set conflicts with
    List<RpmPackage> ok = list.stream().filter(p -> !conflicts(p, st)).toList();
    if (!ok.isEmpty()) {
      list = new ArrayList<>(ok);
    }
    if (depName != null) {
      List<RpmPackage> same = list.stream().filter(p -> p.name().equals(depName)).toList();
      if (!same.isEmpty()) {
        list = new ArrayList<>(same);
      }
    }
    if (st != null && list.size() > 1) {
      // libsolv: prune_to_recommended, then prefer_suggested (weak deps of the chosen set
      // steer the choice even when weak deps are not installed)
      list = preferWeak(list, st, true);
      list = preferWeak(list, st, false);
    }
    Comparator<RpmPackage> order =
        Comparator.comparing(RpmPackage::name)
            .thenComparing(RpmPackage::evr, Comparator.reverseOrder())
            .thenComparing(p -> p.arch().equals("noarch") ? 1 : 0);
    list.sort(order);
    return list.get(0);
  }

  /**
   * Whether every plain requirement of the package, recursively, has some provider (rich
   * requirements are not followed; a package already being checked counts as installable).
   */
  private boolean installable(RpmPackage p) {
    Boolean known = installable.get(p);
    if (known != null) {
      return known;
    }
    installable.put(p, Boolean.TRUE); // cycles: optimistic
    boolean ok = true;
    try {
      for (RpmDep d : p.requires()) {
        if (d.isRich() || d.name().startsWith("rpmlib(")) {
          continue;
        }
        boolean any = false;
        for (RpmPackage c : providers(d)) {
          if (c == p || installable(c)) {
            any = true;
            break;
          }
        }
        if (!any) {
          ok = false;
          break;
        }
      }
    } catch (RpmMetadataException e) {
      ok = true; // unreadable filelists: reported when the requirement itself is resolved
    }
    installable.put(p, ok);
    return ok;
  }

  private List<RpmPackage> preferWeak(List<RpmPackage> list, State st, boolean recommends) {
    List<RpmPackage> hit = new ArrayList<>();
    for (RpmPackage c : list) {
      outer:
      for (RpmPackage q : st.order) {
        for (RpmDep d : recommends ? q.recommends() : q.suggests()) {
          if (d.isRich()) {
            continue;
          }
          for (Object[] e : provides.getOrDefault(d.name(), List.of())) {
            if (e[0] == c && d.overlaps((RpmDep) e[1])) {
              hit.add(c);
              break outer;
            }
          }
        }
      }
    }
    return hit.isEmpty() ? list : hit;
  }

  private boolean conflicts(RpmPackage p, State st) {
    for (RpmDep c : p.conflicts()) {
      for (Object[] e : provides.getOrDefault(c.name(), List.of())) {
        RpmPackage q = (RpmPackage) e[0];
        if (q != p && st.selected(q) && c.overlaps((RpmDep) e[1])) {
          return true;
        }
      }
    }
    for (RpmPackage q : st.order) {
      for (RpmDep c : q.conflicts()) {
        if (c.name().equals(p.name())
            && c.overlaps(new RpmDep(p.name(), RpmDep.Flags.EQ, p.evr(), false))) {
          return true;
        }
      }
      for (RpmDep o : q.obsoletes()) {
        if (o.name().equals(p.name())
            && o.overlaps(new RpmDep(p.name(), RpmDep.Flags.EQ, p.evr(), false))) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> chain(RpmPackage p, Map<RpmPackage, Reason> reasons) {
    List<String> out = new ArrayList<>();
    RpmPackage cur = p;
    Set<RpmPackage> seen = new HashSet<>();
    while (cur != null && seen.add(cur)) {
      Reason r = reasons.get(cur);
      if (r == null || r.parent() == null) {
        out.add(0, cur.nevra());
        if (r != null) {
          out.add(0, r.requirement() + " (requested)");
        }
        break;
      }
      out.add(0, cur.nevra() + " (for " + r.requirement() + ")");
      cur = r.parent();
    }
    return out;
  }
}
