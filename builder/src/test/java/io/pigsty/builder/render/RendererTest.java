package io.pigsty.builder.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RendererTest {
  static SpecCatalog catalog;
  static final Renderer R = new Renderer();

  @BeforeAll
  static void load() throws Exception {
    catalog = SpecLoader.catalog(new SpecSource.Dir(SpecLoaderTest.SPEC));
  }

  static String render(Renderer.Kind kind, String spec, String os, String provider, String file)
      throws Exception {
    Renderer.Request r =
        new Renderer.Request(
            kind,
            SpecLoader.spec(catalog, spec),
            catalog.os().get(os),
            provider,
            "4.0.0",
            "../../../../dist");
    Map<String, String> files = R.render(catalog, r, "pigsty image test");
    assertThat(files).containsKey(file);
    return files.get(file);
  }

  /**
   * The top-level HCL blocks {@code <type> "<label>"...{ ... }} (brace matched), keyed by header.
   */
  static List<Map.Entry<String, String>> blocks(String hcl, String type) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?m)^\\s*" + Pattern.quote(type) + "((?: \"[^\"]*\")*) \\{$").matcher(hcl);
    while (m.find()) {
      int depth = 1;
      int i = m.end();
      while (depth > 0) {
        char c = hcl.charAt(i++);
        if (c == '{') {
          depth++;
        } else if (c == '}') {
          depth--;
        }
      }
      out.add(Map.entry(m.group(1).trim(), hcl.substring(m.end(), i - 1)));
    }
    return out;
  }

  static String attr(String body, String name) {
    Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(name) + "\\s*=\\s*(.+)$").matcher(body);
    return m.find() ? m.group(1).trim() : null;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "meta,d12,libvirt",
    "meta,el9,virtualbox",
    "full,d12,libvirt",
    "full,d12,virtualbox",
    "full,el9,libvirt"
  })
  void vagrant_nodesIpsCpuMemoryFromTheSpec(String spec, String os, String provider)
      throws Exception {
    String v = render(Renderer.Kind.VAGRANT, spec, os, provider, "Vagrantfile");
    EnvSpec s = SpecLoader.spec(catalog, spec);
    Matcher m =
        Pattern.compile(
                "\\{ name: \"([^\"]+)\", ip: \"([^\"]+)\", cpus: (\\d+), memory: (\\d+), disk_gb: (\\d+),"
                    + " meta: (true|false) }")
            .matcher(v);
    List<NodeSpec> rendered = new ArrayList<>();
    while (m.find()) {
      rendered.add(
          new NodeSpec(
              m.group(1),
              m.group(2),
              Integer.parseInt(m.group(3)),
              Integer.parseInt(m.group(4)),
              Integer.parseInt(m.group(5)),
              Boolean.parseBoolean(m.group(6))));
    }
    assertThat(rendered).isEqualTo(s.nodes());
    assertThat(v)
        .contains("config.vm.box = \"" + catalog.os().get(os).vagrantBox() + "\"")
        .contains("node.vm.network \"private_network\", ip: n[:ip], netmask: \"255.255.255.0\"")
        .contains("node.vm.provider \"" + provider + "\" do |v|")
        .contains("v.cpus = n[:cpus]", "v.memory = n[:memory]")
        .contains("pigsty-pkg-#{PIGSTY_VERSION}." + os + "." + catalog.os().get(os).arch() + ".tgz")
        .contains("File.expand_path(\"../../../../dist\", __dir__)")
        .contains(
            "install -m 0600 /tmp/pkg.tgz /root/pkg.tgz",
            "./configure -n -g -i #{n[:ip]} -p /root/pkg.tgz",
            "make install")
        .doesNotContain("[=", "[#");
    // exactly one provider block: a virtualbox file never configures libvirt and back
    String other = provider.equals("libvirt") ? "virtualbox" : "libvirt";
    assertThat(v).doesNotContain("provider \"" + other + "\"");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"meta,d12", "full,d12", "full,el9"})
  void terraformAws_securityGroupOpensOnly22_80_5432ToTheCidrVariable(String spec, String os)
      throws Exception {
    String tf = render(Renderer.Kind.TERRAFORM, spec, os, "aws", "main.tf");
    EnvSpec s = SpecLoader.spec(catalog, spec);
    String sg =
        blocks(tf, "resource").stream()
            .filter(b -> b.getKey().equals("\"aws_security_group\" \"pigsty\""))
            .findFirst()
            .orElseThrow()
            .getValue();
    Set<Integer> ports = new HashSet<>();
    List<Map.Entry<String, String>> ingress = blocks(sg, "ingress");
    assertThat(ingress).isNotEmpty();
    for (Map.Entry<String, String> in : ingress) {
      String cidr = attr(in.getValue(), "cidr_blocks");
      assertThat(cidr).doesNotContain("0.0.0.0/0");
      if (cidr.equals("[\"" + s.network() + "\"]")) {
        continue; // between the nodes of the spec's own subnet
      }
      assertThat(cidr).isEqualTo("[var.allowed_cidr]");
      assertThat(attr(in.getValue(), "protocol")).isEqualTo("\"tcp\"");
      int from = Integer.parseInt(attr(in.getValue(), "from_port"));
      assertThat(attr(in.getValue(), "to_port")).isEqualTo(String.valueOf(from));
      ports.add(from);
    }
    assertThat(ports).containsExactlyInAnyOrder(22, 80, 5432);
    assertRequiredVariable(tf, "allowed_cidr");
    assertThat(tf).contains("var.allowed_cidr != \"0.0.0.0/0\"");
    // instances at the spec's IPs with the size's instance type, and an output per node
    List<String> ips = new ArrayList<>();
    for (Map.Entry<String, String> b : blocks(tf, "resource")) {
      if (b.getKey().startsWith("\"aws_instance\"")) {
        ips.add(attr(b.getValue(), "private_ip"));
        assertThat(attr(b.getValue(), "vpc_security_group_ids"))
            .isEqualTo("[aws_security_group.pigsty.id]");
      }
    }
    assertThat(ips).isEqualTo(s.nodes().stream().map(n -> "\"" + n.ip() + "\"").toList());
    for (NodeSpec n : s.nodes()) {
      assertThat(tf).contains("output \"" + n.name().replace('-', '_') + "_public_ip\"");
      assertThat(tf)
          .contains(
              "instance_type          = \""
                  + catalog.clouds().get("aws").instanceTypes().get(n.size())
                  + "\"");
    }
    assertThat(tf)
        .contains(
            "cidr_block           = \"10.10.10.0/24\"",
            "cidr_block              = \"10.10.10.0/24\"")
        .contains(
            "value       = \"ssh "
                + catalog.os().get(os).awsUser()
                + "@${aws_instance.meta.public_ip}\"");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"meta,d12", "full,el9"})
  void terraformAliyun_rulesOpenOnly22_80_5432ToTheCidrVariable(String spec, String os)
      throws Exception {
    String tf = render(Renderer.Kind.TERRAFORM, spec, os, "aliyun", "main.tf");
    EnvSpec s = SpecLoader.spec(catalog, spec);
    Set<Integer> ports = new HashSet<>();
    List<String> ips = new ArrayList<>();
    for (Map.Entry<String, String> b : blocks(tf, "resource")) {
      String body = b.getValue();
      if (b.getKey().startsWith("\"alicloud_security_group_rule\"")) {
        assertThat(attr(body, "type")).isEqualTo("\"ingress\"");
        String cidr = attr(body, "cidr_ip");
        assertThat(cidr).doesNotContain("0.0.0.0/0");
        if (cidr.equals("\"" + s.network() + "\"")) {
          continue;
        }
        assertThat(cidr).isEqualTo("var.allowed_cidr");
        assertThat(attr(body, "ip_protocol")).isEqualTo("\"tcp\"");
        String[] range = attr(body, "port_range").replace("\"", "").split("/");
        assertThat(range[1]).isEqualTo(range[0]);
        ports.add(Integer.parseInt(range[0]));
      }
      if (b.getKey().startsWith("\"alicloud_instance\"")) {
        ips.add(attr(body, "private_ip"));
      }
    }
    assertThat(ports).containsExactlyInAnyOrder(22, 80, 5432);
    assertThat(ips).isEqualTo(s.nodes().stream().map(n -> "\"" + n.ip() + "\"").toList());
    assertRequiredVariable(tf, "allowed_cidr");
    assertThat(tf).contains("${alicloud_instance.meta.public_ip}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"d12", "el9"})
  void packerQemu_baseChecksumIsRequiredAndTheBuildVmIsTheMetaNodeSize(String os) throws Exception {
    Map<String, String> files =
        R.render(
            catalog,
            new Renderer.Request(
                Renderer.Kind.PACKER,
                SpecLoader.spec(catalog, "meta"),
                catalog.os().get(os),
                "qemu",
                "4.0.0",
                "../../../../dist"),
            "x");
    String hcl = files.get("pigsty.pkr.hcl");
    assertRequiredVariable(hcl, "base_image_checksum");
    assertRequiredVariable(hcl, "base_image_url");
    String src = blocks(hcl, "source").get(0).getValue();
    assertThat(attr(src, "iso_checksum")).isEqualTo("var.base_image_checksum");
    assertThat(attr(src, "cpus")).isEqualTo("2");
    assertThat(attr(src, "memory")).isEqualTo("4096");
    assertThat(attr(src, "ssh_username")).isEqualTo("\"" + catalog.os().get(os).qemuUser() + "\"");
    assertThat(hcl)
        .contains(
            "install -m 0600 /tmp/pkg.tgz /root/pkg.tgz",
            "./configure -n -g -p /root/pkg.tgz && make install",
            "\"${path.root}/../../../../dist\"",
            "pigsty-pkg-${var.version}." + os + ".");
    assertThat(files.get("http/user-data"))
        .startsWith("#cloud-config\n")
        .contains(catalog.os().get(os).qemuUser() + ":pigsty-build");
    assertThat(hcl).contains("passwd -l " + catalog.os().get(os).qemuUser());
  }

  @Test
  void packerAmazonEbs_sourceAmiIsRequired() throws Exception {
    String hcl = render(Renderer.Kind.PACKER, "meta", "d12", "amazon-ebs", "pigsty.pkr.hcl");
    assertRequiredVariable(hcl, "source_ami");
    String src = blocks(hcl, "source").get(0).getValue();
    assertThat(attr(src, "source_ami")).isEqualTo("var.source_ami");
    assertThat(attr(src, "instance_type")).isEqualTo("\"t2.medium\"");
    assertThat(attr(src, "device_name")).isEqualTo("\"/dev/xvda\"");
  }

  /** A {@code variable "name"} block that exists and has no default. */
  static void assertRequiredVariable(String hcl, String name) {
    List<Map.Entry<String, String>> vars =
        blocks(hcl, "variable").stream()
            .filter(b -> b.getKey().equals("\"" + name + "\""))
            .toList();
    assertThat(vars).as("variable %s", name).hasSize(1);
    assertThat(attr(vars.get(0).getValue(), "default")).as("default of %s", name).isNull();
  }

  @Test
  void terraform_aliyunVariablesAreTheAwsOnes() throws Exception {
    // terraform validate/plan run on the aws renderings only (no alicloud provider here), so
    // the aliyun file must carry the very same variable blocks they check
    String aws = render(Renderer.Kind.TERRAFORM, "full", "d12", "aws", "main.tf");
    String aliyun = render(Renderer.Kind.TERRAFORM, "full", "d12", "aliyun", "main.tf");
    for (String v : List.of("\"allowed_cidr\"")) {
      assertThat(blocks(aliyun, "variable").stream().filter(b -> b.getKey().equals(v)).toList())
          .isEqualTo(blocks(aws, "variable").stream().filter(b -> b.getKey().equals(v)).toList())
          .hasSize(1);
    }
  }

  @Test
  void render_unknownProviderIsRejected() throws Exception {
    Renderer.Request r =
        new Renderer.Request(
            Renderer.Kind.TERRAFORM,
            SpecLoader.spec(catalog, "meta"),
            catalog.os().get("d12"),
            "gcp",
            "4.0.0",
            "dist");
    assertThatThrownBy(() -> R.render(catalog, r, "x"))
        .isInstanceOf(ImageException.class)
        .hasMessageContaining("'gcp'")
        .hasMessageContaining("aws, aliyun");
  }

  @Test
  void render_nodeSizeWithoutInstanceTypeNamesCloudsFileAndNode(@TempDir Path tmp)
      throws Exception {
    for (String f : List.of("os.yml", "meta.yml", "full.yml")) {
      Files.copy(SpecLoaderTest.SPEC.resolve(f), tmp.resolve(f));
    }
    Files.writeString(
        tmp.resolve("clouds.yml"),
        """
                aws:
                  region: us-east-1
                  instance_types:
                    2c4g: t2.medium
                aliyun:
                  region: cn-beijing
                  instance_types: {2c4g: ecs.s6-c1m2.large}
                """);
    SpecCatalog c = SpecLoader.catalog(new SpecSource.Dir(tmp));
    Renderer.Request r =
        new Renderer.Request(
            Renderer.Kind.TERRAFORM,
            SpecLoader.spec(c, "full"),
            c.os().get("d12"),
            "aws",
            "4.0.0",
            "dist");
    assertThatThrownBy(() -> R.render(c, r, "x"))
        .isInstanceOf(ImageException.class)
        .hasMessageStartingWith(
            tmp.resolve("clouds.yml")
                + ":3: aws.instance_types: no instance type for size 1c2g"
                + " of node node-1");
    // meta alone fits
    assertThat(
            R.render(
                c,
                new Renderer.Request(
                    Renderer.Kind.TERRAFORM,
                    SpecLoader.spec(c, "meta"),
                    c.os().get("d12"),
                    "aws",
                    "4.0.0",
                    "dist"),
                "x"))
        .containsKey("main.tf");
  }

  @Test
  void squareBracketSyntax_passesHclAndRubyInterpolationThrough() throws Exception {
    assertThat(render(Renderer.Kind.TERRAFORM, "meta", "d12", "aws", "main.tf"))
        .contains("${aws_instance.meta.public_ip}");
    assertThat(render(Renderer.Kind.VAGRANT, "meta", "d12", "libvirt", "Vagrantfile"))
        .contains("\"pigsty-#{PIGSTY_VERSION}.tgz\"");
    assertThat(render(Renderer.Kind.PACKER, "meta", "d12", "qemu", "pigsty.pkr.hcl"))
        .contains("{{ .HTTPIP }}", "${local.dist}");
  }

  /** A value that runs {@code touch MARK} if pasted raw into a Ruby or HCL string. */
  static final String HOSTILE =
      "1\"; system(\"touch MARK\"); x = \"#{`touch MARK`}${file(\"/etc/hostname\")}%{ if true }\\\n";

  static Renderer.Request request(Renderer.Kind kind, String provider, String version, String dist)
      throws Exception {
    return new Renderer.Request(
        kind, SpecLoader.spec(catalog, "meta"), catalog.os().get("d12"), provider, version, dist);
  }

  /** Users' VMs and images must not come up with the published default passwords. */
  @Test
  void provisioning_configuresWithRandomPasswords() throws Exception {
    assertThat(render(Renderer.Kind.VAGRANT, "meta", "d12", "libvirt", "Vagrantfile"))
        .contains("./configure -n -g -i ");
    for (String p : List.of("qemu", "amazon-ebs")) {
      assertThat(render(Renderer.Kind.PACKER, "meta", "d12", p, "pigsty.pkr.hcl"))
          .contains("./configure -n -g -p /root/pkg.tgz");
    }
  }

  @Test
  void render_refusesAVersionThatIsNotABundleVersion() {
    for (String v : List.of("#{`id`}", "4.0.0\"", "${file(\"x\")}", "", "-1", "4.0 0")) {
      assertThatThrownBy(
              () -> R.render(catalog, request(Renderer.Kind.VAGRANT, "libvirt", v, "dist"), "x"))
          .as(v)
          .isInstanceOf(ImageException.class)
          .hasMessageContaining("version '" + v + "'");
    }
  }

  @Test
  void render_refusesADistThatIsNotAPlainPath() {
    for (String d : List.of("dist\"", "#{`id`}", "${path.cwd}", "%{x}", "a b", "a\nb", "")) {
      assertThatThrownBy(
              () -> R.render(catalog, request(Renderer.Kind.PACKER, "qemu", "4.0.0", d), "x"))
          .as(d)
          .isInstanceOf(ImageException.class)
          .hasMessageContaining("dist '" + d + "'");
    }
  }

  @Test
  void escapeRuby_backslashesQuoteBackslashHashAndControls() {
    assertThat(Escape.ruby("a\"b\\c#{d}#$e\n\t\u0001"))
        .isEqualTo("a\\\"b\\\\c\\#{d}\\#$e\\n\\t\\u0001");
    assertThat(Escape.ruby("4.0.0 ../../dist")).isEqualTo("4.0.0 ../../dist");
  }

  @Test
  void escapeHcl_doublesInterpolationAndTemplateDirectives() {
    assertThat(Escape.hcl("a\"b\\c${d}%{e}$f%g\n")).isEqualTo("a\\\"b\\\\c$${d}%%{e}$f%g\\n");
    assertThat(Escape.hcl("4.0.0 ../../dist")).isEqualTo("4.0.0 ../../dist");
  }

  /** Oracle: Ruby reads the rendered string back as the hostile value, and runs nothing. */
  @Test
  void vagrantfile_escapesEveryValue_rubyReadsAHostileVersionAsText(@TempDir Path tmp)
      throws Exception {
    Assumptions.assumeTrue(onPath("ruby"), "ruby not installed");
    String vf =
        R.renderUnchecked(catalog, request(Renderer.Kind.VAGRANT, "libvirt", HOSTILE, HOSTILE), "x")
            .get("Vagrantfile");
    StringBuilder rb = new StringBuilder();
    for (String line : vf.split("\n")) {
      if (line.startsWith("PIGSTY_")) {
        rb.append(line).append('\n');
      }
    }
    rb.append("STDOUT.write([PIGSTY_VERSION].pack('m0'))\n");
    Files.writeString(tmp.resolve("t.rb"), rb);
    String out = run(tmp, "ruby", "t.rb");
    assertThat(new String(Base64.getDecoder().decode(out.trim()), StandardCharsets.UTF_8))
        .isEqualTo(HOSTILE);
    assertThat(tmp.resolve("MARK")).doesNotExist();
    assertThat(vf).contains("PIGSTY_RELEASE", "PIGSTY_BUNDLE");
  }

  /** Oracle: Terraform reads the rendered default back as the hostile value. */
  @Test
  void packerTemplate_escapesEveryValue_terraformReadsAHostileVersionAsText(@TempDir Path tmp)
      throws Exception {
    Assumptions.assumeTrue(onPath("terraform"), "terraform not installed");
    for (String provider : List.of("qemu", "amazon-ebs")) {
      String hcl =
          R.renderUnchecked(catalog, request(Renderer.Kind.PACKER, provider, HOSTILE, HOSTILE), "x")
              .get("pigsty.pkr.hcl");
      StringBuilder tf = new StringBuilder();
      for (Map.Entry<String, String> b : blocks(hcl, "variable")) {
        if (b.getKey().equals("\"version\"") || b.getKey().equals("\"dist\"")) {
          tf.append("variable \"v_")
              .append(b.getKey().replace("\"", ""))
              .append("\" {")
              .append(b.getValue())
              .append("}\n");
        }
      }
      Path dir = Files.createDirectories(tmp.resolve(provider));
      Files.writeString(dir.resolve("main.tf"), tf);
      String out =
          run(dir, "sh", "-c", "echo 'base64encode(var.v_version)' | terraform console -no-color");
      String b64 = out.trim().replace("\"", "");
      assertThat(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8))
          .as(provider)
          .isEqualTo(HOSTILE);
      String local = hcl.substring(hcl.indexOf("locals {"));
      assertThat(local)
          .as(provider)
          .doesNotContainPattern("(?<!\\$)\\$\\{file")
          .contains("$${file", "%%{ if");
    }
  }

  static boolean onPath(String cmd) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, cmd))) {
        return true;
      }
    }
    return false;
  }

  static String run(Path dir, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("PIGSTY_") || k.startsWith("TF_"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
