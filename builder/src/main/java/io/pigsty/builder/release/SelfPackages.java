package io.pigsty.builder.release;

import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.files.Tarball;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.redline_rpm.Builder;
import org.redline_rpm.header.Architecture;
import org.redline_rpm.header.Header;
import org.redline_rpm.header.Os;
import org.redline_rpm.header.RpmType;
import org.redline_rpm.payload.CpioHeader;
import org.redline_rpm.payload.Directive;
import org.vafer.jdeb.Console;
import org.vafer.jdeb.DataProducer;
import org.vafer.jdeb.DebMaker;
import org.vafer.jdeb.PackagingException;
import org.vafer.jdeb.mapping.Mapper;
import org.vafer.jdeb.producers.DataProducerFile;

/**
 * The configurator as our own packages: {@code pigsty_<version>_all.deb} (jdeb) and {@code
 * pigsty-<version>-1.noarch.rpm} (redline-rpm). Both install {@code configure}, the box {@code
 * Makefile}, {@code pigsty.jar}, {@code templates/} and {@code bundle-keys.txt} under {@value
 * #PREFIX}, and a {@code /usr/bin/pigsty} wrapper.
 *
 * <p>{@code bundle-keys.txt} pins the bundle signing key as the release tarball's {@code
 * pigsty/bundle-keys.txt} does (docs/security.md): {@code ./configure} reads it from {@code
 * pigsty.home}, which both {@value #PREFIX}{@code /configure} and the wrapper set to {@value
 * #PREFIX}, so a configurator installed from these packages refuses a bundle signed by another key
 * (exit 34) exactly as one unpacked from the release does.
 *
 * <p>Neither declares a dependency on a Java package: the release ships a jlinked runtime, and a
 * {@code Depends: default-jre-headless} would pull about 40 MB of JRE and its libraries into every
 * bundle closure that adds this package. The .deb {@code Suggests: java17-runtime-headless} (the
 * virtual package openjdk-17-jre-headless provides); the wrapper uses a Java 17+ it finds or says
 * what to install (exit 3). The RPM carries only the {@code rpmlib(...)} requirements rpm itself
 * provides, so it installs into an empty root.
 *
 * <p>Reproducible: every entry is owned by root:root with a fixed mode and the given mtime; equal
 * contents and time give byte-identical packages. The Debian version is the native version {@code
 * <version>} (Debian Policy 5.6.12, no revision); the RPM NEVRA is {@code
 * pigsty-<version>-1.noarch} (RPM needs a Release, so the file is {@code
 * pigsty-<version>-1.noarch.rpm}).
 */
public final class SelfPackages {
  /** Package name in both formats. */
  public static final String NAME = "pigsty";

  /** Install prefix of the configurator's files. */
  public static final String PREFIX = "/usr/share/pigsty";

  /**
   * The pin's file name, in the release tree and under {@value #PREFIX}: the file configure reads
   * from {@code pigsty.home} ({@code PinnedKeys.RELEASE_FILE}).
   */
  public static final String BUNDLE_KEYS = "bundle-keys.txt";

  /** Path of the wrapper. */
  public static final String WRAPPER = "/usr/bin/pigsty";

  /** RPM Release of the packages built here. */
  public static final String RPM_RELEASE = "1";

  private static final String SUMMARY =
      "Pigsty configurator: checks a node, writes pigsty.yml, " + "installs the offline bundle";
  private static final String DESCRIPTION =
      "The Pigsty installer's configure script, box Makefile, "
          + "configurator jar and configuration templates. Run 'pigsty configure' or "
          + PREFIX
          + "/configure. Needs a Java 17 or newer runtime, which this package does not "
          + "install (the Pigsty release tarball ships one).";
  private static final String MAINTAINER = "Pigsty packaging <packaging@pigsty.invalid>";

  /** Debian upstream version characters (Policy 5.6.12) that are also valid in an RPM Version. */
  private static final Pattern VERSION = Pattern.compile("[0-9][A-Za-z0-9.+~]*");

  private SelfPackages() {}

