package io.pigsty.builder.install;

import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.CommandRunner;
import io.pigsty.builder.install.Step.Action;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What every node installer plans and applies the same way: files by bytes, mode and owner;
 * packages by dpkg status; units by systemctl state; the generic steps (packages, files, units).
 */
final class NodeOps {
  static final java.util.Map<String, String> APT_ENV =
      java.util.Map.of("DEBIAN_FRONTEND", "noninteractive", "LANG", "C.UTF-8", "LC_ALL", "C.UTF-8");
  static final Duration SHORT = Duration.ofSeconds(30);

  private final CommandRunner runner;
  private final NodeFiles files;

  NodeOps(CommandRunner runner, NodeFiles files) {
    this.runner = runner;
    this.files = files;
  }

  /** Applies a step that is not specific to one installer; false when it is not one of those. */
  boolean apply(Step step) throws InstallException {
    if (step instanceof Step.InstallPackages s) {
      List<String> cmd =
          new java.util.ArrayList<>(
              List.of(
                  "apt-get",
                  "install",
                  "-y",
                  "-q",
                  // what a node runs is named; Recommends (sysstat, locales, smartmontools,
                  // node-exporter's collectors with ipmitool and nvme-cli ...) only cost time
                  "--no-install-recommends",
                  "-o",
                  "Dpkg::Options::=--force-confdef",
                  "-o",
                  "Dpkg::Options::=--force-confold",
                  "-o",
                  "Dpkg::Use-Pty=0"));
      cmd.addAll(s.names());
      check(new Command(cmd, APT_ENV, null, Duration.ofMinutes(30)));
    } else if (step instanceof Step.WriteFile s) {
      files.write(s.path(), s.content(), s.mode(), s.owner(), s.group());
    } else if (step instanceof Step.RemoveFile s) {
      files.delete(s.path());
    } else if (step instanceof Step.Unit s) {
      unit(s);
    } else if (step instanceof Step.Run s) {
      check(new Command(s.argv(), APT_ENV, null, Duration.ofMinutes(10)));
    } else {
      return false;
    }
    return true;
  }

  /** The packages of {@code names} not installed, as one step (or none). */
  List<Step> packages(List<String> names) throws InstallException {
    List<String> missing = new java.util.ArrayList<>();
    for (String p : names) {
      if (!installed(p)) {
        missing.add(p);
      }
    }
    return missing.isEmpty() ? List.of() : List.of(new Step.InstallPackages(missing));
  }

  boolean installed(String pkg) throws InstallException {
    CommandResult r = run(Command.of(SHORT, "dpkg-query", "-W", "-f=${Status}", pkg));
    return r.ok() && r.out().strip().equals("install ok installed");
  }

  // ---- files and units ---------------------------------------------------------------------

  /**
   * Adds a WriteFile step when the file's bytes, mode or owner differ (always after a re-create).
   */
  void file(
      List<Step> steps,
      Set<Path> changed,
      Path path,
      String text,
      String mode,
      String owner,
      String group,
      boolean secret,
      boolean force)
      throws InstallException {
    byte[] want = text.getBytes(StandardCharsets.UTF_8);
    Optional<NodeFiles.State> have = files.read(path);
    boolean same =
        have.isPresent()
            && Arrays.equals(have.get().content(), want)
            && have.get().mode().equals(mode)
            && have.get().owner().equals(owner)
            && have.get().group().equals(group);
    if (!same || force) {
      steps.add(new Step.WriteFile(path, want, mode, owner, group, secret, have.isEmpty()));
      changed.add(path);
    }
  }

  /** {@link #file} for a configuration file of root's, mode 0644, not secret. */
  void conf(List<Step> steps, Set<Path> changed, Path path, String text) throws InstallException {
    file(steps, changed, path, text, "rw-r--r--", "root", "root", false, false);
  }

  /** Adds enable/start, or restart/reload when its configuration changed, for a unit. */
  void unit(List<Step> steps, String unit, boolean restart, boolean reload)
      throws InstallException {
    String state = run(Command.of(SHORT, "systemctl", "is-enabled", unit)).out().strip();
    if (!Set.of("enabled", "static", "generated", "indirect", "alias").contains(state)) {
      steps.add(new Step.Unit(unit, Action.ENABLE));
    }
    boolean active =
        run(Command.of(SHORT, "systemctl", "is-active", unit)).out().strip().equals("active");
    if (!active) {
      steps.add(new Step.Unit(unit, Action.START));
    } else if (restart) {
      steps.add(new Step.Unit(unit, Action.RESTART));
    } else if (reload) {
      steps.add(new Step.Unit(unit, Action.RELOAD));
    }
  }

  void unit(Step.Unit s) throws InstallException {
    if (s.unit().equals("nginx") && (s.action() == Action.RELOAD || s.action() == Action.RESTART)) {
      check(Command.of(SHORT, "nginx", "-t", "-q"));
    }
    if (s.unit().equals("haproxy")
        && (s.action() == Action.RELOAD || s.action() == Action.RESTART)) {
      check(Command.of(SHORT, "haproxy", "-c", "-q", "-f", HaConfigs.HAPROXY_CFG));
    }
    Duration t =
        s.action() == Action.START || s.action() == Action.RESTART || s.action() == Action.STOP
            ? Duration.ofMinutes(3)
            : Duration.ofMinutes(1);
    if (s.action() == Action.DAEMON_RELOAD) {
      check(Command.of(t, "systemctl", "daemon-reload"));
    } else {
      check(Command.of(t, "systemctl", s.action().name().toLowerCase(Locale.ROOT), s.unit()));
    }
  }

  CommandResult run(Command c) throws InstallException {
    try {
      return runner.run(c);
    } catch (CommandException e) {
      throw new InstallException(e.getMessage(), e);
    }
  }

  CommandResult check(Command c) throws InstallException {
    try {
      return runner.check(c);
    } catch (CommandException e) {
      throw new InstallException(e.getMessage(), e);
    }
  }
}
