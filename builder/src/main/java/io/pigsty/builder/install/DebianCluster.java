package io.pigsty.builder.install;

import io.pigsty.builder.definition.OsTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's PostgreSQL cluster {@code <v>/main} on a node, as the install of a Patroni member finds
 * it, read from postgresql-common's layout ({@code /etc/postgresql/<v>/main} with {@code
 * start.conf}, {@code postgresql.conf} and {@code pg_ident.conf}; data in {@code
 * /var/lib/postgresql/<v>/main}, the directory Patroni's {@code data_dir} also names).
 *
 * <p>Its paths and unit come from the node's row of the OS table ({@link OsTable}: {@code
 * PG_CONF_DIR}, {@code PG_DATA}, unit {@code POSTGRES}).
 *
 * @param os the node's row of the OS table
 * @param version the PostgreSQL major of the inventory
 * @param state what is there
 */
record DebianCluster(OsTable.Os os, int version, State state) {

  /** What Debian's cluster {@code <v>/main} is on the node. */
  enum State {
    /** No {@code start.conf}: no Debian cluster (Patroni made the data directory, or none is). */
    ABSENT,
    /**
     * Converted to Patroni by an earlier install ({@code start.conf} carries {@link #CONVERTED}).
     */
    CONVERTED,
    /** The package's default cluster: only the template databases, not made by an install. */
    EMPTY,
    /** A cluster with data: made by an earlier version's install, or holding databases. */
    DATA
  }

  /** The first line of the {@code start.conf} a conversion writes; its mark. */
  static final String CONVERTED =
      "# pigsty install converted this cluster to Patroni: do not start it as a Debian cluster";

  /** The marker an earlier version's install wrote after its {@code pg_createcluster}. */
  static final String INITDB_MARKER = "pigsty.initdb";

  /**
   * Settings of Debian's postgresql.conf left out of the data directory's {@code
   * postgresql.base.conf}: file locations and includes (Patroni's {@code postgresql.conf} names its
   * own, in the data directory), the port, addresses and name Patroni sets from patroni.yml.
   */
  static final Set<String> NOT_CARRIED =
      Set.of(
          "data_directory",
          "config_file",
          "hba_file",
          "ident_file",
          "external_pid_file",
          "include",
          "include_dir",
          "include_if_exists",
          "port",
          "listen_addresses",
          "cluster_name");

  private static final Pattern SETTING =
      Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(?:=\\s*|\\s+)(.*)$");

  /**
   * @return {@code /etc/postgresql/<v>/main}
   */
  Path etc() {
    return os.file(OsTable.File.PG_CONF_DIR, version);
  }

  /**
   * @return {@code /var/lib/postgresql/<v>/main}: Debian's default data directory and Patroni's
   *     {@code data_dir}
   */
  Path data() {
    return os.file(OsTable.File.PG_DATA, version);
  }

  /**
   * @return Debian's unit of the cluster, {@code postgresql@<v>-main}
   */
  String unit() {
    return os.unit(OsTable.Unit.POSTGRES, version);
  }

  /**
   * Observes the cluster. A cluster holds data when it has more than the three template databases
   * ({@code base/} has template1, template0 and postgres) or an earlier install made it (its {@link
   * #INITDB_MARKER} in the configuration directory).
   *
   * @throws InstallException when the node's files cannot be read
   */
  static DebianCluster observe(NodeFiles files, OsTable.Os os, int version)
      throws InstallException {
    DebianCluster c = new DebianCluster(os, version, State.ABSENT);
    Optional<NodeFiles.State> start = files.read(c.etc().resolve("start.conf"));
    if (start.isEmpty()) {
      return c;
    }
    if (text(start.get()).startsWith(CONVERTED)) {
      return new DebianCluster(os, version, State.CONVERTED);
    }
    boolean data =
        files.exists(c.etc().resolve(INITDB_MARKER))
            || files.directories(c.data().resolve("base")) > 3;
    return new DebianCluster(os, version, data ? State.DATA : State.EMPTY);
  }

