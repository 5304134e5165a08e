package io.pigsty.repo.deb;

/** A version operator of a package relationship field (Debian Policy 7.1). */
public enum RelationOp {
  /** {@code <<}: strictly earlier. */
  LT("<<"),
  /** {@code <=}: earlier or equal (also the obsolete {@code <}). */
  LE("<="),
  /** {@code =}: exactly equal. */
  EQ("="),
  /** {@code >=}: later or equal (also the obsolete {@code >}). */
  GE(">="),
  /** {@code >>}: strictly later. */
  GT(">>");

  private final String symbol;

  RelationOp(String symbol) {
    this.symbol = symbol;
  }

  /**
   * @return the operator as written in a control file, e.g. {@code >=}
   */
  public String symbol() {
    return symbol;
  }

  /**
   * Parses an operator; the obsolete forms {@code <} and {@code >} mean {@code <=} and {@code >=}
   * (Debian Policy 7.1).
   *
   * @throws IllegalArgumentException for anything else
   */
  public static RelationOp parse(String s) {
    switch (s) {
      case "<<":
        return LT;
      case "<=":
      case "<":
        return LE;
      case "=":
        return EQ;
      case ">=":
      case ">":
        return GE;
      case ">>":
        return GT;
      default:
        throw new IllegalArgumentException("unknown relation operator '" + s + "'");
    }
  }

  /**
   * Tests a comparison result.
   *
   * @param cmp {@code candidate.compareTo(required)}
   * @return whether a candidate with that comparison satisfies this operator
   */
  public boolean test(int cmp) {
    switch (this) {
      case LT:
        return cmp < 0;
      case LE:
        return cmp <= 0;
      case EQ:
        return cmp == 0;
      case GE:
        return cmp >= 0;
      default:
        return cmp > 0;
    }
  }
}
