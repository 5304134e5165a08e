package io.pigsty.builder.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.builder.bundle.Mirrors;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YumReposTest {
  @TempDir Path tmp;

  @Test
  void readsBaseurlsWithDnfVariablesAndSkipsDisabledOrMirrorlistOnlyRepos() throws Exception {
    Path d = Files.createDirectories(tmp.resolve("yum.repos.d"));
    Path vars = Files.createDirectories(tmp.resolve("vars"));
    Files.writeString(vars.resolve("contentdir"), "pub/rocky\n");
    Files.writeString(
        d.resolve("rocky.repo"),
        String.join(
            "\n",
            "[baseos]",
            "name=Rocky Linux $releasever - BaseOS",
            "#mirrorlist=https://mirrors.example/?arch=$basearch",
            "baseurl=http://mirror.example/$contentdir/$releasever/BaseOS/$basearch/os/",
            "        http://second.example/BaseOS/",
            "gpgcheck=1",
            "",
            "[appstream]",
            "mirrorlist=https://mirrors.example/?repo=AppStream",
            "",
            "[crb]",
            "baseurl=http://mirror.example/$contentdir/$releasever_major/CRB/${basearch}/os",
            "enabled=0",
            "[epel]",
            "baseurl = http://epel.example/epel/$releasever/Everything/$basearch/",
            ""));
    Files.writeString(d.resolve("ignored.repo.rpmsave"), "[x]\nbaseurl=http://x/\n");
    YumRepos y = YumRepos.read(d, vars);
    assertThat(y.ids()).containsExactly("baseos", "epel");
    assertThat(y.baseFor("baseos", "9.4", "x86_64"))
        .contains(URI.create("http://mirror.example/pub/rocky/9.4/BaseOS/x86_64/os"));
    assertThat(y.baseFor("epel", "9", "aarch64"))
        .contains(URI.create("http://epel.example/epel/9/Everything/aarch64"));
    assertThat(y.baseFor("appstream", "9", "x86_64")).isEmpty();
    assertThat(y.baseFor("crb", "9", "x86_64")).isEmpty();
    assertThat(YumRepos.read(tmp.resolve("none"), null).ids()).isEmpty();
  }

  @Test
  void mirrorsPreferTheCommandLineThenTheDefinitionThenTheHost() throws Exception {
    YumRepos host =
        YumRepos.parse(
            List.of("[baseos]", "baseurl=http://host.example/$releasever/BaseOS/$basearch/os/"));
    Mirrors none = new Mirrors(List.of(), null, host);
    assertThat(none.baseForRepo("baseos", Optional.empty(), "9", "x86_64"))
        .contains(URI.create("http://host.example/9/BaseOS/x86_64/os"));
    assertThat(none.baseForRepo("epel", Optional.empty(), "9", "x86_64")).isEmpty();
    assertThat(
            none.baseForRepo(
                "epel", Optional.of(URI.create("http://def.example/epel")), "9", "x86_64"))
        .contains(URI.create("http://def.example/epel"));
    Mirrors all = new Mirrors(List.of("http://127.0.0.1:8080/el9/$repo/"), null, host);
    assertThat(all.baseForRepo("baseos", Optional.empty(), "9", "x86_64"))
        .contains(URI.create("http://127.0.0.1:8080/el9/baseos"));
    Mirrors one =
        new Mirrors(
            List.of("http://127.0.0.1:8080/el9/$repo", "baseos=http://local.example/bos"),
            null,
            host);
    assertThat(one.baseForRepo("baseos", Optional.empty(), "9", "x86_64"))
        .contains(URI.create("http://local.example/bos"));
    assertThat(one.baseForRepo("epel", Optional.empty(), "9", "x86_64"))
        .contains(URI.create("http://127.0.0.1:8080/el9/epel"));
  }
}
