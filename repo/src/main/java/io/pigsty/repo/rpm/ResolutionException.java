package io.pigsty.repo.rpm;

import io.pigsty.repo.PigstyException;
import java.util.List;

/**
 * Thrown when an RPM package list cannot be closed: a requested package is unknown, or some
 * requirement has no provider. Carries every problem found, each with its explanation chain.
 */
public class ResolutionException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when a requested package or a dependency cannot be satisfied. */
  public static final int EXIT_CODE = 7;

  /**
   * One unsatisfied requirement.
   *
   * @param chain how the failing package got in, from the request down, e.g. {@code
   *     [postgresql-server (requested), postgresql-server-13.5-1.el9.x86_64]}; empty for an unknown
   *     request
   * @param requirement the requirement nothing satisfies (or the unknown request), never null
   */
  public record Problem(List<String> chain, String requirement) {
    /** Copies the chain. */
    public Problem {
      chain = List.copyOf(chain);
    }

    @Override
    public String toString() {
      if (chain.isEmpty()) {
        return "no package matches '" + requirement + "'";
      }
      return String.join(" -> ", chain) + " requires " + requirement + ", which nothing provides";
    }
  }

  private final transient List<Problem> problems;

  /**
   * @param problems every problem found, at least one
   */
  public ResolutionException(List<Problem> problems) {
    super(EXIT_CODE, message(problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<Problem> problems) {
    StringBuilder sb = new StringBuilder("cannot resolve: ");
    for (int i = 0; i < problems.size(); i++) {
      sb.append(i == 0 ? "" : "; ").append(problems.get(i));
    }
    return sb.toString();
  }

  /**
   * @return every problem, in the order found
   */
  public List<Problem> problems() {
    return problems;
  }
}
