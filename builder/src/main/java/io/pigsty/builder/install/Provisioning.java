package io.pigsty.builder.install;

import io.pigsty.builder.inventory.Inventory.PgDatabase;
import io.pigsty.builder.inventory.Inventory.PgExtension;
import io.pigsty.builder.inventory.Inventory.PgUser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SQL that makes roles and databases match {@code pg_users} and {@code pg_databases}, as
 * idempotent PL/pgSQL blocks: each compares the catalog with the inventory and changes only what
 * differs, raising {@code NOTICE 'pigsty-change: ...'} for every change (the installer counts
 * them), so a second run on the same inventory reports {@code changes: 0}. Names and values are
 * quoted with {@link #id} and {@link #lit}; the inventory has already checked them (PostgreSQL 16
 * docs: CREATE ROLE, ALTER ROLE, CREATE DATABASE, ALTER DATABASE, COMMENT, CREATE EXTENSION).
 */
public final class Provisioning {

  private Provisioning() {}

  /**
   * @return {@code name} as a quoted SQL identifier
   */
  public static String id(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * @return {@code text} as a quoted SQL string literal
   */
  public static String lit(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /**
   * The role options of a user, in CREATE/ALTER ROLE syntax (no password, no VALID UNTIL).
   *
   * @return e.g. {@code LOGIN NOSUPERUSER ... CONNECTION LIMIT -1}
   */
  static String roleOptions(PgUser u) {
    return String.join(
        " ",
        u.login() ? "LOGIN" : "NOLOGIN",
        u.superuser() ? "SUPERUSER" : "NOSUPERUSER",
        u.createdb() ? "CREATEDB" : "NOCREATEDB",
        u.createrole() ? "CREATEROLE" : "NOCREATEROLE",
        u.inherit() ? "INHERIT" : "NOINHERIT",
        u.replication() ? "REPLICATION" : "NOREPLICATION",
        u.bypassrls() ? "BYPASSRLS" : "NOBYPASSRLS",
        "CONNECTION LIMIT " + u.connlimit());
  }

  /** The catalog columns {@link #roleOptions} sets, as an SQL row to compare. */
  static String roleRow(PgUser u) {
    return String.format(
        Locale.ROOT,
        "(%b, %b, %b, %b, %b, %b, %b, %d)",
        u.login(),
        u.superuser(),
        u.createdb(),
        u.createrole(),
        u.inherit(),
        u.replication(),
        u.bypassrls(),
        u.connlimit());
  }

  /**
   * SQL expression of a user's VALID UNTIL: {@code expire_in} days from today, else {@code
   * expire_at}, else null (never expires). Pigsty's rule: expire_in wins.
   */
  static String validUntil(PgUser u) {
    if (u.expireInDays() != null) {
      return "(current_date + " + u.expireInDays() + ")::timestamptz";
    }
    if (u.expireAt() != null) {
      return lit(u.expireAt()) + "::timestamptz";
    }
    return "NULL::timestamptz";
  }

  /**
   * Creates a user when absent; otherwise alters only the options, expiry, comment, settings and
   * memberships that differ.
   *
   * @param u the user
   * @return PL/pgSQL for the {@code postgres} database
   */
  public static String user(PgUser u) {
    String n = lit(u.name());
    StringBuilder s = new StringBuilder();
    String opts = roleOptions(u);
    s.append("DO $pigsty$BEGIN\n  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ")
        .append(n)
        .append(") THEN EXECUTE ")
        .append(lit("CREATE ROLE " + id(u.name()) + " " + opts))
        .append("; RAISE NOTICE 'pigsty-change: created role %', ")
        .append(n)
        .append(";\n")
        .append(
            "  ELSIF (SELECT (rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit,"
                + " rolreplication, rolbypassrls, rolconnlimit) IS DISTINCT FROM ")
        .append(roleRow(u))
        .append(" FROM pg_roles WHERE rolname = ")
        .append(n)
        .append(") THEN EXECUTE ")
        .append(lit("ALTER ROLE " + id(u.name()) + " " + opts))
        .append("; RAISE NOTICE 'pigsty-change: altered role %', ")
        .append(n)
        .append(";\n")
        .append("  END IF;\n");
    String until = validUntil(u);
    s.append("  IF (SELECT coalesce(rolvaliduntil, 'infinity') IS DISTINCT FROM coalesce(")
        .append(until)
        .append(", 'infinity')")
        .append(" FROM pg_roles WHERE rolname = ")
        .append(n)
        .append(") THEN EXECUTE format('ALTER ROLE ")
        .append(id(u.name()).replace("'", "''"))
        .append(" VALID UNTIL %L', coalesce(")
        .append(until)
        .append("::text, 'infinity')); RAISE NOTICE 'pigsty-change: role % valid until %', ")
        .append(n)
        .append(", coalesce(")
        .append(until)
        .append("::text, 'infinity');\n  END IF;\n");
    s.append(
        comment(
            "ROLE",
            u.name(),
            "(SELECT oid FROM pg_roles WHERE rolname = " + n + ")",
            "pg_authid",
            u.comment()));
    for (Map.Entry<String, String> p : u.parameters().entrySet()) {
      String setting = lit(p.getKey() + "=" + p.getValue());
      s.append(
              "  IF NOT EXISTS (SELECT FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole"
                  + " WHERE s.setdatabase = 0 AND r.rolname = ")
          .append(n)
          .append(" AND ")
          .append(setting)
          .append(" = ANY (s.setconfig)) THEN EXECUTE ")
          .append(
              lit("ALTER ROLE " + id(u.name()) + " SET " + p.getKey() + " = " + lit(p.getValue())))
          .append("; RAISE NOTICE 'pigsty-change: role % set %', ")
          .append(n)
          .append(", ")
          .append(setting)
          .append(";\n  END IF;\n");
    }
    s.append("END$pigsty$;\n");
    for (String r : u.roles()) {
      s.append(grant(r, u.name()));
    }
    return s.toString();
  }

  /**
   * A built-in role of Pigsty's access model ({@code dbrole_*}, admin, monitor, replicator):
   * created when absent with {@code options}, altered to them otherwise, granted each role once.
   */
  static String systemRole(String name, String options, String... memberOf) {
    StringBuilder s = new StringBuilder();
    s.append("DO $pigsty$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ")
        .append(lit(name))
        .append(") THEN EXECUTE ")
        .append(lit("CREATE ROLE " + id(name) + " " + options))
        .append("; RAISE NOTICE 'pigsty-change: created role %', ")
        .append(lit(name))
        .append(";\n");
    s.append("ELSE EXECUTE ")
        .append(lit("ALTER ROLE " + id(name) + " " + options))
        .append("; END IF; END$pigsty$;\n");
    for (String r : memberOf) {
      s.append(grant(r, name));
    }
    return s.toString();
  }

  private static String grant(String role, String member) {
    return "DO $pigsty$BEGIN IF NOT EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles a ON a.oid ="
        + " m.roleid JOIN pg_roles b ON b.oid = m.member WHERE a.rolname = "
        + lit(role)
        + " AND b.rolname = "
        + lit(member)
        + ") THEN EXECUTE "
        + lit("GRANT " + id(role) + " TO " + id(member))
        + "; RAISE NOTICE 'pigsty-change: granted %', "
        + lit(role + " to " + member)
        + "; END IF; END$pigsty$;\n";
  }

  private static String comment(String kind, String name, String oid, String catalog, String text) {
    String want = text.isEmpty() ? "NULL" : lit(text);
    return "  IF shobj_description("
        + oid
        + ", "
        + lit(catalog)
        + ") IS DISTINCT FROM "
        + want
        + " THEN EXECUTE "
        + lit(
            "COMMENT ON " + kind + " " + id(name) + " IS " + (text.isEmpty() ? "NULL" : lit(text)))
        + "; RAISE NOTICE 'pigsty-change: comment on % %', "
        + lit(kind.toLowerCase(Locale.ROOT))
        + ", "
        + lit(name)
        + ";\n  END IF;\n";
  }

  /**
   * CREATE DATABASE with every creation-time option of the entry (it cannot run in a block).
   *
   * @return one statement
   */
  public static String createDatabase(PgDatabase d) {
    List<String> o = new ArrayList<>();
    o.add("OWNER " + id(d.owner()));
    o.add("TEMPLATE " + id(d.template()));
    if (d.encoding() != null) {
      o.add("ENCODING " + lit(d.encoding()));
    }
    if (d.locale() != null) {
      o.add("LOCALE " + lit(d.locale()));
    }
    if (d.lcCollate() != null) {
      o.add("LC_COLLATE " + lit(d.lcCollate()));
    }
    if (d.lcCtype() != null) {
      o.add("LC_CTYPE " + lit(d.lcCtype()));
    }
    if (d.tablespace() != null) {
      o.add("TABLESPACE " + id(d.tablespace()));
    }
    o.add("CONNECTION LIMIT " + d.connlimit());
    return "CREATE DATABASE " + id(d.name()) + " " + String.join(" ", o) + ";";
  }

  /**
   * The database-level state of an existing database, run in {@code postgres}: owner, connection
   * limit, grants to Pigsty's roles, CONNECT of PUBLIC ({@code revokeconn}), comment and settings.
   * ALLOW_CONNECTIONS is set by {@link #allowConnections} after the in-database steps (which need a
   * connection).
   */
  public static String alterDatabase(PgDatabase d) {
    String n = lit(d.name());
    String q = id(d.name());
    String db = "(SELECT oid FROM pg_database WHERE datname = " + n + ")";
    StringBuilder s = new StringBuilder("DO $pigsty$BEGIN\n");
    s.append("  IF (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ")
        .append(n)
        .append(") IS DISTINCT FROM ")
        .append(lit(d.owner()))
        .append(" THEN EXECUTE ")
        .append(lit("ALTER DATABASE " + q + " OWNER TO " + id(d.owner())))
        .append("; RAISE NOTICE 'pigsty-change: database % owner %', ")
        .append(n)
        .append(", ")
        .append(lit(d.owner()))
        .append(";\n  END IF;\n");
    s.append("  IF (SELECT datconnlimit FROM pg_database WHERE datname = ")
        .append(n)
        .append(") <> ")
        .append(d.connlimit())
        .append(" THEN EXECUTE ")
        .append(lit("ALTER DATABASE " + q + " CONNECTION LIMIT " + d.connlimit()))
        .append("; RAISE NOTICE 'pigsty-change: database % connection limit %', ")
        .append(n)
        .append(", ")
        .append(d.connlimit())
        .append(";\n  END IF;\n");
    if (d.revokeconn()) {
      s.append(
              "  IF EXISTS (SELECT FROM pg_database, aclexplode(coalesce(datacl, acldefault('d', datdba))) a"
                  + " WHERE datname = ")
          .append(n)
          .append(" AND a.grantee = 0 AND a.privilege_type = 'CONNECT')" + " THEN EXECUTE ")
          .append(lit("REVOKE CONNECT ON DATABASE " + q + " FROM PUBLIC"))
          .append("; EXECUTE ")
          .append(
              lit("GRANT CONNECT ON DATABASE " + q + " TO " + id(d.owner()) + " WITH GRANT OPTION"))
          .append("; RAISE NOTICE 'pigsty-change: revoked connect on % from public', ")
          .append(n)
          .append(";\n  END IF;\n");
    }
    // after the revoke, so CONNECT that dbrole_readonly had only through PUBLIC is granted now
    s.append(privilege(d, "dbrole_readonly", "CONNECT"));
    s.append(privilege(d, "dbrole_admin", "CREATE"));
    s.append(comment("DATABASE", d.name(), db, "pg_database", d.comment()));
    for (Map.Entry<String, String> p : d.parameters().entrySet()) {
      String setting = lit(p.getKey() + "=" + p.getValue());
      s.append(
              "  IF NOT EXISTS (SELECT FROM pg_db_role_setting WHERE setrole = 0 AND setdatabase = ")
          .append(db)
          .append(" AND ")
          .append(setting)
          .append(" = ANY (setconfig)) THEN EXECUTE ")
          .append(lit("ALTER DATABASE " + q + " SET " + p.getKey() + " = " + lit(p.getValue())))
          .append("; RAISE NOTICE 'pigsty-change: database % set %', ")
          .append(n)
          .append(", ")
          .append(setting)
          .append(";\n  END IF;\n");
    }
    return s.append("END$pigsty$;\n").toString();
  }

  private static String privilege(PgDatabase d, String role, String privilege) {
    String n = lit(d.name());
    return "  IF NOT has_database_privilege("
        + lit(role)
        + ", "
        + n
        + ", "
        + lit(privilege)
        + ") THEN EXECUTE "
        + lit("GRANT " + privilege + " ON DATABASE " + id(d.name()) + " TO " + id(role))
        + "; RAISE NOTICE 'pigsty-change: granted % on % to %', "
        + lit(privilege)
        + ", "
        + n
        + ", "
        + lit(role)
        + ";\n  END IF;\n";
  }

  /** Sets ALLOW_CONNECTIONS when it differs; run in {@code postgres}. */
  public static String allowConnections(PgDatabase d) {
    String n = lit(d.name());
    return "DO $pigsty$BEGIN IF (SELECT datallowconn FROM pg_database WHERE datname = "
        + n
        + ") <> "
        + d.allowconn()
        + " THEN EXECUTE "
        + lit("ALTER DATABASE " + id(d.name()) + " ALLOW_CONNECTIONS " + d.allowconn())
        + "; RAISE NOTICE 'pigsty-change: database % allow_connections %', "
        + n
        + ", "
        + d.allowconn()
        + "; END IF; END$pigsty$;\n";
  }

  /**
   * Schemas (owned by the database owner) and extensions (in their schema, at their version,
   * updated when another version is installed); run inside the database.
   */
  public static String insideDatabase(PgDatabase d) {
    StringBuilder s = new StringBuilder();
    for (String schema : d.schemas()) {
      s.append("DO $pigsty$BEGIN IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = ")
          .append(lit(schema))
          .append(") THEN EXECUTE ")
          .append(lit("CREATE SCHEMA " + id(schema) + " AUTHORIZATION " + id(d.owner())))
          .append("; RAISE NOTICE 'pigsty-change: created schema %', ")
          .append(lit(d.name() + "." + schema))
          .append("; END IF; END$pigsty$;\n");
    }
    for (PgExtension e : d.extensions()) {
      String create =
          "CREATE EXTENSION "
              + id(e.name())
              + (e.schema() != null ? " SCHEMA " + id(e.schema()) : "")
              + (e.version() != null ? " VERSION " + lit(e.version()) : "")
              + " CASCADE";
      s.append("DO $pigsty$BEGIN IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = ")
          .append(lit(e.name()))
          .append(") THEN EXECUTE ")
          .append(lit(create))
          .append("; RAISE NOTICE 'pigsty-change: created extension %', ")
          .append(lit(d.name() + "." + e.name()))
          .append(";\n");
      if (e.version() != null) {
        s.append("ELSIF (SELECT extversion FROM pg_extension WHERE extname = ")
            .append(lit(e.name()))
            .append(") <> ")
            .append(lit(e.version()))
            .append(" THEN EXECUTE ")
            .append(lit("ALTER EXTENSION " + id(e.name()) + " UPDATE TO " + lit(e.version())))
            .append("; RAISE NOTICE 'pigsty-change: updated extension % to %', ")
            .append(lit(d.name() + "." + e.name()))
            .append(", ")
            .append(lit(e.version()))
            .append(";\n");
      }
      s.append("END IF; END$pigsty$;\n");
    }
    return s.toString();
  }
}
