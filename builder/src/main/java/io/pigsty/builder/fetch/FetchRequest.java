package io.pigsty.builder.fetch;

import java.net.URI;
import java.util.Objects;

/**
 * One file to fetch: its URL, expected size in bytes and SHA256 (64 hex digits, as in an APT {@code
 * Packages} index), and a label for messages (for example the package name and version).
 */
public record FetchRequest(URI uri, long size, String sha256, String label) {
  /**
   * Validates the request.
   *
   * @throws NullPointerException if {@code uri} or {@code sha256} is null
   * @throws IllegalArgumentException if {@code size} is negative or {@code sha256} is not 64 hex
   *     digits
   */
  public FetchRequest {
    Objects.requireNonNull(uri, "uri");
    sha256 = Downloader.checkSha256(sha256);
    if (size < 0) {
      throw new IllegalArgumentException(uri + ": negative size " + size);
    }
    if (label == null) {
      label = uri.toString();
    }
  }
}
