package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryLoaderTest {

    static final Path DEMO = Path.of("src/test/resources/install/demo.yml");

    @TempDir Path tmp;

    static Inventory demo() throws Exception {
        return InventoryLoader.load(DEMO);
    }

    @Test
    void load_demoInventoryHasTheMetaClusterUsersAndVars() throws Exception {
        Inventory inv = demo();
        assertThat(inv.metaIp()).isEqualTo("10.10.10.10");
        assertThat(inv.cluster().instance()).isEqualTo("pg-meta-1");
        assertThat(inv.cluster().version()).isEqualTo(15);
        assertThat(inv.cluster().profile()).isEqualTo(Tuning.Profile.TINY);
        assertThat(inv.cluster().users()).extracting(Inventory.PgUser::name).containsExactly("dbuser_meta", "dbuser_view");
        assertThat(inv.cluster().users().get(0).roles()).containsExactly("dbrole_admin");
        assertThat(inv.cluster().users().get(0).pgbouncer()).isTrue();
        Inventory.PgDatabase meta = inv.cluster().databases().get(0);
        assertThat(meta.owner()).isEqualTo("dbuser_meta");
        assertThat(meta.schemas()).containsExactly("pigsty");
        assertThat(meta.extensions()).containsExactly("postgis");
        assertThat(inv.cluster().hbaExtra()).singleElement()
                .satisfies(r -> assertThat(r.auth()).isEqualTo("scram-sha-256"));
        assertThat(inv.vars().pgbouncerExporterPort()).isEqualTo(9127);
        assertThat(inv.vars().monitorPassword()).isEqualTo("DBUser.Monitor");
    }

    private Path variant(String from, String to) throws IOException {
        String text = Files.readString(DEMO);
        assertThat(text).contains(from);
        Path f = tmp.resolve("pigsty.yml");
        Files.writeString(f, text.replace(from, to));
        return f;
    }

    @Test
    void load_unknownTuningTemplateNamesLineAndKey() throws Exception {
        Path f = variant("pg_conf: tiny.yml", "pg_conf: huge.yml");
        assertThatThrownBy(() -> InventoryLoader.load(f)).isInstanceOf(InventoryException.class)
                .hasMessageContaining("pigsty.yml:11: all.children.pg-meta.vars.pg_conf: 'huge.yml' is not one of");
    }

    @Test
    void load_malformedYamlNamesTheLine() throws Exception {
        Path f = variant("pg_cluster: pg-meta", "pg_cluster: [pg-meta");
        assertThatThrownBy(() -> InventoryLoader.load(f)).isInstanceOf(InventoryException.class)
                .hasMessageContaining("malformed YAML").hasMessageMatching("(?s).*pigsty\\.yml:\\d+: .*");
    }

    @Test
    void load_trustAuthIsRefused() throws Exception {
        Path f = variant("auth: scram-sha-256", "auth: trust");
        assertThatThrownBy(() -> InventoryLoader.load(f)).isInstanceOf(InventoryException.class)
                .hasMessageContaining("pg_hba_rules_extra[0].auth: 'trust' is not one of");
    }

    @Test
    void load_portOutOfRangeIsRefused() throws Exception {
        Path f = variant("pg_port: 5432", "pg_port: 70000");
        assertThatThrownBy(() -> InventoryLoader.load(f)).isInstanceOf(InventoryException.class)
                .hasMessageContaining("all.vars.pg_port: 70000 is outside 1..65535");
    }

    @Test
    void load_userNameWithQuoteIsRefused() throws Exception {
        Path f = variant("name: dbuser_view", "name: \"bob'; DROP\"");
        assertThatThrownBy(() -> InventoryLoader.load(f)).isInstanceOf(InventoryException.class)
                .hasMessageContaining("pg_users[1].name").hasMessageContaining("is not a plain name");
    }

    @Test
    void load_missingPgSeqNamesTheHost() throws Exception {
        Path f = variant("{pg_seq: 1, pg_role: primary}", "{pg_role: primary}");
        assertThatThrownBy(() -> InventoryLoader.load(f)).isInstanceOf(InventoryException.class)
                .hasMessageContaining("pigsty.yml:7: all.children.pg-meta.hosts.pg_seq: missing required key");
    }

    @Test
    void load_noClusterOnTheMetaNodeIsAnError() throws Exception {
        Path f = variant("hosts: {10.10.10.10: {pg_seq: 1", "hosts: {10.10.10.11: {pg_seq: 1");
        assertThatThrownBy(() -> InventoryLoader.load(f)).isInstanceOf(InventoryException.class)
                .hasMessageContaining("no group with vars.pg_cluster has the meta node 10.10.10.10");
    }

    @Test
    void load_duplicateKeyIsAnError() throws Exception {
        Path f = variant("    pg_port: 5432\n", "    pg_port: 5432\n    pg_port: 5433\n");
        assertThatThrownBy(() -> InventoryLoader.load(f)).isInstanceOf(InventoryException.class)
                .hasMessageContaining("all.vars.pg_port: duplicate key (first at line 27)");
    }
}
