package io.pigsty.builder.definition;

import java.util.Objects;

/**
 * One package the bundle must contain, as requested by the definition.
 *
 * @param module the module it belongs to ({@code node}, {@code infra}, {@code pgsql}, ...) or
 *     {@code extensions} when it was expanded from an extension alias
 * @param spec the package name after {@code $v} substitution, possibly followed by a Debian version
 *     relation as written, for example {@code postgresql-15 (>= 15.4)} (Debian Policy 7.1); the
 *     resolver parses it
 * @param source where it was requested, for messages: {@code bundles/d12.yml:14: packages.pgsql[3]}
 *     or {@code bundles/d12.yml:30: extensions[2] (pg_cron)}
 */
public record PackageRequest(String module, String spec, String source) {

  /**
   * Validates the request.
   *
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if module or spec is blank
   */
  public PackageRequest {
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(source, "source");
    if (module.isBlank() || spec.isBlank()) {
      throw new IllegalArgumentException("module and spec must not be blank");
    }
  }

  /**
   * @return the package name alone: {@link #spec()} up to the first space or parenthesis
   */
  public String packageName() {
    return BundleDefinition.packageNameOf(spec);
  }
}
