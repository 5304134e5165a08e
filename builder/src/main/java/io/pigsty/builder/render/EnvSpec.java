package io.pigsty.builder.render;

import java.nio.file.Path;
import java.util.List;

/**
 * An environment spec ({@code spec/<name>.yml}): the nodes of a sandbox or cloud demo, one private
 * network, fixed addresses. Built by {@link SpecLoader}, which checks every rule.
 *
 * @param file the file it was read from (as named in errors)
 * @param name spec name, equal to the file name without {@code .yml}
 * @param description one line for humans (may be empty)
 * @param network the private IPv4 network in CIDR form, e.g. {@code 10.10.10.0/24}
 * @param nodes the nodes, the admin (meta) node first; never empty
 */
public record EnvSpec(
    Path file, String name, String description, String network, List<NodeSpec> nodes) {

  public EnvSpec {
    nodes = List.copyOf(nodes);
  }

  /**
   * @return the admin node (the first)
   */
  public NodeSpec metaNode() {
    return nodes.get(0);
  }
}
