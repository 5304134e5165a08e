package io.pigsty.repo.deb;

/**
 * One atom of a package relationship: {@code name[:arch] [(op version)]} (Debian Policy 7.1, 7.5;
 * the {@code :any}/{@code :native} qualifiers of the Multi-Arch spec).
 *
 * @param name package or virtual package name
 * @param archQualifier {@code null}, {@code any}, {@code native} or an architecture name
 * @param op version operator, or {@code null} for an unversioned relation
 * @param version the version the operator compares with; {@code null} iff {@code op} is
 */
public record Dependency(String name, String archQualifier, RelationOp op, DebVersion version) {

  /**
   * @return whether this relation carries a version constraint
   */
  public boolean versioned() {
    return op != null;
  }

  /**
   * @param candidate a version of a real package, or the version of a versioned Provides
   * @return whether the version constraint holds (always true when unversioned)
   */
  public boolean accepts(DebVersion candidate) {
    return op == null || op.test(candidate.compareTo(version));
  }

  @Override
  public String toString() {
    String n = archQualifier == null ? name : name + ":" + archQualifier;
    return op == null ? n : n + " (" + op.symbol() + " " + version + ")";
  }
}
