package io.pigsty.repo.solve;

import java.util.List;

/**
 * One unsatisfiable relation: the chain from a request to the relation nothing satisfies, and why.
 *
 * @param chain from the request's origin (e.g. module {@code pgsql}) to the failing relation text,
 *     e.g. {@code [pgsql, postgresql-15, libllvm14 (>= 1:14)]}
 * @param reason what is missing, e.g. {@code no package or Provides named libllvm14}
 */
public record Problem(List<String> chain, String reason) {
  @Override
  public String toString() {
    return String.join(" -> ", chain) + ": " + reason;
  }
}
