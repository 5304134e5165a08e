package io.pigsty.builder.configure;

import java.util.Set;

/**
 * The keys a bundle must be signed by, and where that pin came from.
 *
 * @param fingerprints primary key fingerprints (uppercase hex); null when any key is accepted
 * @param source what pinned them, named in messages: {@code --key ...}, a {@code bundle-keys.txt}
 *     path, or {@code --insecure-any-key}
 */
public record KeyPins(Set<String> fingerprints, String source) {
  /** Copies the set. */
  public KeyPins {
    fingerprints = fingerprints == null ? null : Set.copyOf(fingerprints);
  }

  /**
   * @return pins that accept a bundle signed by any key ({@code --insecure-any-key}): the bundle is
   *     then proven intact, not who made it
   */
  public static KeyPins anyKey() {
    return new KeyPins(null, "--insecure-any-key");
  }

  /**
   * @return whether any signing key is accepted
   */
  public boolean acceptsAny() {
    return fingerprints == null;
  }
}
