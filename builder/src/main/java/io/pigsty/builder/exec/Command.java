package io.pigsty.builder.exec;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One external command.
 *
 * @param argv program and arguments (not empty; no shell is involved)
 * @param env variables added to the runner's environment
 * @param stdin text fed on standard input (UTF-8), or null for none; never logged
 * @param timeout the command is killed after this long
 */
public record Command(List<String> argv, Map<String, String> env, String stdin, Duration timeout) {
  /** Checks and copies. */
  public Command {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
    Objects.requireNonNull(timeout, "timeout");
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
  }

  /**
   * @return a command without environment or input
   */
  public static Command of(Duration timeout, String... argv) {
    return new Command(List.of(argv), Map.of(), null, timeout);
  }

  /**
   * @return this command with {@code text} on standard input
   */
  public Command withStdin(String text) {
    return new Command(argv, env, text, timeout);
  }

  /**
   * @return this command with {@code vars} added to its environment
   */
  public Command withEnv(Map<String, String> vars) {
    Map<String, String> m = new LinkedHashMap<>(env);
    m.putAll(vars);
    return new Command(argv, m, stdin, timeout);
  }

  /**
   * @return the command line as one string, for messages
   */
  public String line() {
    return String.join(" ", argv);
  }
}
