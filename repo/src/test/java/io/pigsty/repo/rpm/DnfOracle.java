package io.pigsty.repo.rpm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Debian's dnf against local fixture repositories, into an empty installroot with no other
 * repository, and reads the transaction it would perform ({@code install --assumeno}).
 */
final class DnfOracle {

  /**
   * What dnf decided.
   *
   * @param resolved true when dnf printed "Dependencies resolved."
   * @param install {@code name.arch} of every package in the transaction
   * @param nevras {@code name-version.arch} strings, for messages
   * @param nothingProvides requirements dnf reported as "nothing provides X"
   * @param output the full output
   */
  record Result(
      boolean resolved,
      Set<String> install,
      List<String> nevras,
      Set<String> nothingProvides,
      String output) {}

  private static final Pattern NOTHING =
      Pattern.compile("nothing provides (\\S+(?: [<>=]+ \\S+)?) needed by");

  private final Path work;
  private final Map<String, Path> repos;
  private final String arch;

  DnfOracle(Path work, Map<String, Path> repos, String arch) {
    this.work = work;
    this.repos = repos;
    this.arch = arch;
  }

  static boolean present() {
    try {
      Process p = new ProcessBuilder("dnf", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  Result install(List<String> packages, boolean weakDeps) throws IOException, InterruptedException {
    Path root = Files.createTempDirectory(work, "root");
    Path reposd = Files.createDirectories(work.resolve("empty-reposdir"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "dnf",
                "--installroot=" + root,
                "--setopt=reposdir=" + reposd,
                "--setopt=cachedir=" + work.resolve("cache"),
                "--setopt=install_weak_deps=" + (weakDeps ? "True" : "False"),
                "--setopt=tsflags=nodocs",
                "--releasever=9",
                "--forcearch=" + arch,
                "--nogpgcheck",
                "--disablerepo=*"));
    for (Map.Entry<String, Path> e : repos.entrySet()) {
      cmd.add("--repofrompath=" + e.getKey() + ",file://" + e.getValue().toAbsolutePath());
      cmd.add("--enablerepo=" + e.getKey());
    }
    cmd.add("install");
    cmd.add("--assumeno");
    cmd.addAll(packages);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("COLUMNS", "250");
    pb.environment().put("LC_ALL", "C.UTF-8");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("dnf timed out: " + cmd);
    }
    boolean resolved = out.contains("Dependencies resolved.");
    Set<String> install = new LinkedHashSet<>();
    List<String> nevras = new ArrayList<>();
    boolean inTable = false;
    String pending = null;
    for (String line : out.split("\n")) {
      if (line.startsWith("Installing") && line.endsWith(":")) {
        inTable = true;
        continue;
      }
      if (line.startsWith("Transaction Summary")
          || line.startsWith("=====") && inTable && !install.isEmpty()) {
        inTable = false;
      }
      if (!inTable || !line.startsWith(" ")) {
        continue;
      }
      String[] t = line.trim().split("\\s+");
      if (t.length == 1) {
        pending = t[0];
        continue;
      }
      if (pending != null) {
        String[] u = new String[t.length + 1];
        u[0] = pending;
        System.arraycopy(t, 0, u, 1, t.length);
        t = u;
        pending = null;
      }
      if (t.length >= 4) {
        install.add(t[0] + "." + t[1]);
        nevras.add(t[0] + "-" + t[2] + "." + t[1]);
      }
    }
    Set<String> nothing = new LinkedHashSet<>();
    Matcher m = NOTHING.matcher(out);
    while (m.find()) {
      nothing.add(m.group(1));
    }
    return new Result(resolved, install, nevras, nothing, out);
  }
}