  /**
   * What goes into the packages.
   *
   * @param version product version, e.g. {@code 4.0.0}: a digit, then letters, digits, {@code .+~}
   * @param jar pigsty.jar
   * @param configure the configure script
   * @param makefile the box Makefile
   * @param templates directory of pigsty.yml templates, or null for none
   * @param mtime modification time of every entry (and the RPM build time), seconds
   * @param bundleKeys the pin of the bundle signing key ({@code bundle-keys.txt}: fingerprints,
   *     uppercase hex, one a line), installed as {@value #PREFIX}{@code /bundle-keys.txt}; null for
   *     a package without a pin, whose configure then refuses every bundle unless given {@code
   *     --key} ({@code pigsty package} always gives one)
   */
  public record Contents(
      String version,
      Path jar,
      Path configure,
      Path makefile,
      Path templates,
      Instant mtime,
      Path bundleKeys) {
    /**
     * @throws IllegalArgumentException for a version neither Debian nor RPM accepts
     */
    public Contents {
      if (version == null || !VERSION.matcher(version).matches()) {
        throw new IllegalArgumentException(
            "version '"
                + version
                + "': must be a digit followed by "
                + "letters, digits, '.', '+' or '~' (a Debian native version that is also an RPM Version)");
      }
      mtime = Instant.ofEpochSecond(mtime.getEpochSecond());
    }

    /** Contents without a pin of the bundle key ({@code bundleKeys} null). */
    public Contents(
        String version, Path jar, Path configure, Path makefile, Path templates, Instant mtime) {
      this(version, jar, configure, makefile, templates, mtime, null);
    }

    /**
     * The files of a release tree as {@code box/release.sh} stages it: {@code pigsty.jar}, {@code
     * configure}, {@code Makefile}, optional {@code templates/} and {@code bundle-keys.txt} (null
     * when the tree has none).
     */
    public static Contents ofTree(Path dir, String version, Instant mtime) {
      Path t = dir.resolve("templates");
      Path pin = dir.resolve(BUNDLE_KEYS);
      return new Contents(
          version,
          dir.resolve("pigsty.jar"),
          dir.resolve("configure"),
          dir.resolve("Makefile"),
          Files.isDirectory(t) ? t : null,
          mtime,
          Files.isRegularFile(pin) ? pin : null);
    }
  }

  /** The file list of a package: install path (absolute) to source and mode. */
  record Item(Path source, int mode) {}

