package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.appliance.RootfsException;
import io.pigsty.builder.bundle.BundleException;
import io.pigsty.builder.definition.DefinitionException;
import io.pigsty.builder.fetch.FetchException;
import io.pigsty.builder.render.ImageException;
import io.pigsty.repo.PigstyException;
import io.pigsty.repo.deb.MetadataException;
import io.pigsty.repo.rpm.RpmMetadataException;
import io.pigsty.repo.sign.SignatureException;
import io.pigsty.repo.solve.ResolutionException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ExitCodeTest {

  @Test
  void everyExceptionClass_carriesItsDocumentedCode() throws Exception {
    Map<Class<?>, ExitCode> expected =
        Map.ofEntries(
            Map.entry(DefinitionException.class, ExitCode.DEFINITION),
            Map.entry(FetchException.class, ExitCode.FETCH),
            Map.entry(SignatureException.class, ExitCode.SIGNATURE),
            Map.entry(MetadataException.class, ExitCode.METADATA),
            Map.entry(RpmMetadataException.class, ExitCode.METADATA),
            Map.entry(ResolutionException.class, ExitCode.RESOLUTION),
            Map.entry(io.pigsty.repo.rpm.ResolutionException.class, ExitCode.RESOLUTION),
            Map.entry(BundleException.class, ExitCode.BUNDLE),
            Map.entry(ImageException.class, ExitCode.IMAGE),
            Map.entry(RootfsException.class, ExitCode.APPLIANCE),
            Map.entry(io.pigsty.builder.ssh.SshException.class, ExitCode.SSH),
            Map.entry(io.pigsty.builder.inventory.PgMajorException.class, ExitCode.PG_MAJOR));
    for (Map.Entry<Class<?>, ExitCode> e : expected.entrySet()) {
      assertThat(e.getKey()).isAssignableTo(PigstyException.class);
      int code = e.getKey().getField("EXIT_CODE").getInt(null);
      assertThat(ExitCode.ofCode(code)).as(e.getKey().getName()).isEqualTo(e.getValue());
    }
  }

  @Test
  void of_mapsEachExceptionToItsCode() {
    assertThat(ExitCode.of(new MetadataException("Packages: bad"))).isEqualTo(ExitCode.METADATA);
    assertThat(ExitCode.of(new SignatureException("InRelease", "bad")))
        .isEqualTo(ExitCode.SIGNATURE);
    assertThat(ExitCode.of(new DefinitionException(Path.of("d.yml"), 3, "name", "bad")))
        .isEqualTo(ExitCode.DEFINITION);
    assertThat(ExitCode.of(new BundleException("no mirror"))).isEqualTo(ExitCode.BUNDLE);
    assertThat(ExitCode.of(new IOException("disk"))).isEqualTo(ExitCode.IO);
  }

  @Test
  void rootfsException_hasItsOwnCode_notTheBundleCheckCode() {
    assertThat(ExitCode.of(new RootfsException("mmdebstrap not found on PATH")))
        .isEqualTo(ExitCode.APPLIANCE);
    assertThat(ExitCode.APPLIANCE.code).isNotEqualTo(ExitCode.BUNDLE.code);
  }

  @Test
  void programmingErrors_areInternal_notUsage() {
    assertThat(ExitCode.of(new IllegalArgumentException("x"))).isEqualTo(ExitCode.INTERNAL);
    assertThat(ExitCode.of(new IllegalStateException("x"))).isEqualTo(ExitCode.INTERNAL);
    assertThat(ExitCode.of(new NullPointerException())).isEqualTo(ExitCode.INTERNAL);
  }

  @Test
  void exitCodes_areUnique() {
    assertThat(List.of(ExitCode.values()).stream().map(c -> c.code).distinct().count())
        .isEqualTo(ExitCode.values().length);
  }

  @Test
  void internalError_printsOneLineAndTheDebugHint() {
    Run r = boom("boom");
    assertThat(r.code()).isEqualTo(ExitCode.INTERNAL.code);
    assertThat(r.err().strip())
        .doesNotContain("\n")
        .contains(
            "IllegalStateException: broken invariant", "run with --debug for the stack trace");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void internalError_withDebug_printsTheStackTrace() {
    for (String[] args :
        List.of(new String[] {"--debug", "boom"}, new String[] {"boom", "--debug"})) {
      Run r = boom(args);
      assertThat(r.code()).isEqualTo(ExitCode.INTERNAL.code);
      assertThat(r.err())
          .contains("IllegalStateException: broken invariant", "\tat ")
          .doesNotContain("run with --debug");
    }
  }

  @Test
  void help_listsNoJavaAndApplianceCodes() {
    String out = MainTest.run("--help").out();
    assertThat(out).contains(ExitCode.NO_JAVA.meaning, ExitCode.APPLIANCE.meaning, "--debug");
  }

  private record Run(int code, String err) {}

  /** A command that fails with a bug. */
  @CommandLine.Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("broken invariant");
    }
  }

  private static Run boom(String... args) {
    CommandLine cl = Main.commandLine(args);
    cl.addSubcommand(new Boom());
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), err.toString());
  }
}
