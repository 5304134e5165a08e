package io.pigsty.builder.render;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Defaults of one cloud ({@code spec/clouds.yml}).
 *
 * @param name {@code aws} or {@code aliyun}
 * @param region default region
 * @param instanceTypes node size ({@link NodeSpec#size()}) to instance type
 * @param line 1-based line of the cloud's {@code instance_types} key, for errors
 */
public record Cloud(String name, String region, Map<String, String> instanceTypes, int line) {

  public Cloud {
    instanceTypes = Collections.unmodifiableMap(new LinkedHashMap<>(instanceTypes));
  }
}
