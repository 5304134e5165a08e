package io.pigsty.builder.install;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One change of an install plan. Each says what it changes in words ({@link #describe}); secrets
 * (passwords, userlist.txt) are never part of the description.
 */
public sealed interface Step {
  /**
   * @return one line for the plan and the change log
   */
  String describe();

  /** {@code apt-get install} of packages that are not installed. */
  record InstallPackages(List<String> names) implements Step {
    /** Copies the list. */
    public InstallPackages {
      names = List.copyOf(names);
    }

    @Override
    public String describe() {
      return "install " + names.size() + " package(s): " + String.join(" ", names);
    }
  }

  /**
   * Makes a file hold exactly these bytes, mode and owner.
   *
   * @param path the file
   * @param content its bytes
   * @param mode permissions such as {@code rw-r-----}
   * @param owner owner user
   * @param group owner group
   * @param secret whether the content is secret (never shown)
   * @param create whether the file is absent now (else replaced or re-moded)
   */
  record WriteFile(
      Path path,
      byte[] content,
      String mode,
      String owner,
      String group,
      boolean secret,
      boolean create)
      implements Step {
    /**
     * @return a step writing UTF-8 text
     */
    static WriteFile text(
        Path path,
        String text,
        String mode,
        String owner,
        String group,
        boolean secret,
        boolean create) {
      return new WriteFile(
          path, text.getBytes(StandardCharsets.UTF_8), mode, owner, group, secret, create);
    }

    @Override
    public String describe() {
      return (create ? "create " : "write ")
          + path
          + " ("
          + mode
          + " "
          + owner
          + ":"
          + group
          + ", "
          + content.length
          + " bytes)";
    }
  }

  /** Removes a file (or symbolic link). */
  record RemoveFile(Path path, String why) implements Step {
    @Override
    public String describe() {
      return "remove " + path + " (" + why + ")";
    }
  }

  /** What to do with a systemd unit. */
  enum Action {
    /** systemctl daemon-reload (a unit file or drop-in changed). */
    DAEMON_RELOAD,
    /** systemctl enable. */
    ENABLE,
    /** systemctl start. */
    START,
    /** systemctl restart (its configuration changed). */
    RESTART,
    /** systemctl reload (a file it re-reads on SIGHUP changed). */
    RELOAD,
    /** systemctl stop (a unit another one replaces, such as Debian's cluster under Patroni). */
    STOP,
    /** systemctl disable (the same, so it does not come back at boot). */
    DISABLE
  }

  /** A systemd unit action. */
  record Unit(String unit, Action action) implements Step {
    @Override
    public String describe() {
      return action.name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + unit;
    }
  }

  /**
   * A restart of this node's PostgreSQL through Patroni ({@code patronictl restart}), for settings
   * of context {@code postmaster} (PostgreSQL docs, "pg_settings": changed only at server start)
   * that a reload does not apply. Patroni restarts the instance in place: no failover.
   *
   * @param configPath the member's Patroni configuration ({@code patronictl -c})
   * @param cluster {@code pg_cluster} (Patroni's scope)
   * @param member the instance name, {@code <cluster>-<seq>}
   * @param settings the settings waiting for the restart, sorted
   */
  record Restart(String configPath, String cluster, String member, List<String> settings)
      implements Step {
    /** Copies the list. */
    public Restart {
      settings = List.copyOf(settings);
    }

    @Override
    public String describe() {
      return "restart " + member + " through Patroni (" + String.join(", ", settings) + ")";
    }
  }

  /**
   * SQL run by psql as the postgres OS user.
   *
   * @param database the database to connect to
   * @param script the statements
   * @param changes what it will change, as observed by a rolled-back dry run (or, where the catalog
   *     cannot be read yet, what it may change)
   * @param secret whether the script holds passwords (never shown, never logged by PostgreSQL)
   */
  record Sql(String database, String script, List<String> changes, boolean secret) implements Step {
    /** Copies the list. */
    public Sql {
      changes = List.copyOf(changes);
    }

    @Override
    public String describe() {
      return "sql in " + database + ": " + String.join("; ", changes);
    }
  }

  /**
   * Moves every apt source but Pigsty's aside to {@code /etc/apt/pigsty-backup/} (a node of the
   * inventory has no internet: its only source is the admin node's repository).
   *
   * @param sources the files to move, for the description
   */
  record MoveSourcesAside(List<Path> sources) implements Step {
    /** Copies the list. */
    public MoveSourcesAside {
      sources = List.copyOf(sources);
    }

    @Override
    public String describe() {
      return "move apt source(s) aside: "
          + String.join(" ", sources.stream().map(Path::toString).toList());
    }
  }

  /** {@code apt-get update} (a source or its key changed, or the package lists lack it). */
  record AptUpdate(String why) implements Step {
    @Override
    public String describe() {
      return "apt-get update (" + why + ")";
    }
  }

  /**
   * A command run as root that the other steps do not cover (a directory made, a package's default
   * data removed).
   *
   * @param argv the command (no shell)
   * @param why what it changes, for the plan
   */
  record Run(List<String> argv, String why) implements Step {
    /** Copies the list. */
    public Run {
      argv = List.copyOf(argv);
    }

    @Override
    public String describe() {
      return why + " (" + String.join(" ", argv) + ")";
    }
  }
}
