package io.pigsty.builder.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs commands as child processes of this JVM: output captured in memory, each line of it also
 * passed to an optional listener (a console showing apt's progress), killed at its timeout.
 */
public final class ProcessRunner implements CommandRunner {
  private final Consumer<String> lines;

  /** A runner that only captures output. */
  public ProcessRunner() {
    this(null);
  }

  /**
   * @param lines receives each line of stdout and stderr as it comes, or null
   */
  public ProcessRunner(Consumer<String> lines) {
    this.lines = lines;
  }

  @Override
  public CommandResult run(Command command) throws CommandException {
    ProcessBuilder pb = new ProcessBuilder(command.argv());
    pb.environment().putAll(command.env());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new CommandException("cannot run " + command.line() + ": " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread to = pump(p.getInputStream(), out);
    Thread te = pump(p.getErrorStream(), err);
    try (OutputStream in = p.getOutputStream()) {
      if (command.stdin() != null) {
        in.write(command.stdin().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the command did not read its input; its exit status tells the rest
    }
    try {
      if (!p.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new CommandException(
            command.line() + ": no result after " + command.timeout().toSeconds() + " s", null);
      }
      to.join();
      te.join();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandException(command.line() + ": interrupted", e);
    }
    return new CommandResult(
        command,
        p.exitValue(),
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                if (lines == null) {
                  in.transferTo(sink);
                  return;
                }
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) >= 0) {
                  sink.write(b);
                  if (b == '\n') {
                    lines.accept(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                  } else {
                    line.write(b);
                  }
                }
                if (line.size() > 0) {
                  lines.accept(line.toString(StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                // stream closed with the process
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
