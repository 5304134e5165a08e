package io.pigsty.builder.cli;

import io.pigsty.builder.files.FileErrors;
import io.pigsty.repo.Printable;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code pigsty} CLI: builds bundles and repositories, checks them. */
@Command(
    name = "pigsty",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Build and check Pigsty offline package bundles; configure, install and check a node.",
    exitCodeListHeading = "%nExit codes:%n")
public final class Main implements Runnable {
  /** The subcommands, in the order the usage lists them (then {@code help}). */
  static final List<Class<?>> COMMANDS =
      List.of(
          BuildCommand.class,
          ResolveCommand.class,
          CatalogCommand.class,
          RepoCommand.class,
          VerifyCommand.class,
          SignCommand.class,
          PackageCommand.class,
          ConfigureCommand.class,
          InstallCommand.class,
          StatusCommand.class,
          SwitchoverCommand.class,
          ImageCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Name of the global option that prints the stack trace of an internal error. */
  static final String DEBUG = "--debug";

  @CommandLine.Option(
      names = DEBUG,
      scope = CommandLine.ScopeType.INHERIT,
      description = "On an internal error (exit 1), print the stack trace.")
  boolean debug;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  /** Runs the CLI and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /**
   * Runs the CLI without exiting (for tests).
   *
   * @return the exit code (see {@link ExitCode})
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(args);
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  /**
   * The command line for these arguments. When the first argument names a subcommand only that one
   * is built (picocli reads every option of every command it is given, a tenth of a second here at
   * start); otherwise all, for the usage, {@code help} and the error naming an unknown command.
   */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new Main());
    Class<?> only = null;
    for (Class<?> c : COMMANDS) {
      if (args.length > 0 && c.getAnnotation(Command.class).name().equals(args[0])) {
        only = c;
      }
    }
    for (Class<?> c : COMMANDS) {
      if (only == null || only == c) {
        cl.addSubcommand(c);
      }
    }
    if (only == null) {
      cl.addSubcommand(new CommandLine.HelpCommand());
    }
    String[] codes = ExitCode.helpList();
    Map<String, String> list = new LinkedHashMap<>();
    for (String c : codes) {
      int i = c.indexOf(':');
      list.put(c.substring(0, i), c.substring(i + 1));
    }
    applyExitCodes(cl, list);
    cl.setExitCodeExceptionMapper(t -> ExitCode.of(t).code);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          ExitCode code = ExitCode.of(ex);
          PrintWriter err = commandLine.getErr();
          if (code == ExitCode.INTERNAL) {
            err.println(
                "pigsty: internal error: "
                    + Printable.escapeKeepingLines(String.valueOf(ex))
                    + (debug(parseResult) ? "" : " (run with " + DEBUG + " for the stack trace)"));
            if (debug(parseResult)) {
              ex.printStackTrace(err);
            }
          } else {
            err.println("pigsty: " + message(ex));
          }
          err.flush();
          return code.code;
        });
    cl.setParameterExceptionHandler(
        (ex, given) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println("pigsty: " + Printable.escapeKeepingLines(ex.getMessage()));
          c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
          return ExitCode.USAGE.code;
        });
    return cl;
  }

  /**
   * The message printed for a failure that is not a bug: a file system error as {@code path:
   * reason} ({@link FileErrors#describe}: the JDK's own message is the bare path), anything else as
   * its message. Control characters other than line ends are escaped ({@link
   * Printable#escapeKeepingLines}), so bytes from a hostile bundle or package never reach the
   * terminal as they are, whatever message carried them.
   */
  static String message(Throwable ex) {
    if (ex instanceof IOException io) {
      return FileErrors.describe(io);
    }
    return Printable.escapeKeepingLines(ex.getMessage() == null ? ex.toString() : ex.getMessage());
  }

  /**
   * @return whether {@value #DEBUG} was given, before or after the subcommand
   */
  private static boolean debug(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption(DEBUG)) {
        return true;
      }
    }
    return false;
  }

  private static void applyExitCodes(CommandLine cl, Map<String, String> list) {
    cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(list);
    for (CommandLine sub : cl.getSubcommands().values()) {
      applyExitCodes(sub, list);
    }
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"pigsty " + (v == null ? "dev" : v)};
    }
  }
}
