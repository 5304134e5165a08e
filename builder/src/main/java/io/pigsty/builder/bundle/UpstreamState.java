package io.pigsty.builder.bundle;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * What was read from one upstream suite, for the manifest.
 *
 * @param name the upstream's symbolic name in the definition
 * @param suite the suite
 * @param base archive base URI (before {@code /dists/})
 * @param inReleaseSha256 SHA256 of the InRelease file as fetched
 * @param date the Release Date field
 * @param signedBy fingerprints of the trusted keys whose signatures verified
 * @param indexes the index files used, with their SHA256 and size from the signed Release
 * @param packages number of packages read from it
 */
public record UpstreamState(
    String name,
    String suite,
    URI base,
    String inReleaseSha256,
    Instant date,
    List<String> signedBy,
    List<IndexFile> indexes,
    int packages) {

  /** One index file: path below {@code dists/<suite>/}, SHA256 and size from Release. */
  public record IndexFile(String path, String sha256, long size) {}
}
