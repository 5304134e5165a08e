package io.pigsty.builder.ssh;

import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.CommandRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.SFTPClient;

/**
 * One connected node: runs commands there (the {@link CommandRunner} contract: argv quoted for the
 * remote POSIX shell, environment through {@code env}, stdin fed and closed, a timeout on every
 * command) and uploads files by SFTP. Close it when done.
 */
public final class SshNode implements CommandRunner, AutoCloseable {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern OCTAL_MODE = Pattern.compile("0?[0-7]{3}");
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private final String host;
  private final String who;
  private final SSHClient ssh;
  private final String pinned;

  SshNode(String host, String who, SSHClient ssh, String pinned) {
    this.host = host;
    this.who = who;
    this.ssh = ssh;
    this.pinned = pinned;
  }

  /**
   * @return the host as given to {@link SshNodes#connect}
   */
  public String host() {
    return host;
  }

  /**
   * @return {@code host type SHA256:...} when this connection pinned the host's key (first
   *     contact), else empty
   */
  public Optional<String> pinnedNow() {
    return Optional.ofNullable(pinned);
  }

  @Override
  public CommandResult run(Command command) throws CommandException {
    String line = commandLine(command);
    try (Session session = ssh.startSession()) {
      Session.Command c = session.exec(line);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread to = pump(c.getInputStream(), out);
      Thread te = pump(c.getErrorStream(), err);
      try (OutputStream in = c.getOutputStream()) {
        if (command.stdin() != null) {
          in.write(command.stdin().getBytes(StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the command did not read its input; its exit status tells the rest
      }
      try {
        c.join(command.timeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (ConnectionException e) {
        throw new CommandException(
            who
                + ": "
                + command.line()
                + ": no result after "
                + command.timeout().toSeconds()
                + " s",
            e);
      }
      to.join(10_000);
      te.join(10_000);
      Integer exit = c.getExitStatus();
      if (exit == null) {
        throw new CommandException(
            who
                + ": "
                + command.line()
                + ": no exit status"
                + (c.getExitSignal() != null ? " (killed by SIG" + c.getExitSignal() + ")" : ""),
            null);
      }
      return new CommandResult(
          command,
          exit,
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CommandException(who + ": cannot run " + command.line() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandException(who + ": " + command.line() + ": interrupted", e);
    }
  }

  /**
   * Uploads a file by SFTP: into a 0700 staging directory beside the target, then given its mode
   * and moved into place, so no other user can read it on the way and a reader sees the old file or
   * the new one, never a part.
   *
   * @param local the file to send
   * @param remote the absolute target path on the node (its directory must exist)
   * @param mode the target's octal mode, e.g. {@code 0644}
   * @throws SshException naming the node and the path when any step fails
   */
  public void upload(Path local, String remote, String mode) throws SshException {
    if (!remote.startsWith("/") || !SAFE.matcher(remote).matches() || remote.contains("/../")) {
      throw new IllegalArgumentException("'" + remote + "' is not a plain absolute path");
    }
    if (!OCTAL_MODE.matcher(mode).matches()) {
      throw new IllegalArgumentException("'" + mode + "' is not an octal mode");
    }
    if (!Files.isRegularFile(local)) {
      throw new SshException(who + ": cannot upload " + local + ": not a file", null);
    }
    String dir = remote.substring(0, remote.lastIndexOf('/'));
    String stage = (dir.isEmpty() ? "" : dir) + "/.pigsty-upload";
    String part = stage + remote.substring(remote.lastIndexOf('/'));
    try {
      check(Command.of(Duration.ofSeconds(30), "mkdir", "-p", "-m", "0700", stage));
      try (SFTPClient sftp = ssh.newSFTPClient()) {
        sftp.put(local.toString(), part);
        sftp.chmod(part, Integer.parseInt(mode, 8));
      }
      check(Command.of(Duration.ofSeconds(30), "mv", "-f", part, remote));
    } catch (IOException | CommandException e) {
      throw new SshException(
          who + ": cannot upload " + local + " to " + remote + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    SshNodes.close(ssh);
  }

  /**
   * The one line the remote shell runs: {@code env NAME=value ... argv...}, every word quoted for a
   * POSIX shell (single quotes, with {@code '\''} for a quote inside: POSIX.1-2017 XCU 2.2.2).
   *
   * @throws IllegalArgumentException when an environment name is not a shell variable name, or a
   *     word holds a NUL
   */
  static String commandLine(Command command) {
    List<String> words = new ArrayList<>();
    if (!command.env().isEmpty()) {
      words.add("env");
      for (Map.Entry<String, String> e : new TreeMap<>(command.env()).entrySet()) {
        if (!ENV_NAME.matcher(e.getKey()).matches()) {
          throw new IllegalArgumentException("'" + e.getKey() + "' is not a variable name");
        }
        words.add(quote(e.getKey() + "=" + e.getValue()));
      }
    }
    for (String a : command.argv()) {
      words.add(quote(a));
    }
    return String.join(" ", words);
  }

  /**
   * @return the word quoted for a POSIX shell; plain words ({@code [A-Za-z0-9_@%+=:,./-]}) as they
   *     are
   * @throws IllegalArgumentException when it holds a NUL, which no shell word can
   */
  static String quote(String word) {
    if (word.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("a command word holds a NUL byte");
    }
    if (!word.isEmpty() && SAFE.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(sink);
              } catch (IOException e) {
                // channel closed
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
