package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.configure.NodeTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void help_listsCommandsAndEveryExitCode() {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("build", "resolve", "repo", "verify", "Exit codes:");
    for (ExitCode c : ExitCode.values()) {
      // picocli pads the code column to the widest code (two digits since the install codes)
      assertThat(r.out())
          .containsPattern("(?m)^ +" + c.code + " +" + Pattern.quote(c.meaning) + "$");
    }
    assertThat(run("build", "--help").out()).contains("Exit codes:", "--mirror");
  }

  @Test
  void everyCommandIsListedAndRunsWhenNamedFirst() {
    Run all = run("--help");
    for (Class<?> c : Main.COMMANDS) {
      String name = c.getAnnotation(CommandLine.Command.class).name();
      assertThat(all.out()).containsPattern("(?m)^  " + name + " ");
      Run one = run(name, "--help");
      assertThat(one.code()).as(name).isZero();
      assertThat(one.out()).as(name).contains("Usage: pigsty " + name);
    }
    assertThat(run("help", "repo").out()).contains("Usage: pigsty repo");
    Run unknown = run("nosuch");
    assertThat(unknown.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(unknown.err()).contains("nosuch");
  }

  @Test
  void unknownOptionIsUsageError() {
    Run r = run("build", "--no-such-flag", "x.yml");
    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(r.err()).contains("--no-such-flag");
  }

  @Test
  void badDefinitionExitsWithDefinitionCodeAndFileLineKey() throws Exception {
    Path def = tmp.resolve("bad.yml");
    Files.writeString(def, "name: d12\npackges: []\n");
    Run r = run("resolve", def.toString(), "--requested");
    assertThat(r.code()).isEqualTo(ExitCode.DEFINITION.code);
    assertThat(r.err()).contains("bad.yml:2:").contains("packges");
  }

  @Test
  void verifyOfANonBundleFails() throws Exception {
    Path f = tmp.resolve("pigsty-pkg-x.tgz");
    Files.write(f, new byte[] {1, 2, 3});
    Run r = run("verify", f.toString());
    assertThat(r.code()).isIn(ExitCode.BUNDLE.code, ExitCode.IO.code);
    assertThat(r.err()).contains("pigsty-pkg-x.tgz");
  }

  @Test
  void verifyBundle_withoutKeyNamesTheSignerAsNotPinned_withAKeyFileAcceptsIt() throws Exception {
    Path pkg = NodeTestSupport.bundle(tmp, "debian", "12", "amd64");
    String fpr = NodeTestSupport.bundleKeyFingerprint();
    Run plain = run("verify", pkg.toString());
    assertThat(plain.code()).as(plain.err()).isZero();
    assertThat(plain.out()).contains("signed by " + fpr + " (", "not pinned", "--key");
    Path keyFile = Files.write(tmp.resolve("pigsty.gpg"), NodeTestSupport.bundleKeyring());
    for (String key : List.of(keyFile.toString(), fpr)) {
      Run pinned = run("verify", pkg.toString(), "--key", key);
      assertThat(pinned.code()).as(key + ": " + pinned.err()).isZero();
      assertThat(pinned.out()).contains("signed by " + fpr + " (pinned by --key)");
    }
    Run other = run("verify", pkg.toString(), "--key", "0".repeat(40));
    assertThat(other.code()).isEqualTo(ExitCode.BUNDLE.code);
    assertThat(other.err()).contains("signed by " + fpr, "expected key " + "0".repeat(40));
  }

  @Test
  void repoIndexOfMissingDirectoryIsFileSystemError() {
    Run r =
        run(
            "repo",
            "index",
            tmp.resolve("nope").toString(),
            "--key-dir",
            tmp.resolve("k").toString());
    assertThat(r.code()).isEqualTo(ExitCode.IO.code);
    assertThat(r.err()).contains("nope");
  }
}
