package io.pigsty.builder.configure;

import io.pigsty.builder.exec.Command;
import io.pigsty.builder.exec.CommandException;
import io.pigsty.builder.exec.CommandResult;
import io.pigsty.builder.exec.ProcessRunner;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The facts of the machine the JVM runs on, with files read under a root directory. */
public final class HostFacts implements NodeFacts {
  private final Path root;

  /**
   * @param root the directory treated as {@code /} (normally {@code /})
   */
  public HostFacts(Path root) {
    this.root = root;
  }

  @Override
  public Path root() {
    return root;
  }

  @Override
  public String kernel() {
    String out = capture("uname", "-s");
    return out != null ? out : System.getProperty("os.name");
  }

  @Override
  public String machine() {
    String out = capture("uname", "-m");
    if (out != null) {
      return out;
    }
    String a = System.getProperty("os.arch");
    return "amd64".equals(a) ? "x86_64" : a;
  }

  @Override
  public boolean hasCommand(String name) {
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path).split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // effective uid
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through to id -u
    }
    return "0".equals(capture("id", "-u"));
  }

  @Override
  public boolean passwordlessSudo() {
    return hasCommand("sudo") && status("sudo", "-n", "true") == 0;
  }

  @Override
  public int cpus() {
    return Runtime.getRuntime().availableProcessors();
  }

  @Override
  public long memoryBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return -1;
  }

  @Override
  public long freeBytes(Path dir) throws IOException {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IOException(dir + ": no existing ancestor to measure free space");
    }
    return Files.getFileStore(p).getUsableSpace();
  }

  @Override
  public List<Address> addresses() {
    List<Address> out = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            out.add(new Address(a.getHostAddress(), ni.getName()));
          }
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    out.sort(Comparator.comparing(Address::iface).thenComparing(Address::ip));
    return out;
  }

  @Override
  public boolean hasDefaultRoute() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/route"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 7 && f[1].equals("00000000") && f[7].equals("00000000")) {
          return true;
        }
      }
    } catch (IOException e) {
      return true; // unknown: assume online, so other sources are left alone
    }
    return false;
  }

  @Override
  public int run(List<String> argv) throws IOException {
    // apt-get's progress is shown as it comes: the user watches configure work
    ProcessRunner loud = new ProcessRunner(line -> System.out.println(line));
    try {
      return loud.run(new Command(argv, Map.of(), null, Duration.ofMinutes(30))).exit();
    } catch (CommandException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static final ProcessRunner QUIET = new ProcessRunner();

  /**
   * @return the command's stdout and stderr, trimmed, or null when it fails or cannot run
   */
  private static String capture(String... argv) {
    try {
      CommandResult r = QUIET.run(Command.of(Duration.ofSeconds(10), argv));
      return r.ok() ? (r.out() + r.err()).trim() : null;
    } catch (CommandException e) {
      return null;
    }
  }

  /**
   * @return the command's exit status, or -1 when it cannot run or times out
   */
  private static int status(String... argv) {
    try {
      return QUIET.run(Command.of(Duration.ofSeconds(10), argv)).exit();
    } catch (CommandException e) {
      return -1;
    }
  }
}
