package io.pigsty.builder.configure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A node described by its fields, with files under a temp root (a Debian 12 amd64 box by default).
 */
final class FakeNode implements NodeFacts {
  final Path root;
  String kernel = "Linux";
  String machine = "x86_64";
  boolean root_ = true;
  boolean sudo = false;
  int cpus = 2;
  long memory = 4L << 30;
  long free = 100L << 30;
  boolean online = false;
  List<Address> addresses = new ArrayList<>(List.of(new Address("10.10.10.10", "eth0")));
  List<String> commands = new ArrayList<>(List.of("dpkg", "apt-get"));
  final List<List<String>> ran = new ArrayList<>();

  FakeNode(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root.resolve("etc/apt/sources.list.d"));
    Files.createDirectories(root.resolve("var/lib/dpkg"));
    Files.writeString(
        root.resolve("etc/os-release"),
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
            + "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n"
            + "VERSION_CODENAME=bookworm\nID=debian\n");
    Files.writeString(
        root.resolve("etc/apt/sources.list.d/debian.sources"),
        "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\nComponents: main\n");
    Files.writeString(root.resolve("var/lib/dpkg/status"), status("libc6", "2.36-9+deb12u4"));
  }

  static String status(String name, String version) {
    return "Package: "
        + name
        + "\nStatus: install ok installed\nPriority: required\nArchitecture: amd64\n"
        + "Multi-Arch: same\nVersion: "
        + version
        + "\nDescription: GNU C Library\n\n"
        + "Package: removed-pkg\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 9.9\n\n";
  }

  @Override
  public Path root() {
    return root;
  }

  @Override
  public String kernel() {
    return kernel;
  }

  @Override
  public String machine() {
    return machine;
  }

  @Override
  public boolean hasCommand(String name) {
    return commands.contains(name);
  }

  @Override
  public boolean isRoot() {
    return root_;
  }

  @Override
  public boolean passwordlessSudo() {
    return sudo;
  }

  @Override
  public int cpus() {
    return cpus;
  }

  @Override
  public long memoryBytes() {
    return memory;
  }

  @Override
  public long freeBytes(Path dir) {
    return free;
  }

  @Override
  public List<Address> addresses() {
    return addresses;
  }

  @Override
  public boolean hasDefaultRoute() {
    return online;
  }

  @Override
  public int run(List<String> argv) {
    ran.add(argv);
    return 0;
  }
}
