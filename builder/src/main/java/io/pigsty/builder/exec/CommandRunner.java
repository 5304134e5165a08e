package io.pigsty.builder.exec;

/** Runs external commands on a node; {@link ProcessRunner} on this one, fakes in tests. */
public interface CommandRunner {
  /**
   * Runs a command and waits for it.
   *
   * @param command the command
   * @return its result; a non-zero exit is not an error here
   * @throws CommandException when it cannot start, times out or is interrupted
   */
  CommandResult run(Command command) throws CommandException;

  /**
   * Runs a command that must succeed.
   *
   * @return its result (exit 0)
   * @throws CommandException as {@link #run}, or when it exits non-zero (with its output's tail)
   */
  default CommandResult check(Command command) throws CommandException {
    CommandResult r = run(command);
    if (!r.ok()) {
      throw new CommandException(command.line() + " exited " + r.exit() + ":\n  " + r.tail(), null);
    }
    return r;
  }
}
