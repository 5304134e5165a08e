package io.pigsty.builder.render;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.ConditionalTemplateConfigurationFactory;
import freemarker.cache.FileNameGlobMatcher;
import freemarker.cache.FirstMatchTemplateConfigurationFactory;
import freemarker.core.OutputFormat;
import freemarker.core.TemplateConfiguration;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import io.pigsty.builder.definition.BundleDefinition;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders an environment spec for one tool and provider with FreeMarker 2.3.35 templates held as
 * classpath resources under {@code /image/}. Templates use the square-bracket syntax ({@code [=x]},
 * {@code [#list]}), so HCL's and Ruby's {@code ${...}} and {@code #{...}} pass through untouched;
 * numbers are printed with {@code ?c} (no grouping). Every value of {@code Vagrantfile.ftl} is
 * escaped for a Ruby double-quoted string and every value of the {@code .tf} and {@code .pkr.hcl}
 * templates for an HCL quoted string ({@code ${} and {@code %{} doubled), whatever its source.
 */
public final class Renderer {

  /** What is rendered, with its providers (the first is the default) and default output root. */
  public enum Kind {
    /** Vagrantfiles ({@code vagrant/<spec>/<os>/<provider>/Vagrantfile}). */
    VAGRANT("vagrant", List.of("libvirt", "virtualbox")),
    /** Terraform configurations ({@code terraform/<spec>/<os>/<provider>/main.tf}). */
    TERRAFORM("terraform", List.of("aws", "aliyun")),
    /**
     * Packer HCL2 templates ({@code images/<spec>/<os>/<provider>/pigsty.pkr.hcl}); the spec's meta
     * node sizes the build VM.
     */
    PACKER("images", List.of("qemu", "amazon-ebs"));

    public final String root;
    public final List<String> providers;

    Kind(String root, List<String> providers) {
      this.root = root;
      this.providers = providers;
    }

    /**
     * @return the name as on the command line ({@code vagrant}, {@code terraform}, {@code packer})
     */
    public String command() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The ports opened to {@code allowed_cidr} by the cloud security groups, and no others (Pigsty's
   * SSH, nginx portal and PostgreSQL).
   */
  private static final String BUILD_PASSWORD = "pigsty-build";

  private static final List<Map<String, Object>> OPEN_PORTS =
      List.of(
          Map.of("id", "ssh", "name", "SSH", "port", 22),
          Map.of("id", "http", "name", "HTTP (nginx portal)", "port", 80),
          Map.of("id", "postgres", "name", "PostgreSQL", "port", 5432));

  /**
   * One rendering.
   *
   * @param kind the tool
   * @param spec the environment
   * @param os the target OS
   * @param provider one of {@code kind.providers}
   * @param version product version of the release and the bundle, e.g. {@code 4.0.0}
   * @param dist path of the directory holding the release and bundle, relative to the output
   *     directory (forward slashes), e.g. {@code ../../../../dist}
   */
  public record Request(
      Kind kind, EnvSpec spec, OsImage os, String provider, String version, String dist) {}

  /**
   * What {@link Request#dist()} may hold: letters, digits and {@code . _ - + @ , : ~ /}; no space,
   * quote, backslash, {@code $}, {@code #}, {@code %} or brace.
   */
  private static final Pattern DIST = Pattern.compile("[A-Za-z0-9._+@,:~/-]+");

  /**
   * @param dist a candidate {@link Request#dist()} (or the path it is made from), may be null
   * @return whether it is a plain path of the characters of {@link #DIST}
   */
  public static boolean isDist(String dist) {
    return dist != null && DIST.matcher(dist).matches();
  }

  private final Configuration fm;

  /** Creates a renderer over the templates in the jar. */
  public Renderer() {
    fm = new Configuration(Configuration.VERSION_2_3_35);
    fm.setTemplateLoader(new ClassTemplateLoader(Renderer.class, "/image"));
    fm.setDefaultEncoding("UTF-8");
    fm.setLocalizedLookup(false);
    fm.setInterpolationSyntax(Configuration.SQUARE_BRACKET_INTERPOLATION_SYNTAX);
    fm.setTagSyntax(Configuration.SQUARE_BRACKET_TAG_SYNTAX);
    fm.setRegisteredCustomOutputFormats(List.of(Escape.RUBY, Escape.HCL));
    fm.setTemplateConfigurations(
        new FirstMatchTemplateConfigurationFactory(
                escaped("Vagrantfile.ftl", Escape.RUBY),
                escaped("*.tf.ftl", Escape.HCL),
                escaped("*.pkr.hcl.ftl", Escape.HCL))
            .allowNoMatch(true));
    fm.setAutoEscapingPolicy(Configuration.ENABLE_IF_SUPPORTED_AUTO_ESCAPING_POLICY);
    fm.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
    fm.setLogTemplateExceptions(false);
    fm.setWrapUncheckedExceptions(true);
    fm.setFallbackOnNullLoopVariable(false);
    fm.setNumberFormat("computer");
    fm.setBooleanFormat("c");
  }

  private static ConditionalTemplateConfigurationFactory escaped(String glob, OutputFormat f) {
    TemplateConfiguration tc = new TemplateConfiguration();
    tc.setOutputFormat(f);
    return new ConditionalTemplateConfigurationFactory(new FileNameGlobMatcher(glob), tc);
  }

  /**
   * @return the default output directory of a rendering, relative to the project root: one layout
   *     for the three tools, {@code <vagrant|terraform|images>/<spec>/<os>/<provider>}
   */
  public static String defaultDir(Kind kind, String spec, String os, String provider) {
    return kind.root + "/" + spec + "/" + os + "/" + provider;
  }

  /**
   * Renders the files of a request.
   *
   * @param catalog the spec catalog (cloud defaults)
   * @param r the request
   * @param command the command line to name in the header comment
   * @return file name (relative, forward slashes) to content, in a stable order
   * @throws ImageException for an unknown provider, a version that is not a bundle version ({@link
   *     BundleDefinition#isVersion}), a dist that is not a plain path ({@link #isDist}), a node
   *     size with no instance type in {@code clouds.yml}, or a template failure (template named)
   */
  public Map<String, String> render(SpecCatalog catalog, Request r, String command)
      throws ImageException {
    if (!r.kind().providers.contains(r.provider())) {
      throw new ImageException(
          "unknown "
              + r.kind().command()
              + " provider '"
              + r.provider()
              + "'; expected one of "
              + String.join(", ", r.kind().providers));
    }
    if (!BundleDefinition.isVersion(r.version())) {
      throw new ImageException(
          "version '"
              + r.version()
              + "' is not a bundle version (letters, digits and . + ~ _ -, letter or digit first)");
    }
    if (!isDist(r.dist())) {
      throw new ImageException(
          "dist '" + r.dist() + "' is not a plain path (letters, digits and . _ - + @ , : ~ /)");
    }
    return renderUnchecked(catalog, r, command);
  }

  /**
   * {@link #render} without the version and dist checks, so tests can show that the templates'
   * escaping alone keeps a hostile value inert.
   */
  Map<String, String> renderUnchecked(SpecCatalog catalog, Request r, String command)
      throws ImageException {
    String cloudName =
        switch (r.provider()) {
          case "aws", "amazon-ebs" -> "aws";
          case "aliyun" -> "aliyun";
          default -> null;
        };
    Cloud cloud = cloudName == null ? null : catalog.clouds().get(cloudName);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("spec", specModel(r.spec(), cloud, catalog));
    model.put("os", osModel(r.os()));
    model.put("provider", r.provider());
    model.put("version", r.version());
    model.put("dist", r.dist());
    model.put("command", command);
    model.put(
        "specFile",
        r.kind() == Kind.PACKER
            ? "spec/" + r.spec().name() + ".yml (build VM size), spec/os.yml"
            : "spec/" + r.spec().name() + ".yml");
    model.put("netmask", netmask(r.spec().network()));
    if (cloud != null) {
      model.put("cloud", Map.of("name", cloud.name(), "region", cloud.region()));
    }
    model.put("ports", OPEN_PORTS);
    // the qemu build VM's throw-away login, set by cloud-init (user-data) and used by Packer
    model.put("buildPassword", BUILD_PASSWORD);

    Map<String, String> out = new LinkedHashMap<>();
    switch (r.kind()) {
      case VAGRANT -> out.put("Vagrantfile", process("Vagrantfile.ftl", model));
      case TERRAFORM -> out.put("main.tf", process(r.provider() + ".tf.ftl", model));
      case PACKER -> {
        out.put("pigsty.pkr.hcl", process(r.provider() + ".pkr.hcl.ftl", model));
        if (r.provider().equals("qemu")) {
          out.put("http/meta-data", process("meta-data.ftl", model));
          out.put("http/user-data", process("user-data.ftl", model));
        }
      }
    }
    return out;
  }

  private static Map<String, Object> specModel(EnvSpec s, Cloud cloud, SpecCatalog catalog)
      throws ImageException {
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (NodeSpec n : s.nodes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", n.name());
      m.put("id", n.name().replace('-', '_'));
      m.put("ip", n.ip());
      m.put("cpu", n.cpu());
      m.put("memory_mb", n.memoryMb());
      m.put("disk_gb", n.diskGb());
      m.put("meta", n.meta());
      m.put("size", n.size());
      if (cloud != null) {
        String type = cloud.instanceTypes().get(n.size());
        if (type == null) {
          throw new ImageException(
              catalog.label("clouds.yml")
                  + ":"
                  + cloud.line()
                  + ": "
                  + cloud.name()
                  + ".instance_types: no instance type for size "
                  + n.size()
                  + " of node "
                  + n.name()
                  + " in "
                  + s.file()
                  + "; add one");
        }
        m.put("instance_type", type);
      }
      nodes.add(m);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put(
        "description", s.description().isEmpty() ? s.nodes().size() + " node(s)" : s.description());
    m.put("network", s.network());
    m.put("nodes", nodes);
    m.put("meta", nodes.get(0));
    return m;
  }

  private static Map<String, Object> osModel(OsImage o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", o.code());
    m.put("title", o.title());
    m.put("family", o.family());
    m.put("arch", o.arch());
    m.put("vagrant_box", o.vagrantBox());
    m.put("vagrant_user", o.vagrantUser());
    m.put("ami_owner", o.amiOwner());
    m.put("ami_name", o.amiName());
    m.put("aws_root_device", o.awsRootDevice());
    m.put("aws_user", o.awsUser());
    m.put("aliyun_image", o.aliyunImage());
    m.put("aliyun_user", o.aliyunUser());
    m.put("qemu_image", o.qemuImage());
    m.put("qemu_user", o.qemuUser());
    return m;
  }

  static String netmask(String cidr) {
    Ipv4.Cidr c = Ipv4.Cidr.parse(cidr).orElseThrow();
    return Ipv4.format(c.mask());
  }

  private String process(String name, Map<String, Object> model) throws ImageException {
    try {
      Template t = fm.getTemplate(name);
      StringWriter w = new StringWriter();
      t.process(model, w);
      return w.toString();
    } catch (IOException | TemplateException e) {
      throw new ImageException("template image/" + name + ": " + e.getMessage(), e);
    }
  }
}
