package io.pigsty.repo.rpm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed rich (boolean) dependency such as {@code (foo >= 1.2 if (bar or baz))}, with the
 * operators {@code and or if else unless with without} of rpm 4.13+ (grammar and meaning as in
 * rpm's lib/rpmds.c {@code rpmrichParse} and the "Boolean Dependencies" chapter of the rpm manual).
 * A plain dependency is an {@link Atom}.
 */
public sealed interface RichDep {

  /**
   * What the evaluator needs to know about the package set being built.
   *
   * @param <P> the package type
   */
  interface Lookup<P> {
    /**
     * @param dep an unversioned or versioned capability or file path, never rich
     * @return every candidate package providing it (selected or not), never null
     */
    Collection<P> providers(RpmDep dep);

    /**
     * @param pkg a package returned by {@link #providers}
     * @return true when the package is already in the set
     */
    boolean selected(P pkg);

    /**
     * @param candidates non-empty candidates, none selected
     * @return the one to pick (e.g. the newest), never null
     */
    P best(Collection<P> candidates);
  }

  /** A plain dependency. @param dep the dependency, never rich */
  record Atom(RpmDep dep) implements RichDep {
    /** Rejects null. */
    public Atom {
      Objects.requireNonNull(dep, "dep");
    }

    @Override
    public String toString() {
      return dep.toString();
    }
  }

  /** All operands required. @param operands two or more */
  record And(List<RichDep> operands) implements RichDep {
    @Override
    public String toString() {
      return join(operands, "and");
    }
  }

  /** At least one operand required. @param operands two or more */
  record Or(List<RichDep> operands) implements RichDep {
    @Override
    public String toString() {
      return join(operands, "or");
    }
  }

  /**
   * {@code (then if cond)} or {@code (then if cond else otherwise)}.
   *
   * @param then required when cond holds
   * @param cond the condition, evaluated against the selected set
   * @param otherwise required when cond does not hold, or null
   */
  record If(RichDep then, RichDep cond, RichDep otherwise) implements RichDep {
    @Override
    public String toString() {
      return "(" + then + " if " + cond + (otherwise == null ? "" : " else " + otherwise) + ")";
    }
  }

  /**
   * {@code (then unless cond)} or {@code (then unless cond else otherwise)}.
   *
   * @param then required when cond does not hold
   * @param cond the condition, evaluated against the selected set
   * @param otherwise required when cond holds, or null
   */
  record Unless(RichDep then, RichDep cond, RichDep otherwise) implements RichDep {
    @Override
    public String toString() {
      return "(" + then + " unless " + cond + (otherwise == null ? "" : " else " + otherwise) + ")";
    }
  }

  /** One package must satisfy all operands. @param operands two or more */
  record With(List<RichDep> operands) implements RichDep {
    @Override
    public String toString() {
      return join(operands, "with");
    }
  }

  /**
   * One package must satisfy {@code left} and not {@code right}.
   *
   * @param left required
   * @param right excluded on the same package
   */
  record Without(RichDep left, RichDep right) implements RichDep {
    @Override
    public String toString() {
      return "(" + left + " without " + right + ")";
    }
  }

  private static String join(List<RichDep> ops, String op) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < ops.size(); i++) {
      if (i > 0) {
        sb.append(' ').append(op).append(' ');
      }
      sb.append(ops.get(i));
    }
    return sb.append(')').toString();
  }

  /**
   * Parses a dependency string: a rich expression when it starts with '(', else a plain name with
   * an optional {@code op evr}.
   *
   * @param text the dependency as written in primary.xml or a spec file, never null
   * @return the tree
   * @throws RpmMetadataException naming the text and position on syntax errors: unbalanced
   *     parentheses, unknown or mixed operators, missing operands, {@code else} without {@code
   *     if}/{@code unless}
   */
  static RichDep parse(String text) throws RpmMetadataException {
    Parser p = new Parser(text);
    p.skipWs();
    RichDep d;
    if (p.peek() == '(') {
      d = p.group();
    } else {
      d = p.atom();
    }
    p.skipWs();
    if (!p.end()) {
      throw p.error("unexpected text after the dependency");
    }
    return d;
  }

  /**
   * Parses a repodata entry: rich when its name starts with '(', else the entry itself.
   *
   * @param dep the entry, never null
   * @return the tree
   * @throws RpmMetadataException on syntax errors in a rich name
   */
  static RichDep of(RpmDep dep) throws RpmMetadataException {
    return dep.isRich() ? parse(dep.name()) : new Atom(dep);
  }

  /**
   * Whether this dependency holds for the set as it is now.
   *
   * @param lookup providers and the selected set, never null
   * @param <P> package type
   * @return true when satisfied without adding packages
   */
  default <P> boolean satisfied(Lookup<P> lookup) {
    if (this instanceof Atom a) {
      return lookup.providers(a.dep()).stream().anyMatch(lookup::selected);
    } else if (this instanceof And a) {
      return a.operands().stream().allMatch(o -> o.satisfied(lookup));
    } else if (this instanceof Or o) {
      return o.operands().stream().anyMatch(x -> x.satisfied(lookup));
    } else if (this instanceof If c) {
      return c.cond().satisfied(lookup)
          ? c.then().satisfied(lookup)
          : c.otherwise() == null || c.otherwise().satisfied(lookup);
    } else if (this instanceof Unless u) {
      return u.cond().satisfied(lookup)
          ? u.otherwise() == null || u.otherwise().satisfied(lookup)
          : u.then().satisfied(lookup);
    }
    return packagesMatching(this, lookup).stream().anyMatch(lookup::selected); // With, Without
  }

  /**
   * The packages to add so that this dependency holds, judged against the set as it is now: nothing
   * when already satisfied; for {@code or}, the first satisfiable operand; for {@code if}/{@code
   * unless}, the branch the condition selects (a condition not yet true requires nothing).
   * Conditions may become true as the set grows, so callers re-check.
   *
   * @param lookup providers and the selected set, never null
   * @param <P> package type
   * @return packages to add (possibly empty), or null when nothing can satisfy it
   */
  default <P> Set<P> choose(Lookup<P> lookup) {
    if (satisfied(lookup)) {
      return Set.of();
    }
    if (this instanceof And a) {
      Set<P> out = new LinkedHashSet<>();
      for (RichDep o : a.operands()) {
        Set<P> s = o.choose(lookup);
        if (s == null) {
          return null;
        }
        out.addAll(s);
      }
      return out;
    } else if (this instanceof Or o) {
      for (RichDep x : o.operands()) {
        Set<P> s = x.choose(lookup);
        if (s != null) {
          return s;
        }
      }
      return null;
    } else if (this instanceof If c) {
      if (c.cond().satisfied(lookup)) {
        return c.then().choose(lookup);
      }
      return c.otherwise() == null ? Set.of() : c.otherwise().choose(lookup);
    } else if (this instanceof Unless u) {
      if (u.cond().satisfied(lookup)) {
        return u.otherwise() == null ? Set.of() : u.otherwise().choose(lookup);
      }
      return u.then().choose(lookup);
    }
    Collection<P> c = packagesMatching(this, lookup); // Atom, With, Without
    return c.isEmpty() ? null : Set.of(lookup.best(c));
  }

  /**
   * The candidate packages that on their own satisfy an atom, a {@code with}, a {@code without}, or
   * an {@code or} of those.
   *
   * @param d the dependency
   * @param lookup providers, never null
   * @param <P> package type
   * @return the matching packages, never null
   * @throws IllegalArgumentException for and/if/unless, which no single package satisfies as such
   */
  static <P> Collection<P> packagesMatching(RichDep d, Lookup<P> lookup) {
    if (d instanceof Atom a) {
      return lookup.providers(a.dep());
    } else if (d instanceof With w) {
      Set<P> s = null;
      for (RichDep o : w.operands()) {
        Collection<P> c = packagesMatching(o, lookup);
        if (s == null) {
          s = new LinkedHashSet<>(c);
        } else {
          s.retainAll(Set.copyOf(c));
        }
      }
      return s == null ? List.of() : s;
    } else if (d instanceof Without w) {
      Set<P> s = new LinkedHashSet<>(packagesMatching(w.left(), lookup));
      s.removeAll(Set.copyOf(packagesMatching(w.right(), lookup)));
      return s;
    } else if (d instanceof Or o) {
      Set<P> s = new LinkedHashSet<>();
      for (RichDep x : o.operands()) {
        s.addAll(packagesMatching(x, lookup));
      }
      return s;
    }
    throw new IllegalArgumentException("not a single-package dependency: " + d);
  }

  /**
   * All plain dependencies in this tree, in order (for listing what a rich dependency mentions).
   *
   * @return the atoms, never null
   */
  default List<RpmDep> atoms() {
    List<RpmDep> out = new ArrayList<>();
    collect(this, out);
    return out;
  }

  private static void collect(RichDep d, List<RpmDep> out) {
    if (d instanceof Atom a) {
      out.add(a.dep());
    } else if (d instanceof And a) {
      a.operands().forEach(o -> collect(o, out));
    } else if (d instanceof Or o) {
      o.operands().forEach(x -> collect(x, out));
    } else if (d instanceof With w) {
      w.operands().forEach(x -> collect(x, out));
    } else if (d instanceof If c) {
      collect(c.then(), out);
      collect(c.cond(), out);
      if (c.otherwise() != null) {
        collect(c.otherwise(), out);
      }
    } else if (d instanceof Unless u) {
      collect(u.then(), out);
      collect(u.cond(), out);
      if (u.otherwise() != null) {
        collect(u.otherwise(), out);
      }
    } else if (d instanceof Without w) {
      collect(w.left(), out);
      collect(w.right(), out);
    }
  }

  /** Recursive-descent parser over the dependency text. */
  final class Parser {
    private final String s;
    private int i;

    private Parser(String s) {
      this.s = s;
    }

    private boolean end() {
      return i >= s.length();
    }

    private char peek() {
      return end() ? 0 : s.charAt(i);
    }

    private void skipWs() {
      while (!end() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private RpmMetadataException error(String what) {
      return new RpmMetadataException("rich dependency '" + s + "': " + what + " at offset " + i);
    }

    /** '(' expr ')' */
    private RichDep group() throws RpmMetadataException {
      i++; // '('
      skipWs();
      RichDep first = term();
      skipWs();
      if (peek() == ')') {
        i++;
        return first; // "(foo)" is the same as foo
      }
      String op = word();
      switch (op) {
        case "and", "or", "with" -> {
          List<RichDep> ops = new ArrayList<>();
          ops.add(first);
          while (true) {
            skipWs();
            ops.add(term());
            skipWs();
            if (peek() == ')') {
              i++;
              break;
            }
            String next = word();
            if (!next.equals(op)) {
              throw error("cannot mix '" + op + "' and '" + next + "' without parentheses");
            }
          }
          List<RichDep> list = List.copyOf(ops);
          return switch (op) {
            case "and" -> new And(list);
            case "or" -> new Or(list);
            default -> new With(list);
          };
        }
        case "without" -> {
          skipWs();
          RichDep right = term();
          close();
          return new Without(first, right);
        }
        case "if", "unless" -> {
          skipWs();
          RichDep cond = term();
          skipWs();
          RichDep otherwise = null;
          if (peek() != ')') {
            String e = word();
            if (!e.equals("else")) {
              throw error("expected 'else' or ')' after '" + op + "' condition, found '" + e + "'");
            }
            skipWs();
            otherwise = term();
          }
          close();
          return op.equals("if")
              ? new If(first, cond, otherwise)
              : new Unless(first, cond, otherwise);
        }
        default -> throw error("unknown operator '" + op + "'");
      }
    }

    private void close() throws RpmMetadataException {
      skipWs();
      if (peek() != ')') {
        throw error("expected ')'");
      }
      i++;
    }

    private RichDep term() throws RpmMetadataException {
      skipWs();
      if (end()) {
        throw error("missing operand");
      }
      if (peek() == '(') {
        return group();
      }
      if (peek() == ')') {
        throw error("missing operand");
      }
      return atom();
    }

    private String word() throws RpmMetadataException {
      int start = i;
      while (!end()
          && !Character.isWhitespace(s.charAt(i))
          && s.charAt(i) != '('
          && s.charAt(i) != ')') {
        i++;
      }
      if (start == i) {
        throw error("expected an operator");
      }
      return s.substring(start, i);
    }

    /**
     * name [op evr]; a name may contain balanced parentheses, e.g. libc.so.6(GLIBC_2.34)(64bit).
     */
    private RichDep atom() throws RpmMetadataException {
      String name = token();
      if (name.isEmpty()) {
        throw error("missing name");
      }
      if (isOperatorWord(name)) {
        throw error("operator '" + name + "' where a name was expected");
      }
      int save = i;
      skipWs();
      int opStart = i;
      while (!end() && "<>=".indexOf(s.charAt(i)) >= 0) {
        i++;
      }
      RpmDep.Flags f = opStart == i ? null : RpmDep.Flags.fromOperator(s.substring(opStart, i));
      if (opStart != i && f == null) {
        throw error("unknown comparison '" + s.substring(opStart, i) + "'");
      }
      if (f == null) {
        i = save;
        return new Atom(RpmDep.of(name));
      }
      skipWs();
      String evr = token();
      if (evr.isEmpty()) {
        throw error("missing version after '" + f.operator() + "'");
      }
      return new Atom(new RpmDep(name, f, Evr.parse(evr), false));
    }

    private String token() {
      int start = i;
      int depth = 0;
      while (!end()) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c) && depth == 0) {
          break;
        }
        if (c == '(') {
          depth++;
        } else if (c == ')') {
          if (depth == 0) {
            break;
          }
          depth--;
        }
        i++;
      }
      return s.substring(start, i);
    }

    private static boolean isOperatorWord(String w) {
      return switch (w) {
        case "and", "or", "if", "unless", "else", "with", "without" -> true;
        default -> false;
      };
    }
  }
}
