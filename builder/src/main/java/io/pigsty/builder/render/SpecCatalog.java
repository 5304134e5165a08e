package io.pigsty.builder.render;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The spec directory read as a whole: the OS images ({@code os.yml}), the cloud defaults ({@code
 * clouds.yml}) and the names of the environment specs present. Environment specs are read on demand
 * with {@link SpecLoader#spec(SpecCatalog, String)}.
 *
 * @param source where the files come from (a directory, or the copy built into the jar)
 * @param os OS code to image, in file order; the first is the default OS
 * @param clouds cloud name to defaults
 * @param specs names of the environment specs present, sorted
 */
public record SpecCatalog(
    SpecSource source, Map<String, OsImage> os, Map<String, Cloud> clouds, List<String> specs) {

  /**
   * @return the default OS code (the first in {@code os.yml})
   */
  public String defaultOs() {
    return os.keySet().iterator().next();
  }

  /**
   * @return the path naming {@code file} in messages
   */
  public Path label(String file) {
    return source.label(file);
  }
}
