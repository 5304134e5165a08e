package io.pigsty.builder.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each fixture in {@code bundle/bad/} is {@code valid-base.yml} with one mistake; the loader must
 * name the right line and key path.
 */
class DefinitionErrorsTest {

  private static final Path BAD = Path.of("src/test/resources/bundle/bad");

  @ParameterizedTest(name = "{0} -> line {1} {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            unknown-top-key.yml          | 12 | packges                | unknown key 'packges' (did you mean 'packages'?); expected one of name, version,
            unknown-target-key.yml       |  3 | target.arc             | unknown key 'arc' (did you mean 'arch'?)
            unknown-upstream-key.yml     | 10 | upstreams[1].component | unknown key 'component' (did you mean 'components'?)
            unknown-module.yml           | 14 | packages.pgsq          | unknown key 'pgsq' (did you mean 'pgsql'?)
            missing-pg-major.yml         |  1 | pg_major               | missing required key 'pg_major'
            missing-arch.yml             |  3 | target.arch            | missing required key 'arch'
            missing-upstream-suite.yml   |  8 | upstreams[1].suite     | missing required key 'suite'
            target-is-list.yml           |  3 | target                 | expected a map, found a list
            name-is-number.yml           |  1 | name                   | expected a string, found a number (12)
            pg-major-not-number.yml      |  4 | pg_major               | expected a whole number, found a string ('fifteen')
            recommends-not-boolean.yml   |  5 | recommends             | expected true or false, found a string ('yes')
            base-system-not-boolean.yml  |  5 | base_system            | expected true or false, found a string ('maybe')
            base-system-el.yml           |  5 | base_system            | true is supported for deb targets only
            module-is-map.yml            | 13 | packages.node          | expected a list, found a map
            deb-arch-x86_64.yml          |  3 | target.arch            | 'x86_64' is not an architecture of the deb family; expected one of amd64, arm64
            unknown-alias.yml            | 19 | extensions[1]          | unknown extension alias 'pg_crom' (did you mean 'pg_cron'?)
            alias-not-for-os.yml         | 19 | extensions[1]          | extension 'pgvector' is not available for t12
            alias-not-for-major.yml      | 19 | extensions[1]          | extension 'pg_cron' is not available for PostgreSQL 12 (majors: 13, 14, 15, 16, 17)
            alias-not-for-family.yml     | 10 | extensions[1]          | extension 'debonly' is not available for the rpm family
            duplicate-alias.yml          | 19 | extensions[1]          | extension 'postgis' is listed twice (first at line 18)
            key-missing.yml              | 11 | upstreams[1].keys[0]   | no such file src/test/resources/bundle/keys/x.gpg
            catalog-missing.yml          |  5 | extensions_file        | no such file src/test/resources/bundle/no-catalog.yml
            duplicate-across-modules.yml | 17 | packages.pgsql[2]      | package 'curl' is requested twice: here and at src/test/resources/bundle/bad/duplicate-across-modules.yml:13: packages.node[1]
            duplicate-with-extension.yml | 19 | extensions[1]          | package 'postgresql-15-cron' is requested twice: here and at src/test/resources/bundle/bad/duplicate-with-extension.yml:16: packages.pgsql[1]
            empty-module.yml             | 13 | packages.node          | empty package list
            null-module.yml              | 13 | packages.node          | empty package list
            no-upstreams.yml             |  6 | upstreams              | at least one upstream is required
            duplicate-key.yml            |  3 | name                   | duplicate key 'name' (first at line 1)
            duplicate-upstream.yml       |  8 | upstreams[1].name      | upstream 'security' is defined twice (first at line 7)
            bad-url.yml                  | 12 | upstreams[1].url       | 'mirror.example/debian' is not an http or https URL
            bad-relation.yml             | 16 | packages.pgsql[1]      | 'postgresql-$v >= 15.4': expected 'name' or 'name (op version)'
            bad-deb-name.yml             | 16 | packages.pgsql[1]      | 'PgBouncer' is not a valid deb package name
            unknown-placeholder.yml      | 16 | packages.pgsql[1]      | 'postgresql-$major-contrib' has an unknown placeholder
            multilib-deb.yml             |  5 | multilib               | true is supported for rpm targets on x86_64 only
            rpm-verifies-nothing.yml     |  8 | upstreams[1].gpgcheck  | upstream 'zfs' would verify nothing: turn on gpgcheck (package signatures) or repo_gpgcheck
            rpm-relation.yml             |  9 | packages.pgsql[0]      | 'postgresql15-server (>= 15.4)': a version relation is not supported for rpm targets
            deb-gpgcheck.yml             |  7 | upstreams[0].gpgcheck  | gpgcheck applies to rpm upstreams only
            rpm-gpgcheck-not-bool.yml    |  6 | upstreams[0].repo_gpgcheck | expected true or false
            """)
  void load_badFixture_reportsLineAndKeyPath(
      String fixture, int line, String keyPath, String reason) {
    Path file = BAD.resolve(fixture);

    DefinitionException e =
        catchThrowableOfType(DefinitionException.class, () -> BundleDefinition.load(file));

    assertThat(e).as("expected a DefinitionException for %s", fixture).isNotNull();
    assertThat(e.file()).isEqualTo(file);
    assertThat(e.line()).isEqualTo(line);
    assertThat(e.keyPath()).isEqualTo(keyPath);
    assertThat(e.reason()).startsWith(reason);
    assertThat(e.getMessage()).startsWith(file + ":" + line + ": " + keyPath + ": " + reason);
  }

  @ParameterizedTest(name = "{0} -> line {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            malformed-flow.yml  | 14 | while parsing a flow sequence (line 13)
            malformed-tab.yml   | 10 | malformed YAML:
            """)
  void load_malformedYaml_reportsParserProblemLine(String fixture, int line, String reason) {
    Path file = BAD.resolve(fixture);

    DefinitionException e =
        catchThrowableOfType(DefinitionException.class, () -> BundleDefinition.load(file));

    assertThat(e).isNotNull();
    assertThat(e.line()).isEqualTo(line);
    assertThat(e.keyPath()).isEmpty();
    assertThat(e.reason()).contains(reason);
    assertThat(e.getMessage()).startsWith(file + ":" + line + ": malformed YAML");
    assertThat(e.getCause()).isNotNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            empty-document.yml | the file holds no YAML document
            """)
  void load_emptyDocument_reportsFileWithoutLine(String fixture, String reason) {
    Path file = BAD.resolve(fixture);

    DefinitionException e =
        catchThrowableOfType(DefinitionException.class, () -> BundleDefinition.load(file));

    assertThat(e).isNotNull();
    assertThat(e.line()).isZero();
    assertThat(e).hasMessage(file + ": " + reason);
  }
}
