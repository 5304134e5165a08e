package io.pigsty.builder.install;

import java.util.List;

/**
 * The changes an install would make to a node, in order, computed from the inventory and the node's
 * observed state. Empty when the node already matches the inventory.
 *
 * @param steps the changes, in the order they are applied
 * @param notes what could not be observed yet (a later phase planned on today's state), for the
 *     reader of a dry run
 */
public record Plan(List<Step> steps, List<String> notes) {
  /** Copies the lists. */
  public Plan {
    steps = List.copyOf(steps);
    notes = List.copyOf(notes);
  }

  /**
   * @return whether nothing would change
   */
  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /**
   * @return one line per step ({@code + ...}) and per note ({@code ~ ...})
   */
  public String render() {
    StringBuilder sb = new StringBuilder();
    steps.forEach(s -> sb.append("+ ").append(s.describe()).append('\n'));
    notes.forEach(n -> sb.append("~ ").append(n).append('\n'));
    return sb.toString();
  }
}
