package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.configure.HostFacts;
import io.pigsty.builder.configure.NodeTestSupport;
import io.pigsty.builder.inventory.InventoryCases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pigsty.yml, one verdict: every good and bad file of {@link InventoryCases} gets the same exit
 * code and message from {@code configure -c} (on a fake Debian 12 node with a good bundle) as from
 * {@code install} and {@code status}, and a bad one leaves the node as it was.
 */
class InventoryVerdictTest {
  @TempDir Path tmp;

  @AfterEach
  void restoreFacts() {
    ConfigureCommand.facts = HostFacts::new;
  }

  @Test
  void everyInventoryGetsTheSameVerdictFromConfigureInstallAndStatus() throws Exception {
    ConfigureCommand.facts =
        p -> {
          try {
            return NodeTestSupport.debian12(p);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    Path pkg = NodeTestSupport.bundle(tmp, "debian", "12", "amd64");
    int n = 0;
    for (InventoryCases.Case k : InventoryCases.all()) {
      Path dir = Files.createDirectories(tmp.resolve("case" + n++));
      Path f = k.write(dir);
      Path root = dir.resolve("root");
      MainTest.Run configure =
          MainTest.run(
              "configure",
              "--root",
              root.toString(),
              "--skip-apt",
              "--no-ssh-check",
              "-n",
              "-p",
              pkg.toString(),
              "--key",
              NodeTestSupport.bundleKeyFingerprint(),
              "-c",
              f.toString());
      MainTest.Run install = MainTest.run("install", "--packages", "-c", f.toString());
      assertThat(configure.code())
          .as(k.name() + " configure: " + configure.out() + configure.err())
          .isEqualTo(k.exit());
      assertThat(install.code()).as(k.name() + " install: " + install.err()).isEqualTo(k.exit());
      if (k.exit() != 0) {
        assertThat(configure.err()).as(k.name()).contains(k.message());
        assertThat(install.err()).as(k.name()).contains(k.message());
        // status only for files that fail to load: a good one would probe the node's ports
        assertThat(MainTest.run("status", "-c", f.toString()).code())
            .as(k.name())
            .isEqualTo(k.exit());
        assertThat(root.resolve("www")).as(k.name() + ": nothing changed").doesNotExist();
      } else if (!k.message().isEmpty()) {
        assertThat(configure.out()).as(k.name()).contains("[WARN] ").contains(k.message());
        assertThat(install.err()).as(k.name()).contains("warning: ").contains(k.message());
        assertThat(MainTest.run("status", "--strict", "-c", f.toString()).code())
            .as(k.name() + " is refused under --strict")
            .isEqualTo(29);
      }
    }
    assertThat(n).isGreaterThanOrEqualTo(30);
  }
}
