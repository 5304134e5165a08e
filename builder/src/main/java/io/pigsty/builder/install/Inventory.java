package io.pigsty.builder.install;

import java.util.List;
import java.util.Objects;

/**
 * What {@code pigsty install} needs from {@code pigsty.yml}: the meta node, the PostgreSQL
 * cluster it hosts and the global vars (ports, repo, admin credentials). Built by
 * {@link InventoryLoader}, which validates every value and names the line at fault.
 *
 * @param metaIp        address of the meta node (the first host of {@code all.children.meta})
 * @param cluster       the PostgreSQL cluster with an instance on the meta node
 * @param vars          global vars of {@code all.vars}, defaults filled in
 */
public record Inventory(String metaIp, PgCluster cluster, Vars vars) {

    /** Checks nothing is null. */
    public Inventory {
        Objects.requireNonNull(metaIp, "metaIp");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(vars, "vars");
    }

    /**
     * A PostgreSQL cluster and the instance of it on the meta node.
     *
     * @param name       {@code pg_cluster}, e.g. {@code pg-meta}
     * @param seq        {@code pg_seq} of the meta node's instance (instance name {@code name-seq})
     * @param role       {@code pg_role}: primary, replica, offline or delayed
     * @param version    {@code pg_version}, the PostgreSQL major
     * @param profile    tuning template from {@code pg_conf}
     * @param nodeTune   {@code node_tune} as written (tiny, oltp, olap, crit)
     * @param users      {@code pg_users}
     * @param databases  {@code pg_databases}
     * @param hbaExtra   {@code pg_hba_rules_extra}
     */
    public record PgCluster(String name, int seq, String role, int version, Tuning.Profile profile,
            String nodeTune, List<PgUser> users, List<PgDatabase> databases, List<HbaRule> hbaExtra) {
        /** Copies the lists. */
        public PgCluster {
            users = List.copyOf(users);
            databases = List.copyOf(databases);
            hbaExtra = List.copyOf(hbaExtra);
        }

        /** @return the instance name, {@code <cluster>-<seq>} (Pigsty's identity rule) */
        public String instance() {
            return name + "-" + seq;
        }
    }

    /**
     * A business user of {@code pg_users}.
     *
     * @param name      role name
     * @param password  clear-text password (stored by PostgreSQL as SCRAM-SHA-256)
     * @param pgbouncer whether pgbouncer accepts this user
     * @param roles     roles granted, e.g. {@code dbrole_admin}
     * @param comment   comment on the role, or empty
     */
    public record PgUser(String name, String password, boolean pgbouncer, List<String> roles, String comment) {
        /** Copies the list. */
        public PgUser {
            roles = List.copyOf(roles);
        }
    }

    /**
     * A database of {@code pg_databases}.
     *
     * @param name       database name
     * @param owner      owner role
     * @param schemas    schemas to create (owned by {@code owner})
     * @param extensions extension names to create
     * @param comment    comment on the database, or empty
     */
    public record PgDatabase(String name, String owner, List<String> schemas, List<String> extensions,
            String comment) {
        /** Copies the lists. */
        public PgDatabase {
            schemas = List.copyOf(schemas);
            extensions = List.copyOf(extensions);
        }
    }

    /**
     * One rule of {@code pg_hba_rules_extra}.
     *
     * @param user  user name, {@code all} or {@code +role}
     * @param db    database name, {@code all} or {@code replication}
     * @param addr  {@code local}, {@code localhost}, {@code admin}, {@code infra},
     *              {@code intra}, {@code world} or a CIDR
     * @param auth  {@code scram-sha-256}, {@code pwd} (same), {@code peer}/{@code ident} (local
     *              only), {@code deny} or {@code reject}
     * @param title comment line written above the rule
     */
    public record HbaRule(String user, String db, String addr, String auth, String title) {
    }

    /**
     * Global vars ({@code all.vars}) the installer uses; absent keys take the defaults shown in
     * docs/install.md.
     */
    public record Vars(String adminIp, String repoDir, int nginxPort, int prometheusPort,
            int alertmanagerPort, int nodeExporterPort, int pgPort, int pgbouncerPort,
            int pgExporterPort, int pgbouncerExporterPort, String adminUser, String adminPassword,
            String monitorUser, String monitorPassword, String replicationUser,
            String replicationPassword) {
    }
}
