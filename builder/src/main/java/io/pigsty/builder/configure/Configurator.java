package io.pigsty.builder.configure;

import com.fasterxml.jackson.databind.JsonNode;
import io.pigsty.builder.bundle.Manifest;
import io.pigsty.builder.definition.ExtensionCatalog;
import io.pigsty.builder.definition.OsTable;
import io.pigsty.builder.exec.ProcessRunner;
import io.pigsty.builder.files.FileErrors;
import io.pigsty.builder.inventory.Inventory;
import io.pigsty.builder.inventory.InventoryException;
import io.pigsty.builder.inventory.InventoryLoader;
import io.pigsty.builder.inventory.InventoryTree;
import io.pigsty.builder.inventory.PgMajorException;
import io.pigsty.builder.ssh.AdminKey;
import io.pigsty.builder.ssh.SshException;
import io.pigsty.builder.ssh.SshNode;
import io.pigsty.builder.ssh.SshNodes;
import io.pigsty.builder.verify.BundleVerifier;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.deb.PackageIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The on-box configurator (Pigsty's ./configure): checks the node, picks and renders the template
 * into {@code pigsty.yml}, copies the offline bundle to a private directory ({@link
 * IncomingBundle}), verifies that copy and requires its signer to be a pinned key ({@link
 * KeyPins}), checks it against the node, then extracts the same copy to {@code /www/pigsty} and
 * points apt at it. Nothing on the node is changed before every check, the bundle verification and
 * the preflight have passed (the private copy is removed whatever happens).
 */
public final class Configurator {
  /**
   * OS releases this configurator supports, as {@code ID VERSION_ID} of os-release(5): those with a
   * row in the node OS table ({@code bundles/os.yml}, {@link OsTable#bundled()}), which the
   * installer needs for its package names, units and paths.
   */
  public static final List<String> SUPPORTED = OsTable.bundled().releases();

  /** Below this much memory (bytes) a warning is printed: 1 GiB. */
  public static final long MIN_MEMORY = 1L << 30;

  /** Disk headroom (bytes) required besides the bundle's size: 64 MiB. */
  public static final long DISK_HEADROOM = 64L << 20;

  /**
   * The sandbox convention's address, preferred when the node has several (Pigsty's sandbox
   * convention).
   */
  public static final String SANDBOX_IP = "10.10.10.10";

  /** Where check lines go, and how a question is asked. */
  public interface Console {
    /** Prints one line. */
    void line(String text);

    /**
     * Asks a question on the terminal.
     *
     * @return the answer, or {@code null} when there is no terminal
     */
    String ask(String prompt);
  }

  /**
   * What the user asked for.
   *
   * @param mode template name ({@code -m}), or null to choose by node size
   * @param ip primary address ({@code -i}), or null to detect
   * @param bundle the offline bundle ({@code -p})
   * @param nonInteractive never ask ({@code -n})
   * @param output where pigsty.yml is written ({@code -o})
   * @param generatePasswords replace default passwords ({@code -g})
   * @param inventory an existing pigsty.yml to use instead of a template ({@code -c}), or null
   * @param skipApt do not run apt-get update (tests)
   * @param strict unknown keys of {@code -c}'s (or a kept) pigsty.yml are errors, not warnings
   * @param force replace an existing {@code output} with the template ({@code --force}), backing it
   *     up first; without it an existing {@code output} is kept, checked and used
   * @param keys the keys the bundle must be signed by ({@code --key}, the release's {@code
   *     bundle-keys.txt} or {@link KeyPins#anyKey()}); null when none is pinned, which refuses
   *     every bundle
   * @param pgVersion the PostgreSQL major to render as {@code pg_version} ({@code -v}), one the
   *     bundle carries; null for the bundle's {@code pg_major}
   */
  public record Options(
      String mode,
      String ip,
      Path bundle,
      boolean nonInteractive,
      Path output,
      boolean generatePasswords,
      Path inventory,
      boolean skipApt,
      boolean strict,
      boolean force,
      KeyPins keys,
      Integer pgVersion) {}

  /** What was done: the template, the address, the inventory file, the repository. */
  public record Outcome(
      String template, String ip, Path inventory, Path repo, Map<String, String> passwords) {}

  /** os-release fields (os-release(5)). */
  public record OsRelease(String id, String versionId, String codename) {}

  private final NodeFacts node;
  private final Console console;

  private boolean sshCheck = true;

  /** Runs once the bundle is copied, before it is verified (tests change the original there). */
  Runnable afterBundleCopied = () -> {};

  /**
   * @param node the node's facts
   * @param console where check lines go
   */
  public Configurator(NodeFacts node, Console console) {
    this.node = node;
    this.console = console;
  }

  /**
   * @param on whether to check SSH to the inventory's other nodes (default on; {@code
   *     --no-ssh-check} turns it off, and {@code make install} checks again)
   * @return this configurator
   */
  public Configurator sshCheck(boolean on) {
    this.sshCheck = on;
    return this;
  }

  private void ok(String key, String value) {
    console.line("[ OK ] " + key + " = " + value);
  }

  private void warn(String text) {
    console.line("[WARN] " + text);
  }

  private NodeException fail(NodeException.Kind kind, String text) {
    console.line("[FAIL] " + text);
    return new NodeException(kind, text);
  }

  private NodeException fail(NodeException e) {
    console.line("[FAIL] " + e.getMessage());
    return e;
  }

  /**
   * Runs every step.
   *
   * @param o the options
   * @return what was done
   * @throws InventoryException when {@code -c}'s pigsty.yml is bad (before anything is changed)
   * @throws PgMajorException when {@code -v}, or the {@code pg_version} of {@code -c}'s (or a kept)
   *     pigsty.yml, is a PostgreSQL major the bundle does not carry (before anything is changed)
   * @throws NodeException the first failed step, with its kind; the node is unchanged unless the
   *     failure is in extraction's rename or in {@code apt-get update}
   */
  public Outcome run(Options o) throws NodeException, InventoryException, PgMajorException {
    String debArch = checkPlatform();
    OsRelease os = checkOsRelease();
    checkPackageManager();
    checkPrivileges();
    checkSize(o);
    String ip = chooseIp(o.ip(), o.nonInteractive());

    Templates.Rendered rendered = null;
    Inventory asked = null; // the kept pigsty.yml; a template's once rendered
    String template = null;
    InventoryTree bound = null;
    // an existing pigsty.yml holds the user's edits and passwords: kept unless --force
    Path kept =
        o.inventory() != null
            ? o.inventory()
            : !o.force() && Files.exists(o.output(), LinkOption.NOFOLLOW_LINKS)
                ? o.output().toAbsolutePath()
                : null;
    if (kept != null) {
      Inventory inv;
      try {
        inv = InventoryLoader.load(kept, o.strict());
      } catch (InventoryException e) {
        console.line("[FAIL] config = " + e.getMessage());
        if (o.inventory() == null) {
          console.line(
              "       fix "
                  + kept
                  + ", or replace it with the template: ./configure --force (it is backed up)");
        }
        throw e;
      }
      inv.warnings().forEach(this::warn);
      asked = inv;
      rendered = new Templates.Rendered("(from " + kept + ")", null, Map.of());
      if (!inv.metaHosts().contains(ip)) {
        warn(kept + ": the meta group does not list this node's address " + ip);
      }
      if (o.inventory() != null) {
        ok("config", kept + " (given with -c)");
        if (o.pgVersion() != null) {
          warn("-v " + o.pgVersion() + " not applied: " + kept + " (-c) says pg_version itself");
        }
      } else {
        ok("config", kept + " (kept; --force to replace)");
        List<String> ignored = new ArrayList<>();
        if (o.mode() != null) {
          ignored.add("-m " + o.mode());
        }
        if (o.generatePasswords()) {
          ignored.add("-g");
        }
        if (o.pgVersion() != null) {
          ignored.add("-v " + o.pgVersion());
        }
        if (!ignored.isEmpty()) {
          warn(
              String.join(" and ", ignored)
                  + " not applied: "
                  + kept
                  + " is kept as it is (--force replaces it with the template)");
        }
      }
    } else {
      try {
        template = Templates.choose(o.mode(), node.cpus(), node.memoryBytes());
        // pg_version is the bundle's: rendered once the bundle is verified
        bound = Templates.bind(Templates.load(template), ip);
      } catch (NodeException e) {
        throw fail(e);
      }
      ok(
          "template",
          template
              + (o.mode() != null
                  ? " (-m)"
                  : " (by size: " + node.cpus() + " CPUs, " + gib(node.memoryBytes()) + ")"));
    }

    if (o.keys() == null) {
      throw fail(
          NodeException.Kind.BUNDLE_UNTRUSTED,
          "bundle: no key is pinned: give --key FPR|FILE, or run the release's ./configure (its "
              + "bundle-keys.txt pins the release key); --insecure-any-key accepts any key");
    }
    // from here on only the private copy is read: what is verified is what is installed
    Path out;
    Path repo;
    try (IncomingBundle in = copyBundle(o.bundle())) {
      afterBundleCopied.run();
      JsonNode manifest = verifyBundle(in, os, debArch, o.keys());
      List<Integer> majors = pgMajors(in, manifest);
      if (kept == null) {
        int major = chooseMajor(o.pgVersion(), majors, in);
        rendered = Templates.finish(template, bound, major, o.generatePasswords());
        asked =
            InventoryLoader.parse(
                rendered.inventory().toYaml(), o.output().toAbsolutePath(), false);
      }
      preflight(
          in, manifest, debArch, asked, ExtensionCatalog.osCode(os.id(), os.versionId()), majors);

      // every check passed: now change things
      out = kept != null ? kept : writeInventory(rendered.inventory(), o.output());
      try {
        repo = LocalRepo.extract(in.path(), node.root().resolve("www"));
      } catch (NodeException e) {
        throw fail(new NodeException(e.kind(), in.shown(e.getMessage()), e));
      }
    }
    ok("repo", "/www/" + LocalRepo.ROOT + " (files 0644, directories 0755)");
    try {
      LocalRepo.writeSources(node.root());
      ok("apt source", "/" + LocalRepo.SOURCES + " (Signed-By: /www/pigsty/pigsty.gpg)");
      if (!node.hasDefaultRoute()) {
        if (o.nonInteractive()) {
          List<Path> moved = LocalRepo.moveOtherSourcesAside(node.root());
          if (!moved.isEmpty()) {
            warn(
                "offline node: moved "
                    + moved.size()
                    + " other apt source(s) to /"
                    + LocalRepo.BACKUP
                    + " (move them back to restore)");
          }
        } else {
          warn(
              "offline node: other apt sources are left in place (-n moves them to /"
                  + LocalRepo.BACKUP
                  + ")");
        }
      }
    } catch (IOException e) {
      throw fail(
          NodeException.Kind.APT,
          "writing apt sources under "
              + node.root().resolve("etc/apt")
              + " failed: "
              + FileErrors.describe(e));
    }
    if (o.skipApt()) {
      warn("apt-get update skipped (--skip-apt)");
    } else {
      int rc;
      try {
        rc = node.run(List.of("apt-get", "update"));
      } catch (IOException e) {
        throw fail(NodeException.Kind.APT, "apt-get update could not start: " + e.getMessage());
      }
      if (rc != 0) {
        throw fail(NodeException.Kind.APT, "apt-get update exited with " + rc);
      }
      ok("apt-get update", "done");
      // Pigsty's configure ends by installing utilities from the local repo; 'make install' needs
      // make
      if (!node.hasCommand("make")) {
        try {
          rc =
              node.run(
                  List.of(
                      "env",
                      "DEBIAN_FRONTEND=noninteractive",
                      "apt-get",
                      "install",
                      "-y",
                      "--no-install-recommends",
                      "make"));
        } catch (IOException e) {
          throw fail(
              NodeException.Kind.APT, "apt-get install make could not start: " + e.getMessage());
        }
        if (rc != 0) {
          throw fail(
              NodeException.Kind.APT,
              "apt-get install make (from the local repo) exited with " + rc);
        }
        ok("utilities", "make installed from the local repo");
      }
    }
    if (!rendered.passwords().isEmpty()) {
      console.line("generated passwords (shown once; they are in " + out + "):");
      rendered.passwords().forEach((k, v) -> console.line("  " + k + " = " + v));
    }
    if (kept == null && !o.generatePasswords()) {
      warn(
          "DEFAULT PASSWORDS: "
              + out
              + " has the template's published default passwords (DBUser.Meta, DBUser.DBA, ...),"
              + " known to anyone who has read Pigsty's docs; ./configure -g --force generates"
              + " random ones (or change them in the file before make install)");
    }
    checkSsh(out, ip, o.strict());
    console.line("configure done, run 'make install'");
    return new Outcome(rendered.template(), ip, out, repo, rendered.passwords());
  }

  /** Kernel and machine; @return the dpkg architecture */
  String checkPlatform() throws NodeException {
    String kernel = node.kernel();
    if (!"Linux".equals(kernel)) {
      throw fail(NodeException.Kind.NOT_LINUX, "kernel = " + kernel + ": only Linux is supported");
    }
    ok("kernel", kernel);
    String m = node.machine();
    String arch =
        switch (m == null ? "" : m) {
          case "x86_64" -> "amd64";
          case "aarch64" -> "arm64";
          default -> null;
        };
    if (arch == null) {
      throw fail(
          NodeException.Kind.UNSUPPORTED_ARCH,
          "machine = " + m + ": only x86_64 and aarch64 are supported");
    }
    ok("machine", m + " (" + arch + ")");
    return arch;
  }

  OsRelease checkOsRelease() throws NodeException {
    Path f = node.root().resolve("etc/os-release");
    Map<String, String> kv = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0 && !line.startsWith("#")) {
          String v = line.substring(eq + 1).trim();
          if (v.length() >= 2
              && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            v = v.substring(1, v.length() - 1);
          }
          kv.put(line.substring(0, eq).trim(), v);
        }
      }
    } catch (IOException e) {
      throw fail(
          NodeException.Kind.UNSUPPORTED_OS,
          "/etc/os-release: cannot read (" + FileErrors.describe(e) + ")");
    }
    OsRelease os =
        new OsRelease(
            kv.getOrDefault("ID", ""),
            kv.getOrDefault("VERSION_ID", ""),
            kv.getOrDefault("VERSION_CODENAME", ""));
    if (!SUPPORTED.contains(os.id() + " " + os.versionId())) {
      throw fail(
          NodeException.Kind.UNSUPPORTED_OS,
          "os = "
              + os.id()
              + " "
              + os.versionId()
              + ": not supported; expected one of "
              + String.join(", ", SUPPORTED)
              + " (the releases of the node OS table, bundles/os.yml)");
    }
    ok(
        "os",
        os.id()
            + " "
            + os.versionId()
            + (os.codename().isEmpty() ? "" : " (" + os.codename() + ")"));
    return os;
  }

  void checkPackageManager() throws NodeException {
    for (String c : List.of("dpkg", "apt-get")) {
      if (!node.hasCommand(c)) {
        throw fail(
            NodeException.Kind.NO_PACKAGE_MANAGER, "package manager: " + c + " not found on PATH");
      }
    }
    ok("package manager", "dpkg/apt");
  }

  void checkPrivileges() throws NodeException {
    if (node.isRoot()) {
      ok("user", "root");
    } else if (node.passwordlessSudo()) {
      ok("sudo", "passwordless");
    } else {
      throw fail(
          NodeException.Kind.NO_ROOT,
          "not root and 'sudo -n true' fails: run as root, or grant " + "passwordless sudo");
    }
  }

  void checkSize(Options o) throws NodeException {
    ok("cpus", String.valueOf(node.cpus()));
    long mem = node.memoryBytes();
    if (mem >= 0 && mem < MIN_MEMORY) {
      warn("memory = " + gib(mem) + ": below 1 GiB, PostgreSQL may not start");
    } else {
      ok("memory", gib(mem));
    }
    Path www = node.root().resolve("www");
    long free;
    try {
      free = node.freeBytes(www);
    } catch (IOException e) {
      throw fail(NodeException.Kind.NO_SPACE, "disk: " + FileErrors.describe(e));
    }
    long need = DISK_HEADROOM;
    try {
      need += 2 * Files.size(o.bundle()); // its private copy and the repository
    } catch (IOException e) {
      // a missing bundle is reported when it is verified
    }
    if (free < need) {
      throw fail(
          NodeException.Kind.NO_SPACE,
          "disk: "
              + gib(free)
              + " free under /www, need "
              + gib(need)
              + " for the bundle's copy and repository");
    }
    ok("disk", gib(free) + " free under /www");
  }

  /**
   * Picks the primary address (Pigsty's configure, primary IP step).
   *
   * @param requested {@code -i}, or null
   * @param nonInteractive whether asking is forbidden
   * @return the address
   * @throws NodeException IP when {@code -i} is not an address of the node, or several candidates
   *     remain under {@code -n} (or without a terminal)
   */
  String chooseIp(String requested, boolean nonInteractive) throws NodeException {
    List<String> ips = new ArrayList<>();
    node.addresses().forEach(a -> ips.add(a.ip()));
    if (requested != null) {
      if (!ips.contains(requested)) {
        throw fail(
            NodeException.Kind.IP,
            "ip = "
                + requested
                + ": not an address of this node (it has "
                + (ips.isEmpty() ? "none" : String.join(", ", ips))
                + ")");
      }
      ok("ip", requested + " (-i)");
      return requested;
    }
    if (ips.size() == 1) {
      ok("ip", ips.get(0) + " (the only address)");
      return ips.get(0);
    }
    if (ips.contains(SANDBOX_IP)) {
      ok("ip", SANDBOX_IP + " (sandbox convention)");
      return SANDBOX_IP;
    }
    if (ips.isEmpty()) {
      throw fail(NodeException.Kind.IP, "ip: the node has no non-loopback IPv4 address");
    }
    if (!nonInteractive) {
      String answer = console.ask("[ IN ] primary IP, one of " + String.join(", ", ips) + ": ");
      if (answer != null && ips.contains(answer.trim())) {
        ok("ip", answer.trim() + " (asked)");
        return answer.trim();
      }
      if (answer != null) {
        throw fail(
            NodeException.Kind.IP,
            "ip = "
                + answer.trim()
                + ": not an address of this node (it has "
                + String.join(", ", ips)
                + ")");
      }
    }
    throw fail(
        NodeException.Kind.IP,
        "ip: several candidates (" + String.join(", ", ips) + "); pick one with -i");
  }

  /**
   * Pigsty's SSH check, for an inventory with other nodes than this one: makes the admin key
   * ({@link AdminKey}) when absent and logs in to every other node with it, pinning each host key
   * on first contact in {@code known_hosts} beside pigsty.yml ({@link SshNodes}). This node
   * installs itself locally, without SSH, so it is not checked.
   *
   * @throws NodeException (exit 35) naming every node that cannot be reached, and why
   */
  private void checkSsh(Path inventory, String ip, boolean strict)
      throws NodeException, InventoryException {
    List<String> others =
        InventoryLoader.load(inventory, strict).nodes().stream()
            .filter(n -> !n.equals(ip))
            .toList();
    if (others.isEmpty()) {
      return;
    }
    if (!sshCheck) {
      warn("ssh to " + String.join(", ", others) + " not checked (--no-ssh-check)");
      return;
    }
    Path sshDir = node.root().resolve("root/.ssh");
    try {
      AdminKey.ensure(sshDir, new ProcessRunner()).forEach(d -> ok("admin key", d));
    } catch (SshException e) {
      throw fail(NodeException.Kind.SSH, e.getMessage());
    }
    SshNodes nodes =
        new SshNodes(
            "root",
            AdminKey.file(sshDir),
            inventory.toAbsolutePath().getParent().resolve("known_hosts"),
            22,
            java.time.Duration.ofSeconds(10));
    List<String> failed = new ArrayList<>();
    for (String host : others) {
      try (SshNode n = nodes.connect(host)) {
        ok(
            "ssh",
            "root@" + host + n.pinnedNow().map(p -> " (host key pinned: " + p + ")").orElse(""));
      } catch (SshException e) {
        console.line("[FAIL] ssh = " + e.getMessage());
        failed.add(host);
      }
    }
    if (!failed.isEmpty()) {
      throw fail(
          NodeException.Kind.SSH,
          "ssh: cannot log in to "
              + String.join(", ", failed)
              + " with the admin key: add "
              + sshDir.resolve("id_ed25519.pub")
              + " to /root/.ssh/authorized_keys there, then run ./configure again (pigsty.yml"
              + " and the repo are kept) or make install");
    }
  }

  /** Copies the bundle to a private directory ({@link IncomingBundle}). */
  private IncomingBundle copyBundle(Path bundle) throws NodeException {
    try {
      return IncomingBundle.copy(bundle, node.root());
    } catch (NodeException e) {
      throw fail(e);
    }
  }

  /**
   * Verifies the bundle's copy, its signer against the pinned keys, and its target.
   *
   * @return its manifest
   */
  JsonNode verifyBundle(IncomingBundle in, OsRelease os, String debArch, KeyPins keys)
      throws NodeException {
    Path tgz = in.original();
    BundleVerifier.Report r;
    try {
      // one pass: checksums, signature and unsafe entries
      r = BundleVerifier.verify(in.path(), null);
    } catch (IOException e) {
      throw fail(NodeException.Kind.BUNDLE_INVALID, in.shown("bundle: " + FileErrors.describe(e)));
    }
    if (!r.unsafe().isEmpty()) {
      throw fail(
          NodeException.Kind.UNSAFE_ENTRY,
          in.shown("bundle: " + String.join("; ", r.shownUnsafe(BundleVerifier.SHOWN_PROBLEMS))));
    }
    if (!r.ok()) {
      throw fail(
          NodeException.Kind.BUNDLE_INVALID,
          in.shown(
              "bundle: "
                  + r.problems().size()
                  + " problem(s): "
                  + String.join("; ", r.shown(BundleVerifier.SHOWN_PROBLEMS))));
    }
    String signers = String.join(", ", r.signers());
    if (keys.acceptsAny()) {
      warn(
          "bundle: signed by "
              + signers
              + ", a key that is not pinned ("
              + keys.source()
              + "): this proves the bundle intact, not who made it");
    } else if (r.signers().stream().noneMatch(keys.fingerprints()::contains)
        || r.manifestSigners().stream().noneMatch(keys.fingerprints()::contains)) {
      // the manifest (the bundle's target) must be signed by a pinned key too
      if (r.signers().stream().anyMatch(keys.fingerprints()::contains)) {
        signers = String.join(", ", r.manifestSigners()) + " (" + Manifest.SIGNATURE + ")";
      }
      throw fail(
          NodeException.Kind.BUNDLE_UNTRUSTED,
          "bundle: "
              + tgz
              + " is signed by "
              + signers
              + ", not by a pinned key ("
              + String.join(", ", keys.fingerprints().stream().sorted().toList())
              + " from "
              + keys.source()
              + ")");
    }
    ok(
        "bundle",
        String.format(
            Locale.ROOT,
            "%s (%d files, %.1f MB, SHA256 and InRelease signature by %s good%s)",
            tgz,
            r.files(),
            r.bytes() / 1e6,
            signers,
            keys.acceptsAny() ? "" : ", pinned by " + keys.source()));
    JsonNode t = r.manifest().path("target");
    String bos = t.path("os").asText();
    String brel = t.path("release").asText();
    String barch = t.path("arch").asText();
    if (!bos.equals(os.id()) || !brel.equals(os.versionId()) || !barch.equals(debArch)) {
      throw fail(
          NodeException.Kind.BUNDLE_TARGET,
          "bundle target = "
              + bos
              + " "
              + brel
              + " "
              + barch
              + ", but this node is "
              + os.id()
              + " "
              + os.versionId()
              + " "
              + debArch);
    }
    ok("bundle target", bos + " " + brel + " " + t.path("codename").asText() + " " + barch);
    return r.manifest();
  }

  /**
   * @return the PostgreSQL majors the bundle carries ({@link Manifest#pgMajors})
   * @throws NodeException BUNDLE_INVALID when its manifest names none
   */
  private List<Integer> pgMajors(IncomingBundle in, JsonNode manifest) throws NodeException {
    List<Integer> majors = Manifest.pgMajors(manifest);
    if (majors.isEmpty()) {
      throw fail(
          NodeException.Kind.BUNDLE_INVALID,
          "bundle: "
              + in.original()
              + ": "
              + Manifest.FILE
              + " names no definition.pg_major: no PostgreSQL major to install");
    }
    return majors;
  }

  /**
   * The PostgreSQL major a template is rendered with: {@code -v}, else the bundle's {@code
   * pg_major}.
   *
   * @throws PgMajorException when {@code -v} names a major the bundle does not carry
   */
  private int chooseMajor(Integer requested, List<Integer> majors, IncomingBundle in)
      throws PgMajorException {
    if (requested == null) {
      ok(
          "pg_version",
          majors.get(0)
              + " (the bundle's pg_major"
              + (majors.size() > 1 ? "; -v picks another of " + join(majors) : "")
              + ")");
      return majors.get(0);
    }
    if (!majors.contains(requested)) {
      String m =
          "pg_version = "
              + requested
              + " (-v): the bundle "
              + in.original()
              + " carries "
              + PgMajorException.carried(majors)
              + " ("
              + Manifest.FILE
              + "); give -v "
              + join(majors).replace(", ", " or -v ")
              + ", or use a bundle built for PostgreSQL "
              + requested;
      console.line("[FAIL] " + m);
      throw new PgMajorException(m);
    }
    ok("pg_version", requested + " (-v)");
    return requested;
  }

  private static String join(List<Integer> majors) {
    return String.join(", ", majors.stream().map(String::valueOf).toList());
  }

  /**
   * The packages that follow {@code pg_version}, for each cluster: the server, its client and the
   * packages of the extensions {@code pg_databases} creates (as {@code make install} asks apt).
   *
   * @param major only the clusters of this major, or null for all
   * @return package name to what asks for it, in inventory order
   */
  static Map<String, String> pgPackages(Inventory inv, String osCode, Integer major) {
    ExtensionCatalog catalog = ExtensionCatalog.bundled();
    Map<String, String> out = new LinkedHashMap<>();
    for (Inventory.PgCluster c : inv.clusters()) {
      int v = c.pgVersion();
      if (major != null && major != v) {
        continue;
      }
      String who = c.name() + ": pg_version " + v;
      out.putIfAbsent("postgresql-" + v, who);
      out.putIfAbsent("postgresql-client-" + v, who);
      for (Inventory.PgDatabase d : c.databases()) {
        for (Inventory.PgExtension e : d.extensions()) {
          catalog
              .providing(e.name(), osCode, v)
              .filter(x -> catalog.whyUnavailable(x, osCode, "deb", v).isEmpty())
              .ifPresent(
                  x ->
                      catalog
                          .packages(x, osCode, "deb", v)
                          .forEach(
                              p ->
                                  out.putIfAbsent(
                                      p, c.name() + ": " + d.name() + " extension " + e.name())));
        }
      }
    }
    return out;
  }

  /**
   * The preflight, before anything changes: every {@code pg_version} of the inventory must be a
   * major the bundle carries (else {@link PgMajorException}, naming the packages the bundle lacks);
   * the packages that follow it must be in the bundle or installed; the bundle's requested packages
   * must install over what dpkg has ({@link Preflight#check}).
   *
   * @param asked the inventory to be installed
   * @param osCode the node's OS code for the extension catalog
   * @param majors the PostgreSQL majors the bundle carries
   * @throws PgMajorException when a {@code pg_version} is not carried
   * @throws NodeException PREFLIGHT naming every conflict and every missing package
   */
  void preflight(
      IncomingBundle in,
      JsonNode manifest,
      String debArch,
      Inventory asked,
      String osCode,
      List<Integer> majors)
      throws NodeException, PgMajorException {
    byte[] packages;
    try {
      packages = LocalRepo.read(in.path(), "Packages");
    } catch (NodeException e) {
      throw fail(new NodeException(e.kind(), in.shown(e.getMessage()), e));
    }
    List<String> requested = new ArrayList<>();
    manifest
        .path("definition")
        .path("requested")
        .forEach(q -> requested.add(q.path("spec").asText()));
    Path statusFile = node.root().resolve("var/lib/dpkg/status");
    try {
      byte[] status = Files.exists(statusFile) ? Files.readAllBytes(statusFile) : new byte[0];
      PackageIndex installed = Preflight.installed(status, "/var/lib/dpkg/status", debArch);
      PackageIndex bundle = new PackageIndex(debArch);
      bundle.addPackagesFile(packages, in.original() + ":Packages");
      Map<String, String> pgPackages = pgPackages(asked, osCode, null);
      List<String> missing = Preflight.missing(pgPackages.keySet(), bundle, installed);
      try {
        PgMajorException.check(
            asked,
            majors,
            Manifest.FILE + " of " + in.original(),
            v -> {
              List<String> lacks =
                  pgPackages(asked, osCode, v).keySet().stream().filter(missing::contains).toList();
              return lacks.isEmpty() ? "" : "; the bundle lacks " + String.join(", ", lacks);
            });
      } catch (PgMajorException e) {
        e.getMessage().lines().forEach(l -> console.line("[FAIL] " + l));
        throw e;
      }
      Preflight.Result r = Preflight.check(requested, bundle, installed);
      if (!r.ok() || !missing.isEmpty()) {
        StringBuilder sb = new StringBuilder("preflight:");
        if (!missing.isEmpty()) {
          sb.append(" the bundle lacks ")
              .append(missing.size())
              .append(" package(s) the inventory asks for:");
          missing.forEach(
              m ->
                  sb.append("\n         ")
                      .append(m)
                      .append(" (")
                      .append(pgPackages.get(m))
                      .append(')'));
          if (!r.ok()) {
            sb.append("\n         and");
          }
        }
        if (!r.ok()) {
          sb.append(" apt would not install the bundle's packages on this node, ")
              .append(r.conflicts().size())
              .append(" conflict(s):");
          r.conflicts().forEach(c -> sb.append("\n         ").append(c));
        }
        throw fail(NodeException.Kind.PREFLIGHT, sb.toString());
      }
      ok(
          "preflight",
          requested.size()
              + " requested, "
              + pgPackages.size()
              + " for PostgreSQL "
              + join(
                  asked.clusters().stream().map(Inventory.PgCluster::pgVersion).distinct().toList())
              + ", "
              + r.closure().size()
              + " to install from the bundle, "
              + installed.size()
              + " installed, no conflict");
    } catch (MetadataException e) {
      throw fail(NodeException.Kind.PREFLIGHT, "preflight: " + e.getMessage());
    } catch (IOException e) {
      throw fail(
          NodeException.Kind.PREFLIGHT,
          "preflight: cannot read " + statusFile + ": " + FileErrors.describe(e));
    }
  }

  /**
   * Writes pigsty.yml (mode 0600, temp file + rename), then reads it back as a check; an existing
   * file (replaced under {@code --force}) is first copied to {@code <name>.<yyyyMMdd-HHmmss>.bak},
   * mode 0600.
   */
  Path writeInventory(InventoryTree inv, Path out) throws NodeException, InventoryException {
    Path abs = out.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp =
          Files.createTempFile(
              dir,
              ".pigsty-",
              ".yml.tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, inv.toYaml(), StandardCharsets.UTF_8);
      InventoryLoader.load(tmp, false);
      chownToSudoUser(tmp);
      if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        ok("config backup", backup(abs) + " (mode 0600; the old file, replaced by --force)");
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw fail(
          NodeException.Kind.INVENTORY, abs + ": cannot write (" + FileErrors.describe(e) + ")");
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
    ok("config", abs + " (mode 0600)");
    return abs;
  }

  /** Copies {@code f} to a new {@code <f>.<yyyyMMdd-HHmmss>[-n].bak}, mode 0600; @return it */
  private Path backup(Path f) throws IOException {
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .format(LocalDateTime.now(ZoneOffset.UTC));
    for (int n = 0; ; n++) {
      Path bak = f.resolveSibling(f.getFileName() + "." + stamp + (n == 0 ? "" : "-" + n) + ".bak");
      try {
        Files.createFile(
            bak,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        continue;
      }
      Files.write(bak, Files.readAllBytes(f));
      chownToSudoUser(bak);
      return bak;
    }
  }

  /** Under sudo, gives pigsty.yml back to the user who ran sudo. */
  private void chownToSudoUser(Path f) {
    String uid = System.getenv("SUDO_UID");
    String gid = System.getenv("SUDO_GID");
    if (uid == null || gid == null || !node.isRoot() || !node.root().equals(Path.of("/"))) {
      return;
    }
    try {
      Files.setAttribute(f, "unix:uid", Integer.parseInt(uid), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(f, "unix:gid", Integer.parseInt(gid), LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException e) {
      warn(f + ": could not give it to uid " + uid + " (" + e.getMessage() + ")");
    }
  }

  private static String gib(long bytes) {
    return bytes < 0
        ? "unknown"
        : String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
  }
}
