package io.pigsty.builder.cli;

import io.pigsty.builder.catalog.CatalogUpdate;
import io.pigsty.builder.definition.ExtensionCatalog;
import io.pigsty.builder.fetch.ConsoleProgress;
import io.pigsty.builder.fetch.Downloader;
import io.pigsty.repo.Printable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pigsty catalog update|list|show}: the extension catalog. */
@Command(
    name = "catalog",
    mixinStandardHelpOptions = true,
    description =
        "The extension catalog (bundles/extensions.yml): regenerate it from an archive, print it.",
    subcommands = {
      CatalogCommand.Update.class,
      CatalogCommand.ListEntries.class,
      CatalogCommand.Show.class
    })
final class CatalogCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand (update, list, show)");
  }

  /** The catalog {@code list} and {@code show} read: {@code --catalog FILE}, else the jar's. */
  static final class Source {
    @Option(
        names = "--catalog",
        paramLabel = "FILE",
        description =
            "Read this catalog (e.g. bundles/extensions.yml) instead of the copy in the jar, which"
                + " is what install reads.")
    Path file;

    ExtensionCatalog load() throws Exception {
      return file == null ? ExtensionCatalog.bundled() : ExtensionCatalog.load(file);
    }

    String label() {
      return file == null ? "the jar's catalog" : file.toString();
    }
  }

  /** {@code pigsty catalog update DEF}. */
  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = {
        "Rewrite the definition's extension catalog (extensions_file, default extensions.yml"
            + " beside it) with what its Debian archive holds for its OS code and pg_major: every"
            + " postgresql-<major>-* and postgresql-pl*-<major> package, downloaded and checked"
            + " against the signed index, with its version, description, CREATE EXTENSION names"
            + " (.control files), the libraries it needs in shared_preload_libraries (from the"
            + " symbols its modules import) and its logical decoding output plugins (the modules"
            + " exporting _PG_output_plugin_init). Hand-written keys and other targets' records are"
            + " kept; an unchanged archive leaves the file byte for byte as it was. Rebuild the"
            + " jar afterwards: install reads the copy in it."
      })
  static final class Update implements Callable<Integer> {
    @Parameters(paramLabel = "DEF", description = "Bundle definition, e.g. bundles/d12.yml.")
    Path definition;

    @Mixin CommonOptions common;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CompletableFuture<Downloader> client = common.downloaderAsync();
      CatalogUpdate.Result r;
      try (Downloader d = CommonOptions.join(client)) {
        r =
            new CatalogUpdate(
                    d,
                    common.contentCache(),
                    common.mirrors(),
                    System.err,
                    new ConsoleProgress(System.err))
                .update(definition);
      }
      PrintWriter o = spec.commandLine().getOut();
      o.printf(
          Locale.ROOT, "catalog  %s (%s)%n", r.catalog(), r.changed() ? "written" : "unchanged");
      o.printf(
          Locale.ROOT,
          "target   %s: %d candidate packages, %d entries, %d with preload libraries, %d with"
              + " output plugins, %d skipped, %d new aliases%n",
          r.target(),
          r.candidates(),
          r.records(),
          r.preload().size(),
          r.outputPlugins().size(),
          r.skipped().size(),
          r.added().size());
      o.printf(
          Locale.ROOT,
          "download %.1f MB (packages %.1f MB, cached or not), %.1f s%n",
          r.bytesDownloaded() / 1e6,
          r.packageBytes() / 1e6,
          r.seconds());
      o.flush();
      return 0;
    }
  }

  /** {@code pigsty catalog list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Print the catalog as a table: alias, target (<os code>-<major>), package, version, the"
            + " libraries for shared_preload_libraries, the logical decoding output plugins and the"
            + " CREATE EXTENSION names; one line per archive record, or per entry without one ('-':"
            + " from the templates)."
      })
  static final class ListEntries implements Callable<Integer> {
    @Option(names = "--os", paramLabel = "CODE", description = "Only this OS code, e.g. d12.")
    String os;

    @Option(names = "--major", paramLabel = "N", description = "Only this PostgreSQL major.")
    Integer major;

    @Mixin Source source;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ExtensionCatalog catalog = source.load();
      List<String[]> rows = new ArrayList<>();
      rows.add(
          new String[] {
            "ALIAS", "TARGET", "PACKAGE", "VERSION", "PRELOAD", "OUTPUT_PLUGINS", "EXTENSIONS"
          });
      for (ExtensionCatalog.Extension e : catalog.entries()) {
        List<ExtensionCatalog.Archived> records =
            e.archive().values().stream()
                .filter(a -> os == null || a.osCode().equals(os))
                .filter(a -> major == null || a.major() == major)
                .toList();
        for (ExtensionCatalog.Archived a : records) {
          rows.add(
              new String[] {
                e.alias(),
                a.target(),
                a.packageName(),
                a.version(),
                joined(a.preload()),
                joined(a.outputPlugins()),
                joined(a.extensions())
              });
        }
        if (!records.isEmpty()) {
          continue;
        }
        if (os == null && major == null) {
          rows.add(
              new String[] {
                e.alias(), "-", templates(e), "-", "-", "-", joined(e.extensions()),
              });
        } else if (os != null && major != null && !catalog.covers(os, major)) {
          String family = os.startsWith("el") ? "rpm" : "deb";
          if (catalog.whyUnavailable(e, os, family, major).isEmpty()) {
            rows.add(
                new String[] {
                  e.alias(),
                  ExtensionCatalog.Archived.key(os, major),
                  String.join(" ", catalog.packages(e, os, family, major)),
                  "-",
                  "-",
                  "-",
                  joined(e.extensions())
                });
          }
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      table(rows, out);
      out.flush();
      long preload = rows.stream().skip(1).filter(r -> !r[4].equals("-")).count();
      long plugins = rows.stream().skip(1).filter(r -> !r[5].equals("-")).count();
      spec.commandLine()
          .getErr()
          .printf(
              Locale.ROOT,
              "%d rows, %d with preload libraries, %d with output plugins (%s)%n",
              rows.size() - 1,
              preload,
              plugins,
              source.label());
      return 0;
    }

    private static String templates(ExtensionCatalog.Extension e) {
      List<String> t = e.byFamily().getOrDefault("deb", e.byFamily().get("rpm"));
      return t == null ? "-" : String.join(" ", t);
    }
  }

  /** {@code pigsty catalog show NAME}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Print one entry: its templates, overrides and majors, then per archive record the"
            + " package, version, description, CREATE EXTENSION names, preload libraries and"
            + " logical decoding output plugins."
            + " Exit 2 when no entry has that alias or extension name."
      })
  static final class Show implements Callable<Integer> {
    @Parameters(
        paramLabel = "NAME",
        description = "An alias (pg_repack) or a CREATE EXTENSION name (postgis_topology).")
    String name;

    @Mixin Source source;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ExtensionCatalog catalog = source.load();
      Optional<ExtensionCatalog.Extension> found = catalog.providing(name);
      if (found.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "no extension '"
                + name
                + "' in "
                + source.label()
                + catalog.closest(name).map(c -> " (did you mean '" + c + "'?)").orElse("")
                + "; 'pigsty catalog list' prints every entry");
      }
      ExtensionCatalog.Extension e = found.get();
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"alias", e.alias()});
      for (Map.Entry<String, List<String>> f : e.byFamily().entrySet()) {
        rows.add(new String[] {f.getKey(), String.join(" ", f.getValue())});
      }
      for (Map.Entry<String, List<String>> o : e.byOsCode().entrySet()) {
        rows.add(
            new String[] {
              o.getKey(),
              o.getValue().isEmpty() ? "~ (not available)" : String.join(" ", o.getValue())
            });
      }
      if (!e.majors().isEmpty()) {
        rows.add(
            new String[] {"majors", joined(e.majors().stream().map(String::valueOf).toList())});
      }
      if (!e.extensions().isEmpty()) {
        rows.add(new String[] {"extensions", joined(e.extensions())});
      }
      for (ExtensionCatalog.Archived a : e.archive().values()) {
        rows.add(new String[] {a.target(), a.packageName() + " " + a.version()});
        rows.add(new String[] {"  description", a.description()});
        rows.add(new String[] {"  extensions", joined(a.extensions())});
        rows.add(new String[] {"  preload", joined(a.preload())});
        rows.add(new String[] {"  output_plugins", joined(a.outputPlugins())});
      }
      PrintWriter out = spec.commandLine().getOut();
      table(rows, out);
      out.flush();
      return 0;
    }
  }

  private static String joined(List<String> items) {
    return items.isEmpty() ? "-" : String.join(",", items);
  }

  /** Columns padded to their widest cell, two blanks apart, the last not padded. */
  static void table(List<String[]> rows, PrintWriter out) {
    // a description comes from a package: no control character of it reaches the terminal
    rows =
        rows.stream()
            .map(r -> Arrays.stream(r).map(Printable::escape).toArray(String[]::new))
            .toList();
    int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
