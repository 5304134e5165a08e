package io.pigsty.builder.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManifestPgMajorsTest {
  static java.util.List<Integer> majors(String json) throws Exception {
    return Manifest.pgMajors(Manifest.JSON.readTree(json));
  }

  @Test
  void pgMajors_oneMajor_fromPgMajor() throws Exception {
    assertThat(majors("{\"definition\": {\"pg_major\": 15}}")).containsExactly(15);
  }

  @Test
  void pgMajors_severalMajors_pgMajorFirstWithoutDuplicates() throws Exception {
    assertThat(majors("{\"definition\": {\"pg_major\": 17, \"pg_majors\": [16, 17]}}"))
        .containsExactly(17, 16);
  }

  @Test
  void pgMajors_noneNamed_isEmpty() throws Exception {
    assertThat(majors("{\"definition\": {\"pg_major\": \"15\"}}")).isEmpty();
    assertThat(majors("{}")).isEmpty();
  }
}