  /**
   * Checks that Patroni can take this cluster's data over in place: Debian's {@code
   * postgresql.conf} names {@link #data()} as its {@code data_directory}, and that directory's
   * {@code PG_VERSION} is the inventory's major.
   *
   * @param files the node's files
   * @param instance the instance name, for the message
   * @throws InstallException naming the path at fault and the manual way (docs/install.md,
   *     "Converting an earlier install") when it cannot
   */
  void checkConvertible(NodeFiles files, String instance) throws InstallException {
    Path conf = etc().resolve("postgresql.conf");
    Optional<NodeFiles.State> c = files.read(conf);
    String dir = c.isEmpty() ? null : setting(text(c.get()), "data_directory").orElse(null);
    if (!data().toString().equals(dir)) {
      throw refuse(
          instance,
          conf
              + (dir == null
                  ? " is missing or names no data_directory"
                  : " keeps the data in " + dir + ", not in " + data())
              + ", where Patroni runs it");
    }
    Path pgVersion = data().resolve("PG_VERSION");
    String have = files.read(pgVersion).map(s -> text(s).strip()).orElse(null);
    if (!Integer.toString(version).equals(have)) {
      throw refuse(
          instance,
          pgVersion
              + (have == null ? " is missing" : " says PostgreSQL " + have)
              + ", but pigsty.yml and the bundle have PostgreSQL "
              + version
              + " (pg_upgradecluster first)");
    }
  }

  private InstallException refuse(String instance, String why) {
    return new InstallException(
        instance
            + ": Debian's cluster "
            + version
            + "/main cannot be converted to Patroni in place: "
            + why
            + ". Nothing was changed; convert it by hand (docs/install.md, \"Converting an"
            + " earlier install\"), then run make install again");
  }

  /**
   * {@code postgresql.base.conf} for the data directory, which Patroni's own {@code
   * postgresql.conf} includes first (Patroni's {@code ConfigHandler.write_postgresql_conf}: it
   * renames an existing {@code postgresql.conf} there to that name, and fails when there is
   * neither, as in a Debian data directory): the active settings of Debian's {@code
   * postgresql.conf}, in order, without {@link #NOT_CARRIED}.
   *
   * @param debianConf the text of {@code /etc/postgresql/<v>/main/postgresql.conf}
   * @return file text
   */
  String baseConf(String debianConf) {
    StringBuilder sb =
        new StringBuilder("# written by pigsty install: the settings of ")
            .append(etc().resolve("postgresql.conf"))
            .append(" when Patroni\n# took the cluster over, without its paths, port and name;")
            .append(" Patroni's postgresql.conf includes\n# this file first, then sets those and")
            .append(" pigsty.yml's parameters\n");
    for (String line : debianConf.split("\n")) {
      Matcher m = SETTING.matcher(line);
      if (m.matches() && !NOT_CARRIED.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
        sb.append(line.strip()).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * {@code start.conf} after the conversion: {@code disabled}, so neither {@code pg_ctlcluster} nor
   * {@code postgresql.service} starts the cluster as Debian's (postgresql-common's
   * pg_ctlcluster(1), "start.conf").
   *
   * @param patroniUnit the unit that runs it now
   * @return file text
   */
  String startConf(String patroniUnit) {
    return CONVERTED + "\n# " + patroniUnit + " runs it, on its data in " + data() + "\ndisabled\n";
  }

  /**
   * @return the value of a setting in postgresql.conf text (the last one wins, as in PostgreSQL),
   *     quotes removed, or empty
   */
  static Optional<String> setting(String conf, String name) {
    String value = null;
    for (String line : conf.split("\n")) {
      Matcher m = SETTING.matcher(line);
      if (m.matches() && m.group(1).equalsIgnoreCase(name)) {
        String v = m.group(2);
        if (v.startsWith("'")) {
          int end = v.indexOf('\'', 1);
          value = end > 0 ? v.substring(1, end) : v.substring(1);
        } else {
          value = v.split("[\\s#]", 2)[0];
        }
      }
    }
    return Optional.ofNullable(value);
  }

  private static String text(NodeFiles.State s) {
    return new String(s.content(), StandardCharsets.UTF_8);
  }
}
