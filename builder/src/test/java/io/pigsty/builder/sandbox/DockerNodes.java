package io.pigsty.builder.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatsConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Volume;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Up to four systemd nodes, {@code pigsty-node-10..13} at 10.10.10.10-13, on the internal docker
 * network {@code pigsty-demo4} (10.10.10.0/24, no address on the host bridge, no default route in
 * the nodes, no forwarding): the machines of the multi-node sandbox. The image is {@value #IMAGE},
 * built by {@code tests/docker-node-image.sh}; it is never pulled.
 *
 * <p>The settings are those verified in {@code ../shared/docs/containers.md}: capabilities
 * SYS_ADMIN (systemd as PID 1) and NET_ADMIN (routes, VIPs) instead of {@code --privileged}, which
 * fails on this engine; tmpfs on /run, /run/lock and /tmp; /sys/fs/cgroup bound read-only through
 * the create command; {@code container=docker}; sysctl {@code net.ipv4.ip_forward=0}. Nodes are
 * addressed by IP, as the product addresses them. Containers and network are found and removed by
 * name, so a killed test JVM's leftovers are removed by the next {@link #start}.
 */
public final class DockerNodes implements AutoCloseable {
  /** The node image, made by {@code tests/docker-node-image.sh}. */
  public static final String IMAGE = "pigsty-node:bookworm";

  /** The sandbox network's name. */
  public static final String NETWORK = "pigsty-demo4";

  /** The sandbox network's subnet. */
  public static final String SUBNET = "10.10.10.0/24";

  /** The IPs nodes get, in order: the first is the admin node. */
  public static final List<String> IPS =
      List.of("10.10.10.10", "10.10.10.11", "10.10.10.12", "10.10.10.13");

  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration EXEC_TIMEOUT = Duration.ofMinutes(30);

  private final DockerClient docker;
  private final List<String> ips;
  private final Map<String, GenericContainer<?>> containers = new LinkedHashMap<>();

  private DockerNodes(DockerClient docker, List<String> ips) {
    this.docker = docker;
    this.ips = List.copyOf(ips);
  }

  /** The container name of the node at {@code ip}: {@code pigsty-node-} and the last octet. */
  public static String nameOf(String ip) {
    return "pigsty-node-" + ip.substring(ip.lastIndexOf('.') + 1);
  }

  /**
   * Removes any earlier sandbox (all four node names and the network, by name), creates the
   * network, starts {@code count} nodes (1 to 4, from 10.10.10.10 up) in parallel and waits until
   * systemd on each reports {@code running}. On failure, what it made is removed again.
   *
   * @throws SandboxException when docker cannot be reached, the image is missing, a container does
   *     not start, or a node's systemd is not {@code running} within 120 s (the message names the
   *     node and carries {@code systemctl --failed})
   */
  public static DockerNodes start(int count) throws SandboxException {
    if (count < 1 || count > IPS.size()) {
      throw new IllegalArgumentException("count must be 1 to " + IPS.size() + ": " + count);
    }
    DockerClient docker;
    try {
      docker = DockerClientFactory.instance().client();
    } catch (RuntimeException e) {
      throw new SandboxException("docker is not reachable (tests/docker-up.sh): " + e, e);
    }
    DockerNodes nodes = new DockerNodes(docker, IPS.subList(0, count));
    nodes.removeAll();
    try {
      docker.inspectImageCmd(IMAGE).exec();
    } catch (NotFoundException e) {
      throw new SandboxException("no image " + IMAGE + " (tests/docker-node-image.sh)", e);
    }
    docker
        .createNetworkCmd()
        .withName(NETWORK)
        .withDriver("bridge")
        .withInternal(true)
        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(SUBNET)))
        .withOptions(Map.of("com.docker.network.bridge.inhibit_ipv4", "true"))
        .exec();
    for (String ip : nodes.ips) {
      nodes.containers.put(ip, container(ip));
    }
    try {
      try {
        Startables.deepStart(nodes.containers.values()).join();
      } catch (CompletionException e) {
        throw new SandboxException("cannot start the nodes: " + e.getCause(), e.getCause());
      }
      nodes.awaitAllRunning();
    } catch (SandboxException | RuntimeException e) {
      try {
        nodes.removeAll();
      } catch (SandboxException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return nodes;
  }

  /** Waits, one thread per node, until every node's systemd says {@code running}. */
  private void awaitAllRunning() throws SandboxException {
    List<Thread> waits = new ArrayList<>();
    AtomicReference<SandboxException> failed = new AtomicReference<>();
    for (String ip : ips) {
      Thread t =
          new Thread(
              () -> {
                try {
                  awaitRunning(ip);
                } catch (SandboxException e) {
                  failed.compareAndSet(null, e);
                }
              },
              "boot " + ip);
      t.start();
      waits.add(t);
    }
    for (Thread t : waits) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SandboxException("interrupted waiting for the nodes to boot", e);
      }
    }
    if (failed.get() != null) {
      throw failed.get();
    }
  }

  private static GenericContainer<?> container(String ip) {
    String name = nameOf(ip);
    return new GenericContainer<>(DockerImageName.parse(IMAGE))
        .withImagePullPolicy(image -> false)
        .withEnv("container", "docker")
        .withCommand("/lib/systemd/systemd")
        .withCreateContainerCmdModifier(
            cmd -> {
              cmd.withName(name).withHostName(name).withIpv4Address(ip);
              if (Boolean.getBoolean("pigsty.keep")) {
                // without the session label Testcontainers' JVM-exit cleanup (the reaper is
                // off) does not find the node, so -Dpigsty.keep=true really leaves it up
                Map<String, String> labels =
                    new LinkedHashMap<>(cmd.getLabels() == null ? Map.of() : cmd.getLabels());
                labels.remove("org.testcontainers.sessionId");
                cmd.withLabels(labels);
              }
              cmd.getHostConfig()
                  .withNetworkMode(NETWORK)
                  .withCapAdd(Capability.SYS_ADMIN, Capability.NET_ADMIN)
                  .withTmpFs(Map.of("/run", "", "/run/lock", "", "/tmp", ""))
                  .withBinds(
                      new Bind("/sys/fs/cgroup", new Volume("/sys/fs/cgroup"), AccessMode.ro))
                  .withSysctls(Map.of("net.ipv4.ip_forward", "0"));
            });
  }

  /** The IPs of this sandbox's nodes, admin node first. */
  public List<String> ips() {
    return ips;
  }

  /** The output and exit code of a command run in a node. */
  public record Result(int exitCode, String stdout, String stderr) {
    /** Standard output, then standard error. */
    public String output() {
      return stdout + stderr;
    }
  }

  /**
   * Runs {@code cmd} (no shell) as root in the node at {@code ip}, waiting at most 30 min.
   *
   * @return its exit code and output; a non-zero exit code is a result, not an error
   * @throws SandboxException when the node does not exist or is not running, or on timeout
   */
  public Result exec(String ip, String... cmd) throws SandboxException {
    String id = id(ip);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      ExecCreateCmdResponse exec =
          docker
              .execCreateCmd(id)
              .withAttachStdout(true)
              .withAttachStderr(true)
              .withCmd(cmd)
              .exec();
      boolean done =
          docker
              .execStartCmd(exec.getId())
              .exec(
                  new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                      (frame.getStreamType() == StreamType.STDERR ? err : out)
                          .writeBytes(frame.getPayload());
                    }
                  })
              .awaitCompletion(EXEC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!done) {
        throw new SandboxException(
            nameOf(ip) + ": '" + String.join(" ", cmd) + "' still runs after " + EXEC_TIMEOUT);
      }
      Long code = docker.inspectExecCmd(exec.getId()).exec().getExitCodeLong();
      return new Result(
          code == null ? -1 : code.intValue(),
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException(nameOf(ip) + ": interrupted running " + String.join(" ", cmd), e);
    } catch (RuntimeException e) {
      throw new SandboxException(
          nameOf(ip) + ": cannot run " + String.join(" ", cmd) + ": " + e, e);
    }
  }

  /**
   * As {@link #exec}, requiring exit code 0.
   *
   * @return standard output
   * @throws SandboxException also when the command fails, with its exit code and output
   */
  public String execOk(String ip, String... cmd) throws SandboxException {
    Result r = exec(ip, cmd);
    if (r.exitCode() != 0) {
      throw new SandboxException(
          nameOf(ip)
              + ": '"
              + String.join(" ", cmd)
              + "' exited "
              + r.exitCode()
              + ": "
              + r.output().strip());
    }
    return r.stdout();
  }

  /**
   * Copies the host file {@code file} into the node at {@code ip} as {@code nodePath} (mode 0644),
   * creating its directories. Not into /tmp, /run or /run/lock: they are tmpfs mounts, where a copy
   * "succeeds" and is not there.
   *
   * @throws IllegalArgumentException for a relative or tmpfs destination
   * @throws SandboxException when the file is missing or the copy fails
   */
  public void copy(Path file, String ip, String nodePath) throws SandboxException {
    if (!nodePath.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + nodePath);
    }
    for (String tmpfs : List.of("/tmp", "/run")) {
      if (nodePath.equals(tmpfs) || nodePath.startsWith(tmpfs + "/")) {
        throw new IllegalArgumentException(
            nodePath + " is on a tmpfs in the node: copy to /var/tmp, /root or /etc");
      }
    }
    if (!Files.isRegularFile(file)) {
      throw new SandboxException("no such file: " + file);
    }
    id(ip);
    try {
      containers.get(ip).copyFileToContainer(MountableFile.forHostPath(file, 0644), nodePath);
    } catch (RuntimeException e) {
      throw new SandboxException(nameOf(ip) + ": cannot copy " + file + " to " + nodePath, e);
    }
  }

  /**
   * Makes an ed25519 key for root on {@code admin} and authorizes it for root on each of {@code
   * others}, as a user prepares nodes for Pigsty.
   *
   * @throws SandboxException when a command or copy fails
   */
  public void authorizeAdminKey(String admin, List<String> others) throws SandboxException {
    execOk(admin, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "/root/.ssh/id_ed25519");
    String pub = execOk(admin, "cat", "/root/.ssh/id_ed25519.pub");
    try {
      Path key = Files.createTempFile("admin", ".pub");
      try {
        Files.writeString(key, pub);
        for (String ip : others) {
          copy(key, ip, "/root/.ssh/authorized_keys");
          execOk(ip, "chmod", "0600", "/root/.ssh/authorized_keys");
        }
      } finally {
        Files.delete(key);
      }
    } catch (java.io.IOException e) {
      throw new SandboxException("admin key: " + e.getMessage(), e);
    }
  }

  /**
   * Kills the node at {@code ip} ({@code docker kill}: SIGKILL to its systemd, as a power cut) and
   * waits until docker reports it stopped.
   *
   * @throws SandboxException when the node does not exist or does not stop within 30 s
   */
  public void kill(String ip) throws SandboxException {
    String id = id(ip);
    try {
      docker.killContainerCmd(id).exec();
    } catch (RuntimeException e) {
      throw new SandboxException(nameOf(ip) + ": cannot kill: " + e, e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Boolean.TRUE.equals(docker.inspectContainerCmd(id).exec().getState().getRunning())) {
      if (System.nanoTime() > deadline) {
        throw new SandboxException(nameOf(ip) + ": still running 30 s after docker kill");
      }
      sleep(50);
    }
  }

  /**
   * Starts the stopped node at {@code ip} again (same container, so the same IP, disk and SSH host
   * keys) and waits until its systemd reports {@code running}.
   *
   * @throws SandboxException when it does not start or boot within 120 s
   */
  public void start(String ip) throws SandboxException {
    String id = id(ip);
    try {
      docker.startContainerCmd(id).exec();
    } catch (RuntimeException e) {
      throw new SandboxException(nameOf(ip) + ": cannot start: " + e, e);
    }
    awaitRunning(ip);
  }

  /**
   * The memory the node at {@code ip} uses now, in bytes, as {@code docker stats} shows it: the
   * cgroup's usage without its inactive file pages.
   *
   * @throws SandboxException when the node does not exist or docker gives no figure
   */
  public long memoryBytes(String ip) throws SandboxException {
    AtomicReference<Statistics> stats = new AtomicReference<>();
    try {
      docker
          .statsCmd(id(ip))
          .withNoStream(true)
          .exec(
              new ResultCallback.Adapter<Statistics>() {
                @Override
                public void onNext(Statistics s) {
                  stats.compareAndSet(null, s);
                }
              })
          .awaitCompletion(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException(nameOf(ip) + ": interrupted reading stats", e);
    }
    if (stats.get() == null || stats.get().getMemoryStats().getUsage() == null) {
      throw new SandboxException(nameOf(ip) + ": docker gave no memory statistics");
    }
    long usage = stats.get().getMemoryStats().getUsage();
    StatsConfig detail = stats.get().getMemoryStats().getStats();
    if (detail == null) {
      return usage;
    }
    // the docker CLI's "MEM USAGE": cgroup v1 total_inactive_file, v2 inactive_file
    Long inactive =
        detail.getTotalInactiveFile() != null
            ? detail.getTotalInactiveFile()
            : detail.getInactiveFile();
    return inactive != null && inactive < usage ? usage - inactive : usage;
  }

  /**
   * Removes the containers {@code pigsty-node-10..13} and the network {@value #NETWORK}, by name,
   * whatever made them; absent ones are skipped.
   *
   * @throws SandboxException when one exists and cannot be removed (e.g. a foreign container is
   *     still attached to the network)
   */
  public void removeAll() throws SandboxException {
    for (String ip : IPS) {
      try {
        docker.removeContainerCmd(nameOf(ip)).withForce(true).withRemoveVolumes(true).exec();
      } catch (NotFoundException e) {
        // not there
      } catch (RuntimeException e) {
        throw new SandboxException("cannot remove container " + nameOf(ip) + ": " + e, e);
      }
    }
    try {
      docker.removeNetworkCmd(NETWORK).exec();
    } catch (NotFoundException e) {
      // not there
    } catch (RuntimeException e) {
      throw new SandboxException("cannot remove network " + NETWORK + ": " + e, e);
    }
  }

  /** {@link #removeAll()}. */
  @Override
  public void close() throws SandboxException {
    removeAll();
  }

  private String id(String ip) throws SandboxException {
    if (!ips.contains(ip)) {
      throw new IllegalArgumentException("not a node of this sandbox: " + ip + " (" + ips + ")");
    }
    try {
      return docker.inspectContainerCmd(nameOf(ip)).exec().getId();
    } catch (NotFoundException e) {
      throw new SandboxException("no container " + nameOf(ip), e);
    }
  }

  /** Waits until systemd in the node says {@code running}; the unit list on failure. */
  private void awaitRunning(String ip) throws SandboxException {
    long deadline = System.nanoTime() + BOOT_TIMEOUT.toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      // before systemd has its bus up, this fails at once ("Failed to connect to bus")
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
      Result r =
          exec(ip, "timeout", Long.toString(left), "systemctl", "is-system-running", "--wait");
      state = r.stdout().strip();
      if (state.equals("running")) {
        return;
      }
      if (state.equals("degraded") || state.equals("maintenance") || state.equals("stopping")) {
        break;
      }
      sleep(100);
    }
    Result failed = exec(ip, "systemctl", "--failed", "--no-legend", "--no-pager");
    throw new SandboxException(
        nameOf(ip)
            + ": systemd is '"
            + state
            + "', not 'running'; failed units: "
            + failed.output().strip());
  }

  private static void sleep(long millis) throws SandboxException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted", e);
    }
  }
}
