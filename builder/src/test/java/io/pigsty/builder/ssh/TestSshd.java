package io.pigsty.builder.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.ProcessRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * A real OpenSSH sshd on 127.0.0.1 for tests (Debian's openssh-server, installed by {@code make
 * tools}): a fresh host key, one client key authorized for the current user, a free port, SFTP.
 * Each SSH connection to it costs a few seconds on a slow machine: keep their number low.
 */
public final class TestSshd implements AutoCloseable {
  private final Process sshd;
  private final int port;
  private final Path clientKey;
  private final Path dir;

  private TestSshd(Process sshd, int port, Path clientKey, Path dir) {
    this.sshd = sshd;
    this.port = port;
    this.clientKey = clientKey;
    this.dir = dir;
  }

  /**
   * Starts sshd with its keys and configuration in {@code dir} and waits until it listens.
   *
   * @param dir an empty directory
   * @return the running sshd; close it to stop it
   */
  public static TestSshd start(Path dir) throws Exception {
    Path sshdBin = Path.of("/usr/sbin/sshd");
    assertThat(sshdBin)
        .as("OpenSSH's sshd (Debian package openssh-server; `make tools` installs it)")
        .isExecutable();
    Files.createDirectories(Path.of("/run/sshd"));
    keygen(dir.resolve("host_ed25519"));
    Path clientKey = dir.resolve("client_ed25519");
    keygen(clientKey);
    Files.copy(
        Path.of(clientKey + ".pub"),
        dir.resolve("authorized_keys"),
        StandardCopyOption.REPLACE_EXISTING);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path cfg = dir.resolve("sshd_config");
    Files.writeString(
        cfg,
        String.join(
            "\n",
            "Port " + port,
            "ListenAddress 127.0.0.1",
            "HostKey " + dir.resolve("host_ed25519"),
            "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
            "PidFile " + dir.resolve("sshd.pid"),
            "StrictModes no",
            "UsePAM no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "Subsystem sftp internal-sftp",
            ""));
    Process sshd =
        new ProcessBuilder(sshdBin.toString(), "-D", "-e", "-f", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sshd.log").toFile())
            .start();
    for (int i = 0; i < 100; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return new TestSshd(sshd, port, clientKey, dir);
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    sshd.destroy();
    throw new IllegalStateException(
        "sshd did not listen on " + port + ": " + Files.readString(dir.resolve("sshd.log")));
  }

  /** Writes a new ed25519 key pair without passphrase: {@code file} and {@code file.pub}. */
  public static void keygen(Path file) throws Exception {
    new ProcessRunner()
        .check(
            Command.of(
                Duration.ofSeconds(30),
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-f",
                file.toString()));
  }

  /**
   * @return the current user, whom the client key logs in as
   */
  public static String user() {
    return System.getProperty("user.name");
  }

  /**
   * @return the port sshd listens on, on 127.0.0.1
   */
  public int port() {
    return port;
  }

  /**
   * @return the authorized client key (private key file)
   */
  public Path clientKey() {
    return clientKey;
  }

  /**
   * @return the directory of its keys, configuration and log
   */
  public Path dir() {
    return dir;
  }

  /**
   * @return nodes reached as the current user with the client key on this port, host keys pinned in
   *     {@code knownHosts}, 5 s to connect
   */
  public SshNodes nodes(Path knownHosts) {
    return new SshNodes(user(), clientKey, knownHosts, port, Duration.ofSeconds(5));
  }

  @Override
  public void close() {
    sshd.destroy();
  }
}
