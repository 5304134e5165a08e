package io.pigsty.repo.rpm;

import java.util.Objects;

/**
 * One dependency entry of a package ({@code <rpm:entry>} in primary.xml): a name, an optional
 * comparison with an EVR, and the {@code pre} marker (Requires(pre)).
 *
 * <p>The name may be a rich (boolean) dependency such as {@code (foo if bar)}; see {@link RichDep}.
 *
 * @param name capability name, file path or rich expression; never null
 * @param flags comparison, or null for an unversioned entry
 * @param evr version compared against, null exactly when flags is null
 * @param pre true for {@code pre="1"} entries
 */
public record RpmDep(String name, Flags flags, Evr evr, boolean pre) {

  /** Comparison operators as written in repodata's {@code flags} attribute. */
  public enum Flags {
    /** equal */
    EQ,
    /** less than */
    LT,
    /** less or equal */
    LE,
    /** greater than */
    GT,
    /** greater or equal */
    GE;

    boolean less() {
      return this == LT || this == LE;
    }

    boolean greater() {
      return this == GT || this == GE;
    }

    boolean equal() {
      return this == EQ || this == LE || this == GE;
    }

    /**
     * Maps an operator as written in a spec file or rich dependency.
     *
     * @param op one of {@code = == < <= > >=}
     * @return the flags, or null if op is not an operator
     */
    public static Flags fromOperator(String op) {
      return switch (op) {
        case "=", "==" -> EQ;
        case "<" -> LT;
        case "<=", "=<" -> LE;
        case ">" -> GT;
        case ">=", "=>" -> GE;
        default -> null;
      };
    }

    /**
     * @return the operator as rpm prints it ({@code = < <= > >=})
     */
    public String operator() {
      return switch (this) {
        case EQ -> "=";
        case LT -> "<";
        case LE -> "<=";
        case GT -> ">";
        case GE -> ">=";
      };
    }
  }

  /** Checks that name is set and that flags and evr are both present or both absent. */
  public RpmDep {
    Objects.requireNonNull(name, "name");
    if ((flags == null) != (evr == null)) {
      throw new IllegalArgumentException(
          "dependency " + name + ": flags and evr must be given together");
    }
  }

  /**
   * An unversioned dependency.
   *
   * @param name capability name, never null
   * @return the entry
   */
  public static RpmDep of(String name) {
    return new RpmDep(name, null, null, false);
  }

  /**
   * @return true when the name is a rich (boolean) dependency, i.e. starts with '('
   */
  public boolean isRich() {
    return name.startsWith("(");
  }

  /**
   * @return true when the name is an absolute file path
   */
  public boolean isFile() {
    return name.startsWith("/");
  }

  /**
   * Whether this requirement range and a provided range overlap, as rpm's {@code rpmverOverlap}
   * (lib/rpmver.c, called by rpmdsCompare): unversioned sides always overlap; a missing epoch only
   * loses against a positive one; the release is compared only when both have one, and a side
   * without release matches any release when the other side includes equality.
   *
   * @param provide the provide entry (same name assumed), never null
   * @return true when some EVR satisfies both
   */
  public boolean overlaps(RpmDep provide) {
    return overlaps(flags, evr, provide.flags, provide.evr);
  }

  /**
   * Range overlap of two (flags, evr) pairs; see {@link #overlaps(RpmDep)}.
   *
   * @param f1 first flags or null (unversioned: always overlaps)
   * @param v1 first EVR or null
   * @param f2 second flags or null
   * @param v2 second EVR or null
   * @return true when the ranges overlap
   */
  public static boolean overlaps(Flags f1, Evr v1, Flags f2, Evr v2) {
    if (f1 == null || f2 == null || v1 == null || v2 == null) {
      return true;
    }
    int sense = 0;
    boolean e1 = v1.epoch() != null && !v1.epoch().isEmpty();
    boolean e2 = v2.epoch() != null && !v2.epoch().isEmpty();
    if (e1 && e2) {
      sense = Evr.rpmvercmp(v1.epoch(), v2.epoch());
    } else if (e1 && v1.epochNumber() > 0) {
      sense = 1;
    } else if (e2 && v2.epochNumber() > 0) {
      sense = -1;
    }
    if (sense == 0) {
      sense = Evr.rpmvercmp(v1.version(), v2.version());
      if (sense == 0) {
        boolean r1 = v1.release() != null && !v1.release().isEmpty();
        boolean r2 = v2.release() != null && !v2.release().isEmpty();
        if (r1 && r2) {
          sense = Evr.rpmvercmp(v1.release(), v2.release());
        } else if ((r1 && f2.equal()) || (r2 && f1.equal())) {
          return true;
        }
      }
    }
    if (sense < 0) {
      return f1.greater() || f2.less();
    } else if (sense > 0) {
      return f1.less() || f2.greater();
    }
    return (f1.equal() && f2.equal()) || (f1.less() && f2.less()) || (f1.greater() && f2.greater());
  }

  /** Renders as rpm prints dependencies: {@code name}, or {@code name >= evr}. */
  @Override
  public String toString() {
    return flags == null ? name : name + " " + flags.operator() + " " + evr;
  }
}
