package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Debian's cluster as a Patroni install reads it (postgresql-common's layout). */
class DebianClusterTest {

  @Test
  void setting_readsQuotedBareAndTheLastOne() {
    String conf =
        "data_directory = '/var/lib/postgresql/15/main'\t\t# use data in another directory\n"
            + "#port = 5433\n"
            + "port = 5432\t\t\t\t# (change requires restart)\n"
            + "max_connections 100\n"
            + "port=6543\n";
    assertThat(DebianCluster.setting(conf, "data_directory"))
        .contains("/var/lib/postgresql/15/main");
    assertThat(DebianCluster.setting(conf, "port")).contains("6543");
    assertThat(DebianCluster.setting(conf, "max_connections")).contains("100");
    assertThat(DebianCluster.setting(conf, "hba_file")).isEmpty();
  }

  @Test
  void baseConf_keepsTheSettingsButPathsPortAndName() {
    DebianCluster c = new DebianCluster(ConfigsTest.D12, 15, DebianCluster.State.DATA);
    String base =
        c.baseConf(
            "data_directory = '/var/lib/postgresql/15/main'\n"
                + "hba_file = '/etc/postgresql/15/main/pg_hba.conf'\n"
                + "ident_file = '/etc/postgresql/15/main/pg_ident.conf'\n"
                + "external_pid_file = '/var/run/postgresql/15-main.pid'\n"
                + "listen_addresses = '*'\n"
                + "port = 5432\n"
                + "cluster_name = '15/main'\n"
                + "# a comment\n"
                + "ssl = on\n"
                + "  lc_messages = 'C.UTF-8'   # locale\n"
                + "include_dir = 'conf.d'\n"
                + "include 'other.conf'\n");
    assertThat(base)
        .startsWith("# written by pigsty install")
        .endsWith("ssl = on\nlc_messages = 'C.UTF-8'   # locale\n")
        .doesNotContain("data_directory", "hba_file", "ident_file", "pid", "listen", "port =")
        .doesNotContain("cluster_name", "include_dir", "include '");
  }

  @Test
  void startConf_isDisabledAndMarked() {
    DebianCluster c = new DebianCluster(ConfigsTest.D12, 16, DebianCluster.State.DATA);
    assertThat(c.etc()).isEqualTo(Path.of("/etc/postgresql/16/main"));
    assertThat(c.data()).isEqualTo(Path.of("/var/lib/postgresql/16/main"));
    assertThat(c.unit()).isEqualTo("postgresql@16-main");
    assertThat(c.startConf("patroni@16-main.service"))
        .startsWith(DebianCluster.CONVERTED + "\n")
        .contains("/var/lib/postgresql/16/main")
        .endsWith("\ndisabled\n");
  }
}
