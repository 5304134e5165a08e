package io.pigsty.repo.solve;

import io.pigsty.repo.PigstyException;
import java.util.List;

/**
 * A closure could not be resolved: every problem found, each with the chain of packages that needs
 * the unsatisfied relation ({@code pgsql -> postgresql-15 -> libllvm14 (>= 1:14)}).
 */
public class ResolutionException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when a requested package or a dependency cannot be satisfied. */
  public static final int EXIT_CODE = 7;

  private final transient List<Problem> problems;

  /**
   * @param problems every problem found, at least one
   */
  public ResolutionException(List<Problem> problems) {
    super(EXIT_CODE, format(problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * @return every problem, in the order found
   */
  public List<Problem> problems() {
    return problems;
  }

  private static String format(List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems")
        .append(" resolving the closure:");
    for (Problem p : problems) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }
}
