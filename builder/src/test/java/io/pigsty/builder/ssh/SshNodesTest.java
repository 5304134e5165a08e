package io.pigsty.builder.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.ProcessRunner;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real OpenSSH sshd on 127.0.0.1 (Debian's openssh-server, installed by {@code make
 * tools}): host keys pinned on first contact and refused when changed, commands with quoting,
 * environment, stdin, exit status and timeout, SFTP uploads, the admin key.
 */
class SshNodesTest {
  @TempDir static Path dir;
  static TestSshd sshd;
  static int port;
  static Path clientKey;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = TestSshd.start(dir);
    port = sshd.port();
    clientKey = sshd.clientKey();
  }

  @AfterAll
  static void stopSshd() {
    if (sshd != null) {
      sshd.close();
    }
  }

  static void keygen(Path file) throws Exception {
    TestSshd.keygen(file);
  }

  static String user() {
    return TestSshd.user();
  }

  SshNodes nodes(Path knownHosts) {
    return sshd.nodes(knownHosts);
  }

  @Test
  void firstContactPinsTheHostKeyInA0600FileAndLaterContactsUseIt() throws Exception {
    Path kh = dir.resolve("pin/known_hosts");
    try (SshNode n = nodes(kh).connect("127.0.0.1")) {
      assertThat(n.pinnedNow()).hasValueSatisfying(p -> assertThat(p).contains("SHA256:"));
    }
    List<String> lines = Files.readAllLines(kh);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("[127.0.0.1]:" + port + " ssh-ed25519 ");
    String hostPub = Files.readString(Path.of(dir.resolve("host_ed25519") + ".pub")).split(" ")[1];
    assertThat(lines.get(0)).contains(hostPub);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kh)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kh.getParent())))
        .isEqualTo("rwx------");
    try (SshNode n = nodes(kh).connect("127.0.0.1")) {
      assertThat(n.pinnedNow()).isEmpty();
    }
    assertThat(Files.readAllLines(kh)).hasSize(1);
  }

  @Test
  void aChangedHostKeyIsRefusedNamingTheHostAndTheFile() throws Exception {
    Path other = dir.resolve("other_host");
    keygen(other);
    Path kh = dir.resolve("changed/known_hosts");
    Files.createDirectories(kh.getParent());
    String[] pub = Files.readString(Path.of(other + ".pub")).split(" ");
    Files.writeString(kh, "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n");
    assertThatThrownBy(() -> nodes(kh).connect("127.0.0.1"))
        .isInstanceOf(SshException.class)
        .hasMessageContaining(user() + "@127.0.0.1:" + port)
        .hasMessageContaining("host key changed")
        .hasMessageContaining(kh.toString());
    assertThat(Files.readAllLines(kh)).hasSize(1);
  }

  @Test
  void aKeyNotAuthorizedIsNamed() throws Exception {
    Path stranger = dir.resolve("stranger");
    keygen(stranger);
    SshNodes s =
        new SshNodes(user(), stranger, dir.resolve("k3/known_hosts"), port, Duration.ofSeconds(5));
    assertThatThrownBy(() -> s.connect("127.0.0.1"))
        .isInstanceOf(SshException.class)
        .hasMessageContaining("is not authorized");
  }

  @Test
  void aClosedPortIsReportedAsRefused() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    SshNodes s =
        new SshNodes(
            user(), clientKey, dir.resolve("k4/known_hosts"), closed, Duration.ofSeconds(5));
    assertThatThrownBy(() -> s.connect("127.0.0.1"))
        .isInstanceOf(SshException.class)
        .hasMessageContaining("127.0.0.1:" + closed)
        .hasMessageContaining("connection refused");
  }

  @Test
  void commandsGetTheirWordsEnvironmentAndStdinExactlyAndReportExitStatus() throws Exception {
    String marker = dir.resolve("must-not-exist").toString();
    List<String> hostile =
        List.of(
            "a b", "it's", "$(touch " + marker + ")", "`touch " + marker + "`", "x\ny", "", ";|&");
    try (SshNode n = nodes(dir.resolve("k5/known_hosts")).connect("127.0.0.1")) {
      List<String> argv = new java.util.ArrayList<>(List.of("printf", "[%s]\\n"));
      argv.addAll(hostile);
      CommandResult r = n.run(new Command(argv, Map.of(), null, Duration.ofSeconds(10)));
      assertThat(r.exit()).isZero();
      StringBuilder want = new StringBuilder();
      hostile.forEach(h -> want.append('[').append(h).append("]\n"));
      assertThat(r.out()).isEqualTo(want.toString());
      assertThat(Path.of(marker)).doesNotExist();

      CommandResult env =
          n.run(
              new Command(
                  List.of("sh", "-c", "printf %s \"$PIGSTY_X\"; echo oops >&2; exit 7"),
                  Map.of("PIGSTY_X", "v a'l"),
                  null,
                  Duration.ofSeconds(10)));
      assertThat(env.exit()).isEqualTo(7);
      assertThat(env.out()).isEqualTo("v a'l");
      assertThat(env.err()).isEqualTo("oops\n");

      CommandResult in =
          n.run(Command.of(Duration.ofSeconds(10), "cat").withStdin("line 1\nline 2\n"));
      assertThat(in.out()).isEqualTo("line 1\nline 2\n");

      assertThatThrownBy(() -> n.check(Command.of(Duration.ofSeconds(10), "false")))
          .isInstanceOf(CommandException.class)
          .hasMessageContaining("false exited 1");
      assertThatThrownBy(() -> n.run(Command.of(Duration.ofSeconds(1), "sleep", "20")))
          .isInstanceOf(CommandException.class)
          .hasMessageContaining("no result after 1 s");
    }
  }

  @Test
  void uploadsLandWithTheirModeAndNoPartLeftReadableByOthers() throws Exception {
    Path src = dir.resolve("secret.src");
    Files.writeString(src, "s3cret\n");
    Path target = dir.resolve("up/secret.txt");
    Files.createDirectories(target.getParent());
    try (SshNode n = nodes(dir.resolve("k6/known_hosts")).connect("127.0.0.1")) {
      n.upload(src, target.toString(), "0600");
      n.upload(src, target.toString(), "0640");
    }
    assertThat(Files.readString(target)).isEqualTo("s3cret\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-r-----");
    Path stage = target.getParent().resolve(".pigsty-upload");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stage)))
        .isEqualTo("rwx------");
    try (var s = Files.list(stage)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void theAdminKeyIsCreatedOnceAndAuthorizedOnce() throws Exception {
    Path ssh = dir.resolve("home/.ssh");
    List<String> first = AdminKey.ensure(ssh, new ProcessRunner());
    assertThat(first).hasSize(2);
    assertThat(Files.readString(ssh.resolve("id_ed25519.pub"))).startsWith("ssh-ed25519 ");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ssh)))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(ssh.resolve("authorized_keys"))))
        .isEqualTo("rw-------");
    assertThat(AdminKey.ensure(ssh, new ProcessRunner())).isEmpty();
    assertThat(Files.readAllLines(ssh.resolve("authorized_keys"), StandardCharsets.UTF_8))
        .hasSize(1);
  }

  @Test
  void quotingLeavesPlainWordsAndQuotesTheRest() {
    assertThat(SshNode.quote("/usr/bin/apt-get")).isEqualTo("/usr/bin/apt-get");
    assertThat(SshNode.quote("a b")).isEqualTo("'a b'");
    assertThat(SshNode.quote("it's")).isEqualTo("'it'\\''s'");
    assertThat(SshNode.quote("")).isEqualTo("''");
    assertThatThrownBy(() -> SshNode.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                SshNode.commandLine(
                    new Command(List.of("true"), Map.of("A B", "x"), null, Duration.ofSeconds(1))))
        .hasMessageContaining("not a variable name");
  }
}
