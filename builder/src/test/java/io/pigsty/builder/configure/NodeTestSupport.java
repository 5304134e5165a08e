package io.pigsty.builder.configure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Fake nodes and crafted bundles for tests outside this package (the CLI's). */
public final class NodeTestSupport {
  private NodeTestSupport() {}

  /**
   * @return a Debian 12 amd64 root node at 10.10.10.10 with files under {@code root}
   */
  public static NodeFacts debian12(Path root) throws Exception {
    return new FakeNode(root);
  }

  /**
   * @return a fake node like {@link #debian12} that is neither root nor allowed passwordless sudo
   */
  public static NodeFacts unprivileged(Path root) throws Exception {
    FakeNode n = new FakeNode(root);
    n.root_ = false;
    n.sudo = false;
    return n;
  }

  /**
   * @return the fingerprint of the key that signs {@link #bundle}'s bundles
   */
  public static String bundleKeyFingerprint() {
    return TestBundle.key().fingerprint();
  }

  /**
   * @return the public key of {@link #bundleKeyFingerprint()}, a binary keyring
   */
  public static byte[] bundleKeyring() {
    return TestBundle.key().publicKeyring();
  }

  /**
   * @return a signed bundle for that target with the standard test packages, for PostgreSQL 15
   *     ({@code pg_major}) and 14, 16, 17 ({@code pg_majors}), so any inventory case's major is
   *     carried; with timescaledb too, which the seed pg-meta inventory creates (the extension
   *     catalog names its package since trixie's records)
   */
  public static Path bundle(Path dir, String os, String release, String arch) throws Exception {
    List<TestBundle.Pkg> pkgs = new ArrayList<>(TestBundle.standard(15, 14, 16, 17));
    for (int v : List.of(15, 14, 16, 17)) {
      pkgs.add(new TestBundle.Pkg("postgresql-" + v + "-timescaledb", "2.19.3+dfsg-1", null));
    }
    return TestBundle.build(
        dir, os, release, arch, pkgs, List.of("server"), TestBundle.key(), List.of(15, 14, 16, 17));
  }
}
