package io.pigsty.builder.install;

import com.fasterxml.jackson.databind.JsonNode;
import io.pigsty.builder.bundle.Manifest;
import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.CommandRunner;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.PgMajorException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Does the admin node's local repository carry the PostgreSQL major of every cluster ({@code
 * pg_version})? Checked by {@code install} before anything changes, so a pigsty.yml edited after
 * {@code ./configure} fails at once, not late with apt's {@code Unable to locate package
 * postgresql-N}. It reads the manifest configure extracted with the bundle ({@code
 * <repo_dir>/manifest.json}, its {@code pg_major}, {@link Manifest#pgMajors}); a repository without
 * one (made by hand) is asked through apt: {@code apt-cache show postgresql-N}.
 */
public final class RepoMajors {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private RepoMajors() {}

  /**
   * @param inv the inventory to install
   * @param files the admin node's files
   * @param runner runs {@code apt-cache} there, only when the repository has no manifest
   * @throws PgMajorException naming the file, line, key and value of every cluster whose {@code
   *     pg_version} the repository does not carry, and what it carries
   * @throws InstallException when the manifest cannot be parsed or apt-cache cannot run
   */
  public static void check(Inventory inv, NodeFiles files, CommandRunner runner)
      throws PgMajorException, InstallException {
    Path manifest = Path.of(inv.vars().repoDir(), Manifest.FILE);
    Optional<NodeFiles.State> m = files.read(manifest);
    List<Integer> majors = List.of();
    if (m.isPresent()) {
      JsonNode json;
      try {
        json = Manifest.JSON.readTree(m.get().content());
      } catch (IOException e) {
        throw new InstallException(
            manifest + ": not JSON (" + e.getMessage() + "); run ./configure again", e);
      }
      majors = Manifest.pgMajors(json);
    }
    if (!majors.isEmpty()) {
      PgMajorException.check(
          inv,
          majors,
          manifest.toString(),
          v -> "; apt-get would fail: Unable to locate package postgresql-" + v);
      return;
    }
    // no manifest: ask apt, which reads the local source configure wrote
    List<String> wrong = new ArrayList<>();
    for (Inventory.PgCluster c : inv.clusters()) {
      String pkg = "postgresql-" + c.pgVersion();
      CommandResult r;
      try {
        r = runner.run(Command.of(TIMEOUT, "apt-cache", "show", "--no-all-versions", pkg));
      } catch (CommandException e) {
        throw new InstallException("apt-cache show " + pkg + ": " + e.getMessage(), e);
      }
      if (!r.ok()) {
        wrong.add(
            c.pgVersionAt()
                + ": "
                + c.pgVersion()
                + ", but apt knows no "
                + pkg
                + " (no "
                + manifest
                + "; apt-cache show exited "
                + r.exit()
                + ")");
      }
    }
    if (!wrong.isEmpty()) {
      throw new PgMajorException(
          String.join("\n", wrong)
              + "\nset pg_version to the major of the local repository's bundle, or run"
              + " ./configure with a bundle built for it");
    }
  }
}
