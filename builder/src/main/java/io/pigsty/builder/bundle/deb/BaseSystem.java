package io.pigsty.builder.bundle.deb;

import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.PackageIndex;
import io.pigsty.repo.solve.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The OS base set a bundle holds when its definition says {@code base_system: true}: what
 * mmdebstrap's default variant ({@code debootstrap}, same as {@code important}) installs, so that
 * {@code mmdebstrap} with the bundle's repository as its only source can build a root file system,
 * plus what a booted appliance needs.
 *
 * <p>The set, from the upstream indexes for the target architecture (and {@code all}), a package
 * counting when any of its versions qualifies (mmdebstrap judges the main suite's version on
 * upstream mirrors and the bundle's single version on the bundle, so the union covers both): every
 * {@code Essential: yes} package, every package of {@code Priority: required} or {@code important}
 * (Debian Policy 2.5; mmdebstrap(1), "VARIANTS": "the required set plus all packages with
 * Priority:important"), and {@link #EXTRAS}. Their dependencies come in through the normal closure.
 */
public final class BaseSystem {
  /**
   * What a booted image needs beyond the base set: PID 1 (systemd, systemd-sysv) and remote login.
   */
  public static final List<String> BOOT = List.of("systemd", "systemd-sysv", "openssh-server");

  /**
   * Always added, when the upstreams have them: {@code apt} (mmdebstrap runs apt in the chroot;
   * Priority required in Debian, listed in case a derivative ranks it lower), {@code systemd} and
   * {@code systemd-sysv} (PID 1 of the booted image), {@code openssh-server} (how the admin node
   * reaches others), and {@code usr-is-merged} (the alternative to {@code usrmerge} that {@code
   * init-system-helpers} accepts since Debian 12, so either merged-/usr route works).
   */
  public static final List<String> EXTRAS =
      Stream.of(List.of("apt"), BOOT, List.of("usr-is-merged")).flatMap(List::stream).toList();

  /** Origin of the requests, the first link of their chains in {@code resolve --why}. */
  public static final String ORIGIN = "base_system";

  private BaseSystem() {}

  /**
   * The base-set requests, in the order mmdebstrap installs them: Essential packages first, then
   * Priority required, then important, then {@link #EXTRAS}; names within each group sorted. A name
   * in {@code skip} (because the definition requests it itself, maybe with a version relation) is
   * left out, as is an extra the upstreams do not have.
   *
   * @param index the upstream packages of the target architecture and {@code all}
   * @param skip package names the definition already requests
   * @return one unversioned request per package name, origin {@value #ORIGIN}
   */
  public static List<Request> requests(PackageIndex index, Set<String> skip) {
    Set<String> essential = new TreeSet<>();
    Set<String> required = new TreeSet<>();
    Set<String> important = new TreeSet<>();
    for (DebPackage p : index.all()) {
      if (p.essential()) {
        essential.add(p.name());
      } else if (p.priorityRank() == 0) {
        required.add(p.name());
      } else if (p.priorityRank() == 1) {
        important.add(p.name());
      }
    }
    required.removeAll(essential);
    important.removeAll(essential);
    important.removeAll(required);
    List<String> names = new ArrayList<>(essential);
    names.addAll(required);
    names.addAll(important);
    for (String extra : EXTRAS) {
      if (!index.versions(extra).isEmpty() && !names.contains(extra)) {
        names.add(extra);
      }
    }
    List<Request> out = new ArrayList<>(names.size());
    for (String n : names) {
      if (!skip.contains(n)) {
        out.add(new Request(n, ORIGIN));
      }
    }
    return out;
  }
}
