package io.pigsty.builder.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where spec files are read from: a directory ({@code spec/} of the project), or the copy of that
 * directory built into the jar under {@code /spec/} (used when no directory is given and {@code
 * ./spec} does not exist).
 */
public sealed interface SpecSource {

  /** Files of a spec directory that are not environment specs. */
  List<String> NOT_SPECS = List.of("os.yml", "clouds.yml");

  /**
   * Environment specs built into the jar. {@code SpecLoaderTest} checks this list against the
   * project's {@code spec/} so it cannot go stale.
   */
  List<String> BUILT_IN = List.of("full", "meta");

  /**
   * Opens a file of the source.
   *
   * @param file a name such as {@code os.yml}
   * @throws NoSuchFileException when the file is not there (message names {@link #label})
   * @throws IOException when it cannot be read
   */
  Reader open(String file) throws IOException;

  /**
   * @return how {@code file} is named in messages, e.g. {@code spec/os.yml}
   */
  Path label(String file);

  /**
   * @return names of the environment specs present (file names without {@code .yml}), sorted
   */
  List<String> specs() throws IOException;

  /** A spec directory on disk. */
  record Dir(Path dir) implements SpecSource {
    @Override
    public Reader open(String file) throws IOException {
      return Files.newBufferedReader(dir.resolve(file), StandardCharsets.UTF_8);
    }

    @Override
    public Path label(String file) {
      return dir.resolve(file);
    }

    @Override
    public List<String> specs() throws IOException {
      List<String> out = new ArrayList<>();
      try (Stream<Path> s = Files.list(dir)) {
        s.map(p -> p.getFileName().toString())
            .filter(n -> n.endsWith(".yml") && !NOT_SPECS.contains(n))
            .forEach(n -> out.add(n.substring(0, n.length() - 4)));
      }
      out.sort(null);
      return out;
    }
  }

  /** The copy of {@code spec/} in the jar. */
  record BuiltIn() implements SpecSource {
    @Override
    public Reader open(String file) throws IOException {
      InputStream in = SpecSource.class.getResourceAsStream("/spec/" + file);
      if (in == null) {
        throw new NoSuchFileException(label(file).toString());
      }
      return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    @Override
    public Path label(String file) {
      return Path.of("(built in)", "spec", file);
    }

    @Override
    public List<String> specs() {
      return BUILT_IN;
    }
  }
}
