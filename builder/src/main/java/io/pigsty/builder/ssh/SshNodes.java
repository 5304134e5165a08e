package io.pigsty.builder.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import net.schmizz.sshj.DefaultConfig;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;

/**
 * How the admin node reaches the others: one login user, one private key (the admin key), one port
 * and one pinned known_hosts file (Pigsty's {@code node_admin_username}, its ssh key and {@code
 * ansible_port}).
 *
 * @param user the login user ({@code root}, or a user with passwordless sudo)
 * @param identity the private key file (OpenSSH format)
 * @param knownHosts the pinned host keys ({@link PinnedHostKeys})
 * @param port the SSH port, 1..65535
 * @param connectTimeout how long to wait for the TCP connection and the handshake
 */
public record SshNodes(
    String user, Path identity, Path knownHosts, int port, Duration connectTimeout) {

  /** Checks the values. */
  public SshNodes {
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(knownHosts, "knownHosts");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (user == null || !user.matches("[a-z_][a-z0-9_-]{0,31}")) {
      throw new IllegalArgumentException("'" + user + "' is not a login name");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("ssh port " + port + " is outside 1..65535");
    }
  }

  /**
   * Connects and authenticates with the admin key.
   *
   * @param host an IPv4 address or host name
   * @return the connected node; close it when done
   * @throws SshException naming {@code user@host:port} when the host cannot be reached, its host
   *     key is not the pinned one, or the key is refused
   */
  public SshNode connect(String host) throws SshException {
    String who = user + "@" + host + ":" + port;
    if (!Files.isReadable(identity)) {
      throw new SshException(who + ": admin key " + identity + " is missing or unreadable", null);
    }
    PinnedHostKeys keys;
    try {
      keys = PinnedHostKeys.open(knownHosts);
    } catch (IOException e) {
      throw new SshException(who + ": cannot open " + knownHosts + ": " + e.getMessage(), e);
    }
    SSHClient ssh = new SSHClient(new DefaultConfig());
    ssh.addHostKeyVerifier(keys);
    ssh.setConnectTimeout((int) connectTimeout.toMillis());
    ssh.setTimeout((int) connectTimeout.toMillis());
    try {
      ssh.connect(host, port);
      ssh.authPublickey(user, ssh.loadKeys(identity.toString()));
      ssh.setTimeout(0);
      return new SshNode(host, who, ssh, keys.pinned());
    } catch (IOException e) {
      close(ssh);
      String why = keys.changed() != null ? keys.changed() : reason(e);
      throw new SshException(who + ": " + why, e);
    }
  }

  private String reason(IOException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (e instanceof UserAuthException) {
      return "the admin key "
          + identity
          + ".pub is not authorized for "
          + user
          + " (add it to ~"
          + user
          + "/.ssh/authorized_keys there)";
    }
    if (root instanceof ConnectException) {
      return "connection refused (is sshd running on port " + port + "?)";
    }
    if (root instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (root instanceof SocketTimeoutException) {
      return "no answer within " + connectTimeout.toSeconds() + " s";
    }
    if (root instanceof UnknownHostException) {
      return "unknown host";
    }
    if (e instanceof TransportException) {
      return "SSH handshake failed: " + e.getMessage();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  static void close(SSHClient ssh) {
    try {
      ssh.disconnect();
    } catch (IOException | RuntimeException e) {
      // already gone
    }
  }
}
