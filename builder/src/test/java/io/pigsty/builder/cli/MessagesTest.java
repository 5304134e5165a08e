package io.pigsty.builder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.verify.SignedBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, item 17: the exit codes and messages of broken inputs, as the README's table says (8:
 * bundle check failed, 9: file system error with its reason).
 */
class MessagesTest {
  @TempDir Path tmp;

  private Path good() throws Exception {
    return SignedBundle.good().pack(tmp.resolve("good.tgz"));
  }

  @Test
  void verify_truncatedBundle_exits8SayingTruncated() throws Exception {
    byte[] b = Files.readAllBytes(good());
    Path cut = Files.write(tmp.resolve("cut.tgz"), Arrays.copyOf(b, b.length / 2));
    MainTest.Run r = MainTest.run("verify", cut.toString());
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
    assertThat(r.err()).contains("cut.tgz").contains("truncated");
  }

  @Test
  void verify_htmlInsteadOfATarball_exits8SayingNotGzip() throws Exception {
    Path html =
        Files.writeString(tmp.resolve("page.tgz"), "<!DOCTYPE html><html>Not Found</html>\n");
    MainTest.Run r = MainTest.run("verify", html.toString());
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
    assertThat(r.err()).contains("page.tgz").contains("not a gzip file");
  }

  @Test
  void verify_gzipOfSomethingElse_exits8() throws Exception {
    Path gz = tmp.resolve("text.tgz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("just text, no tar header at all\n".repeat(40).getBytes(StandardCharsets.UTF_8));
    }
    MainTest.Run r = MainTest.run("verify", gz.toString());
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
  }

  @Test
  void verify_missingBundle_exits9WithTheReason() {
    MainTest.Run r = MainTest.run("verify", tmp.resolve("absent.tgz").toString());
    assertThat(r.code()).isEqualTo(ExitCode.IO.code);
    assertThat(r.err()).contains("absent.tgz: No such file or directory");
  }

  @Test
  void verify_manifestNotJson_namesTheFileWithoutTheParsersMessage() throws Exception {
    SignedBundle b = SignedBundle.good();
    b.files.put("manifest.json", "{\"format\": 1, <html>".getBytes(StandardCharsets.UTF_8));
    Path tgz = b.pack(tmp.resolve("badjson.tgz"));
    MainTest.Run r = MainTest.run("verify", tgz.toString());
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
    assertThat(r.err())
        .contains("pigsty/manifest.json is not valid JSON (at line 1, column")
        .doesNotContain("Unexpected character")
        .doesNotContain("Source:");
  }

  /** 15,000 stray files, two problems each (not in the manifest; neither package nor metadata). */
  @Test
  void verify_thirtyThousandProblems_printsTwentySortedAndACount() throws Exception {
    SignedBundle b = SignedBundle.good();
    for (int i = 14_999; i >= 0; i--) { // in reverse: the output must be sorted
      b.files.put(String.format("junk-%05d", i), new byte[0]);
    }
    Path tgz = b.pack(tmp.resolve("junk.tgz"));
    MainTest.Run r = MainTest.run("verify", tgz.toString());
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
    List<String> lines = r.err().lines().toList();
    assertThat(lines).hasSizeLessThanOrEqualTo(22);
    assertThat(lines.get(0)).contains("30000 problem(s)");
    assertThat(lines.get(1)).contains("junk-00000 is neither a package");
    assertThat(lines.get(2)).contains("junk-00000 is not in the manifest");
    assertThat(lines.get(20)).contains("junk-00009 is not in the manifest");
    assertThat(lines.get(21)).isEqualTo("  ... and 29980 more");
  }

  @Test
  void verify_escapeInAnEntryName_neverReachesTheTerminal() throws Exception {
    SignedBundle b = SignedBundle.good();
    b.files.put("evil\u001b[2J\u001b]0;owned\u0007.deb", new byte[] {1});
    Path tgz = b.pack(tmp.resolve("esc.tgz"));
    MainTest.Run r = MainTest.run("verify", tgz.toString());
    assertThat(r.code()).isEqualTo(ExitCode.BUNDLE.code);
    assertThat(r.err()).doesNotContain("\u001b").doesNotContain("\u0007").contains("evil\\x1b[2J");
  }

  @Test
  void build_outUnderARegularFile_exits9BeforeAnyDownload() throws Exception {
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Path def = Path.of("src/test/resources/bundle/good.yml");
    // nothing listens on port 1: a download attempt would exit 4, not 9
    MainTest.Run r =
        MainTest.run(
            "build",
            def.toString(),
            "-o",
            file.resolve("out").toString(),
            "--mirror",
            "http://127.0.0.1:1/debian",
            "--cache",
            tmp.resolve("cache").toString(),
            "--key-dir",
            tmp.resolve("key").toString());
    assertThat(r.code()).isEqualTo(ExitCode.IO.code);
    assertThat(r.err()).contains("a-file/out: Not a directory").contains("-o/--out");
  }

  @Test
  void build_outThatIsAFile_exits9NamingIt() throws Exception {
    Path file = Files.writeString(tmp.resolve("out"), "x");
    MainTest.Run r =
        MainTest.run(
            "build",
            "src/test/resources/bundle/good.yml",
            "-o",
            file.toString(),
            "--mirror",
            "http://127.0.0.1:1/debian",
            "--cache",
            tmp.resolve("cache").toString(),
            "--key-dir",
            tmp.resolve("key").toString());
    assertThat(r.code()).isEqualTo(ExitCode.IO.code);
    assertThat(r.err()).contains(file + ": Not a directory");
  }

  @Test
  void build_readTimeoutOutOfRange_isAUsageError() {
    MainTest.Run r =
        MainTest.run("build", "src/test/resources/bundle/good.yml", "--read-timeout", "0");
    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code);
    assertThat(r.err()).contains("--read-timeout must be 1..3600 seconds, got 0");
  }

  @Test
  void sign_missingFile_saysNoSuchFileOnce() {
    MainTest.Run r =
        MainTest.run(
            "sign", tmp.resolve("nope").toString(), "--key-dir", tmp.resolve("k").toString());
    assertThat(r.code()).isEqualTo(ExitCode.IO.code);
    assertThat(r.err()).contains("nope: No such file or directory");
  }
}
