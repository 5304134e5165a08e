package io.pigsty.builder.configure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the configurator needs to know about a node, behind an interface so tests can describe fake
 * nodes. Files ({@code /etc/os-release}, {@code /var/lib/dpkg/status}, {@code /www}, {@code
 * /etc/apt}) are read and written under {@link #root()}.
 */
public interface NodeFacts {

  /** An IPv4 address of the node and the interface that holds it. */
  record Address(String ip, String iface) {}

  /**
   * @return the directory treated as {@code /}: {@code /} on a real node, a temp dir in tests
   */
  Path root();

  /**
   * @return the kernel name as {@code uname -s} prints it, e.g. {@code Linux}
   */
  String kernel();

  /**
   * @return the machine as {@code uname -m} prints it, e.g. {@code x86_64}
   */
  String machine();

  /**
   * @param name a command such as {@code dpkg} or {@code apt-get}
   * @return whether it is on the node's PATH
   */
  boolean hasCommand(String name);

  /**
   * @return whether the configurator runs as root (uid 0)
   */
  boolean isRoot();

  /**
   * @return whether {@code sudo -n true} succeeds (passwordless sudo)
   */
  boolean passwordlessSudo();

  /**
   * @return the number of CPUs available
   */
  int cpus();

  /**
   * @return total memory in bytes ({@code MemTotal} of {@code /proc/meminfo})
   */
  long memoryBytes();

  /**
   * @param dir a directory that may not exist yet; its nearest existing ancestor is measured
   * @return bytes free there, in bytes
   * @throws IOException when no ancestor can be measured
   */
  long freeBytes(Path dir) throws IOException;

  /**
   * @return the node's non-loopback IPv4 addresses of interfaces that are up, in a stable order
   */
  List<Address> addresses();

  /**
   * @return whether the node has a default route (otherwise it is treated as offline)
   */
  boolean hasDefaultRoute();

  /**
   * Runs a command on the node, its output going to the configurator's console.
   *
   * @param argv the command and its arguments
   * @return the exit status
   * @throws IOException when it cannot be started
   */
  int run(List<String> argv) throws IOException;
}