  static Map<String, Item> layout(Contents c, Path wrapper) throws IOException {
    List<Path> needed = new ArrayList<>(List.of(c.jar(), c.configure(), c.makefile()));
    if (c.bundleKeys() != null) {
      needed.add(c.bundleKeys());
    }
    for (Path p : needed) {
      if (!Files.isRegularFile(p)) {
        throw new NoSuchFileException(
            p.toString(), null, "No such file or directory (needed for the pigsty package)");
      }
    }
    Map<String, Item> m = new TreeMap<>();
    m.put(PREFIX + "/pigsty.jar", new Item(c.jar(), 0644));
    m.put(PREFIX + "/configure", new Item(c.configure(), 0755));
    m.put(PREFIX + "/Makefile", new Item(c.makefile(), 0644));
    if (c.bundleKeys() != null) {
      m.put(PREFIX + "/" + BUNDLE_KEYS, new Item(c.bundleKeys(), 0644));
    }
    if (c.templates() != null) {
      try (Stream<Path> s = Files.walk(c.templates())) {
        for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
          String rel = c.templates().relativize(f).toString().replace('\\', '/');
          m.put(PREFIX + "/templates/" + rel, new Item(f, 0644));
        }
      }
    }
    m.put(WRAPPER, new Item(wrapper, 0755));
    return m;
  }

  /** Directories the package owns (the prefix and below), sorted, absolute. */
  static List<String> ownedDirs(Map<String, Item> layout) {
    SortedSet<String> dirs = new TreeSet<>();
    for (String p : layout.keySet()) {
      for (String d = parent(p); d.startsWith(PREFIX); d = parent(d)) {
        dirs.add(d);
      }
    }
    return new ArrayList<>(dirs);
  }

  private static String parent(String p) {
    int i = p.lastIndexOf('/');
    return i <= 0 ? "/" : p.substring(0, i);
  }

  /**
   * @return the .deb file name, {@code pigsty_<version>_all.deb}
   */
  public static String debFileName(String version) {
    return NAME + "_" + version + "_all.deb";
  }

  /**
   * @return the .rpm file name, {@code pigsty-<version>-1.noarch.rpm}
   */
  public static String rpmFileName(String version) {
    return NAME + "-" + version + "-" + RPM_RELEASE + ".noarch.rpm";
  }

  /**
   * Builds {@code outDir/pigsty_<version>_all.deb} with jdeb (data.tar.xz, control.tar.gz), written
   * to a temp file and renamed into place.
   *
   * @return the .deb
   * @throws NoSuchFileException naming a missing input file
   * @throws BundleException when jdeb fails (its message)
   */
  public static Path deb(Contents c, Path outDir) throws IOException, BundleException {
    Files.createDirectories(outDir);
    Path work = Files.createTempDirectory(outDir, ".pigsty-deb-");
    try {
      Path wrapper = wrapper(work);
      Map<String, Item> layout = layout(c, wrapper);
      long ms = c.mtime().toEpochMilli();
      List<DataProducer> data = new ArrayList<>();
      // jdeb adds each file's parent directories (root:root 0755) itself
      for (Map.Entry<String, Item> e : layout.entrySet()) {
        int mode = e.getValue().mode();
        // what jdeb's PermMapper sets, without its Ant-based line-end filter path
        Mapper perm =
            entry -> {
              entry.setUserId(0);
              entry.setGroupId(0);
              entry.setUserName("root");
              entry.setGroupName("root");
              entry.setMode(0100000 | mode);
              return entry;
            };
        data.add(
            new DataProducerFile(
                e.getValue().source().toFile(), e.getKey(), null, null, new Mapper[] {perm}));
      }
      Path control = Files.createDirectory(work.resolve("control"));
      Files.writeString(
          control.resolve("control"), controlFile(c.version()), StandardCharsets.UTF_8);
      Path tmp = work.resolve(debFileName(c.version()));
      DebMaker maker = new DebMaker(QUIET, data, List.of());
      maker.setControl(control.toFile());
      maker.setDeb(tmp.toFile());
      maker.setCompression("xz");
      maker.setOutputTimestampMs(ms);
      try {
        maker.validate();
        maker.makeDeb();
      } catch (PackagingException e) {
        throw new BundleException(
            "jdeb: building " + debFileName(c.version()) + " failed: " + e.getMessage(), e);
      }
      Path out = outDir.resolve(debFileName(c.version()));
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return out;
    } finally {
      Tarball.deleteTree(work);
    }
  }

  static String controlFile(String version) {
    return "Package: "
        + NAME
        + "\n"
        + "Version: "
        + version
        + "\n"
        + "Architecture: all\n"
        + "Maintainer: "
        + MAINTAINER
        + "\n"
        + "Section: database\n"
        + "Priority: optional\n"
        + "Suggests: java17-runtime-headless\n"
        + "Homepage: https://pigsty.io\n"
        + "Description: "
        + SUMMARY
        + "\n"
        + " "
        + DESCRIPTION
        + "\n";
  }

  /**
   * Builds {@code outDir/pigsty-<version>-1.noarch.rpm} with redline-rpm (cpio payload, gzip),
   * written to a temp directory and renamed into place. The package is not signed.
   *
   * @return the .rpm
   * @throws NoSuchFileException naming a missing input file
   */
  public static Path rpm(Contents c, Path outDir) throws IOException {
    try {
      return rpm0(c, outDir);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("redline-rpm: " + e.getMessage(), e);
    }
  }

  private static Path rpm0(Contents c, Path outDir) throws IOException, NoSuchAlgorithmException {
    Files.createDirectories(outDir);
    Path work = Files.createTempDirectory(outDir, ".pigsty-rpm-");
    try {
      Path wrapper = wrapper(work);
      Map<String, Item> layout = layout(c, wrapper);
      Builder b = new Builder();
      org.redline_rpm.payload.Contents files = new org.redline_rpm.payload.Contents();
      b.setFiles(files);
      b.setPackage(NAME, c.version(), RPM_RELEASE);
      b.setType(RpmType.BINARY);
      b.setPlatform(Architecture.NOARCH, Os.LINUX);
      b.setSummary(SUMMARY);
      b.setDescription(DESCRIPTION);
      b.setLicense("Apache-2.0");
      b.setGroup("Applications/Databases");
      b.setUrl("https://pigsty.io");
      b.setPackager(MAINTAINER);
      b.setVendor("Pigsty");
      b.setBuildHost("localhost");
      b.setSourceRpm(NAME + "-" + c.version() + "-" + RPM_RELEASE + ".src.rpm");
      // the constructor stamped the current time: replace it, for reproducible bytes
      b.addHeaderEntry(Header.HeaderTag.BUILDTIME, (int) c.mtime().getEpochSecond());
      for (String d : ownedDirs(layout)) {
        b.addDirectory(d, 0755, Directive.NONE, "root", "root", false);
      }
      for (Map.Entry<String, Item> e : layout.entrySet()) {
        b.addFile(
            e.getKey(),
            e.getValue().source().toFile(),
            e.getValue().mode(),
            0755,
            Directive.NONE,
            "root",
            "root",
            false);
      }
      // redline stamps directories with the current time and files with theirs: fix them all
      for (CpioHeader h : files.headers()) {
        h.setMtime(c.mtime().toEpochMilli());
      }
      Path dir = Files.createDirectory(work.resolve("out"));
      String name = b.build(dir.toFile());
      if (!name.equals(rpmFileName(c.version()))) {
        throw new IllegalStateException(
            "redline-rpm named the package " + name + ", expected " + rpmFileName(c.version()));
      }
      Path out = outDir.resolve(name);
      Files.move(
          dir.resolve(name),
          out,
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return out;
    } finally {
      Tarball.deleteTree(work);
    }
  }

  /** Writes the wrapper script (from the {@code pkg/pigsty.sh} resource) into {@code dir}. */
  private static Path wrapper(Path dir) throws IOException {
    String text;
    try (InputStream in = SelfPackages.class.getResourceAsStream("/pkg/pigsty.sh")) {
      if (in == null) {
        throw new IllegalStateException("resource /pkg/pigsty.sh missing from the jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path f = dir.resolve("pigsty.sh");
    Files.writeString(f, text.replace("@PREFIX@", PREFIX), StandardCharsets.UTF_8);
    return f;
  }

  private static final Console QUIET =
      new Console() {
        @Override
        public void debug(String message) {}

        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {}
      };
}
