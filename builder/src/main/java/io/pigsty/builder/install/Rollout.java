package io.pigsty.builder.install;

import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.CommandRunner;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.ssh.SshException;
import io.pigsty.builder.ssh.SshNode;
import io.pigsty.builder.ssh.SshNodes;
import io.pigsty.repo.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Installs the inventory's other nodes from the admin node, over SSH ({@link SshNodes}), all at
 * once: on each it puts the Java runtime ({@code /opt/pigsty/jre}, sent again only when its content
 * hash changed), {@code pigsty.jar}, {@code pigsty.yml} (0600) and the bundle key, then runs {@code
 * pigsty install --node IP} there ({@link NodeInstaller}), which takes every package from the admin
 * node's repository over HTTP. A node that fails (unreachable, host key changed, a step) is
 * reported with its reason; the others go on.
 */
public final class Rollout {
  /** Where the runtime and the jar go on a node. */
  public static final String OPT = "/opt/pigsty";

  /** Where pigsty.yml and the bundle key go on a node. */
  public static final String ETC = "/etc/pigsty";

  private static final Pattern CHANGES = Pattern.compile("(?m)^changes: ([0-9]+)$");

  /**
   * What one node's install did.
   *
   * @param host the node
   * @param exit 0 when it went through; else the exit code of its install, or 35 when it could not
   *     be reached
   * @param changes the changes it made (-1 when unknown)
   * @param output its install's output, or the reason it could not be run
   */
  public record NodeResult(String host, int exit, int changes, String output) {
    /**
     * @return whether the node went through
     */
    public boolean ok() {
      return exit == 0;
    }
  }

  private final Inventory inv;
  private final SshNodes ssh;
  private final Path jre;
  private final Path jar;
  private final Path key;
  private final CommandRunner local;

  /**
   * @param inv the inventory (its file is sent as pigsty.yml)
   * @param ssh how to reach the nodes
   * @param jre the Java runtime to send (the release's jlinked {@code jre/})
   * @param jar the pigsty.jar to send
   * @param key the bundle key ({@code /www/pigsty/pigsty.gpg})
   * @param local runs {@code tar} on this node
   */
  public Rollout(Inventory inv, SshNodes ssh, Path jre, Path jar, Path key, CommandRunner local) {
    this.inv = inv;
    this.ssh = ssh;
    this.jre = jre;
    this.jar = jar;
    this.key = key;
    this.local = local;
  }

  /**
   * Checks what {@link #run} sends: the jar, the bundle key and a Java runtime.
   *
   * @throws InstallException naming what is missing
   */
  public void check() throws InstallException {
    for (Path p : List.of(jar, key)) {
      if (!Files.isRegularFile(p)) {
        throw new InstallException("cannot install other nodes: " + p + " is missing");
      }
    }
    if (!Files.isExecutable(jre.resolve("bin/java"))) {
      throw new InstallException(
          "cannot install other nodes: no Java runtime at "
              + jre
              + " (run the release's Makefile: it ships jre/ beside pigsty.jar)");
    }
  }

  /**
   * Installs the given nodes in parallel.
   *
   * @param hosts nodes of the inventory, not the admin node
   * @param dryRun run {@code install --node IP --dry-run} there instead (prints the plan)
   * @return one result per host, in the given order
   * @throws InstallException when the runtime, jar or key to send are missing
   */
  public List<NodeResult> run(List<String> hosts, boolean dryRun) throws InstallException {
    check();
    if (!dryRun) {
      String unserved = awaitRepo(NodeInstaller.repoUrl(inv).resolve("InRelease"), 10);
      if (unserved != null) {
        return hosts.stream().map(h -> new NodeResult(h, 41, -1, unserved)).toList();
      }
    }
    String jreHash = treeHash(jre);
    // packed once, by the first node that lacks this runtime (a second install sends none)
    Packed packed = new Packed();
    try {
      return onEach(
          hosts,
          h -> one(h, jreHash, packed, dryRun),
          (h, e) -> new NodeResult(h, 41, -1, e.toString()));
    } finally {
      packed.delete();
    }
  }

  /**
   * The runtime as one uncompressed tar (on a LAN, gzip costs more CPU than it saves), on demand.
   */
  private final class Packed {
    private Path tar;

    synchronized Path path() throws InstallException {
      if (tar != null) {
        return tar;
      }
      Path t;
      try {
        t = Files.createTempFile("pigsty-jre-", ".tar");
      } catch (IOException e) {
        throw new InstallException(
            "cannot create a temp file for the runtime: " + e.getMessage(), e);
      }
      try {
        local.check(
            Command.of(
                Duration.ofMinutes(5),
                "tar",
                "-C",
                jre.getParent().toString(),
                "-cf",
                t.toString(),
                jre.getFileName().toString()));
      } catch (CommandException e) {
        deleteQuietly(t);
        throw new InstallException("packing " + jre + ": " + e.getMessage(), e);
      }
      tar = t;
      return tar;
    }

    synchronized void delete() {
      if (tar != null) {
        deleteQuietly(tar);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a temp file
    }
  }

  /**
   * Waits until the admin node's repository answers, as the nodes' apt will ask it (nginx reloads
   * its site in the background).
   *
   * @param inRelease the repository's InRelease
   * @param seconds how long to try, once a second
   * @return null once it answers 200, else what it answered last
   */
  static String awaitRepo(URI inRelease, int seconds) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    String last = "no answer";
    try {
      for (int i = 0; i < seconds; i++) {
        try {
          HttpResponse<Void> r =
              http.send(
                  HttpRequest.newBuilder(inRelease)
                      .method("HEAD", HttpRequest.BodyPublishers.noBody())
                      .timeout(Duration.ofSeconds(3))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            return null;
          }
          last = "HTTP " + r.statusCode();
        } catch (IOException e) {
          last = e.toString();
        }
        Thread.sleep(1000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
    return "the admin node's repository does not serve "
        + inRelease
        + " ("
        + last
        + " after "
        + seconds
        + " s): the nodes cannot install from it (nginx: /etc/nginx/conf.d/pigsty.conf)";
  }

  private NodeResult one(String host, String jreHash, Packed packed, boolean dryRun) {
    try (SshNode n = ssh.connect(host)) {
      n.check(Command.of(Duration.ofSeconds(30), "mkdir", "-p", "-m", "0755", OPT, ETC));
      String have =
          n.run(
                  Command.of(
                      Duration.ofSeconds(30),
                      "sh",
                      "-c",
                      "cat "
                          + OPT
                          + "/jre.sha256 2>/dev/null; sha256sum "
                          + OPT
                          + "/pigsty.jar "
                          + ETC
                          + "/pigsty.yml "
                          + ETC
                          + "/pigsty.gpg 2>/dev/null; true"))
              .out();
      if (!have.lines().findFirst().orElse("").equals(jreHash)) {
        n.upload(packed.path(), OPT + "/jre.tar", "0600");
        n.check(
            Command.of(
                Duration.ofMinutes(5),
                "sh",
                "-c",
                "set -e; cd "
                    + OPT
                    + "; rm -rf jre.new; mkdir jre.new; tar -xf jre.tar -C jre.new;"
                    + " rm -rf jre; mv jre.new/* jre; rmdir jre.new; rm -f jre.tar;"
                    + " echo "
                    + jreHash
                    + " > jre.sha256"));
      }
      sync(n, have, jar, OPT + "/pigsty.jar", "0644");
      sync(n, have, inv.file(), ETC + "/pigsty.yml", "0600");
      sync(n, have, key, ETC + "/pigsty.gpg", "0644");
      List<String> argv = new ArrayList<>(nodeCommand("install", host));
      if (dryRun) {
        argv.add("--dry-run");
      }
      CommandResult r = n.run(new Command(argv, Map.of(), null, Duration.ofMinutes(30)));
      String output = r.out() + (r.err().isBlank() ? "" : r.err());
      Matcher m = CHANGES.matcher(r.out());
      int changes = m.find() ? Integer.parseInt(m.group(1)) : -1;
      return new NodeResult(host, r.exit(), changes, output);
    } catch (SshException e) {
      return new NodeResult(host, SshException.EXIT_CODE, -1, e.getMessage());
    } catch (CommandException | InstallException e) {
      return new NodeResult(host, 41, -1, e.getMessage());
    }
  }

  /**
   * The command the admin node runs on another node: {@code pigsty COMMAND --node HOST -c
   * /etc/pigsty/pigsty.yml} with the runtime and the jar this class puts in {@link #OPT}.
   *
   * @param command {@code install} or {@code status}
   * @param host the node's address, as the inventory lists it
   * @return argv
   */
  public static List<String> nodeCommand(String command, String host) {
    return List.of(
        OPT + "/jre/bin/java",
        "-jar",
        OPT + "/pigsty.jar",
        command,
        "--node",
        host,
        "-c",
        ETC + "/pigsty.yml");
  }

  /** Work on one node; its failures are part of its result. */
  @FunctionalInterface
  interface NodeTask<R> {
    R run(String host) throws Exception;
  }

  /**
   * Runs a task for every host at once (at most 8 at a time) and waits for all of them.
   *
   * @param hosts the nodes
   * @param task what to do on one node
   * @param failed the result of a node whose task threw (a bug, or the pool interrupted)
   * @return one result per host, in the given order
   */
  static <R> List<R> onEach(
      List<String> hosts, NodeTask<R> task, BiFunction<String, Throwable, R> failed) {
    if (hosts.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(hosts.size(), 8));
    try {
      Map<String, Future<R>> futures = new LinkedHashMap<>();
      for (String h : hosts) {
        futures.put(h, pool.submit(() -> task.run(h)));
      }
      List<R> out = new ArrayList<>();
      for (Map.Entry<String, Future<R>> f : futures.entrySet()) {
        try {
          out.add(f.getValue().get());
        } catch (ExecutionException e) {
          out.add(failed.apply(f.getKey(), e.getCause() != null ? e.getCause() : e));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          out.add(failed.apply(f.getKey(), e));
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Uploads a file when the node's copy has another SHA256 (per {@code sha256sum} lines). */
  private static void sync(SshNode n, String have, Path file, String remote, String mode)
      throws SshException {
    String want = sha256(file);
    if (!have.contains(want + "  " + remote)) {
      n.upload(file, remote, mode);
    }
  }

  static String sha256(Path file) throws SshException {
    try {
      return Digests.sha256Hex(file);
    } catch (IOException e) {
      throw new SshException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * A hash of a directory tree: every entry's relative path, type, executable bit and content (or
   * link target), in sorted order; the same tree gives the same hash wherever it was unpacked.
   *
   * @return lower-case hex SHA-256
   * @throws InstallException when the tree cannot be read
   */
  static String treeHash(Path dir) throws InstallException {
    try (Stream<Path> s = Files.walk(dir)) {
      MessageDigest d = Digests.sha256();
      for (Path p : s.sorted().toList()) {
        String rel = dir.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          d.update(
              ("L " + rel + " -> " + Files.readSymbolicLink(p) + "\n")
                  .getBytes(StandardCharsets.UTF_8));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          d.update(("D " + rel + "\n").getBytes(StandardCharsets.UTF_8));
        } else {
          d.update(
              ("F " + rel + (Files.isExecutable(p) ? " x " : " - ") + Files.size(p) + "\n")
                  .getBytes(StandardCharsets.UTF_8));
          try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
              d.update(buf, 0, r);
            }
          }
        }
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw new InstallException("cannot read the runtime " + dir + ": " + e.getMessage(), e);
    }
  }
}
