package io.pigsty.builder.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.definition.PackageRequest;
import io.pigsty.repo.Digests;
import io.pigsty.repo.sign.BundleKey;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code manifest.json} of a bundle: the definition and target, the upstreams with the digests of
 * what was read from them, every file of the repository with size, SHA256 and upstream URL, and for
 * each package the requested packages that pulled it in. It holds no time of build, so equal inputs
 * give an equal manifest.
 */
public final class Manifest {
  /** Schema version of the manifest. */
  public static final int FORMAT = 1;

  /** File name of the manifest at the repository root. */
  public static final String FILE = "manifest.json";

  /**
   * File name of the manifest's detached, armored signature by the bundle key. A separate file, not
   * an entry in Release or repomd.xml: the manifest lists the SHA256 of Release and repomd.xml, so
   * they cannot list it back, and one scheme serves both families.
   */
  public static final String SIGNATURE = "manifest.json.asc";

  private Manifest() {}

  /** Writes manifests (indented) and reads them back. */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The part every manifest starts with: format, name, version, target, the definition (file name,
   * SHA256, switches, requests, extension aliases) and the signing key.
   *
   * @param keyFile the key's file name in the repository ({@code pigsty.gpg}, {@code
   *     RPM-GPG-KEY-pigsty})
   * @return a mutable, ordered map to add upstreams and files to
   */
  public static Map<String, Object> head(BundleDefinition def, BundleKey key, String keyFile)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("name", def.name());
    m.put("version", def.version());
    Map<String, Object> target = new LinkedHashMap<>();
    target.put("os", def.target().os());
    target.put("release", def.target().release());
    target.put("codename", def.target().codename());
    target.put("arch", def.target().arch());
    m.put("target", target);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("file", def.file().getFileName().toString());
    d.put("sha256", Digests.sha256Hex(def.file()));
    d.put("pg_major", def.pgMajor());
    d.put("recommends", def.recommends());
    d.put("base_system", def.baseSystem());
    if (def.multilib()) {
      d.put("multilib", true);
    }
    List<Map<String, Object>> reqs = new ArrayList<>();
    for (PackageRequest pr : def.packages()) {
      Map<String, Object> q = new LinkedHashMap<>();
      q.put("module", pr.module());
      q.put("spec", pr.spec());
      reqs.add(q);
    }
    d.put("requested", reqs);
    d.put("extensions", def.extensions());
    m.put("definition", d);
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("fingerprint", key.fingerprint());
    k.put("file", keyFile);
    m.put("signing_key", k);
    return m;
  }

  /**
   * The PostgreSQL majors a bundle carries, from its manifest: {@code definition.pg_majors} (a
   * list, for a bundle that carries several) when present, else {@code definition.pg_major}.
   *
   * @param manifest a parsed manifest.json
   * @return the majors, the bundle's {@code pg_major} first, without duplicates; empty when the
   *     manifest names none
   */
  public static List<Integer> pgMajors(JsonNode manifest) {
    JsonNode d = manifest.path("definition");
    Set<Integer> out = new LinkedHashSet<>();
    if (d.path("pg_major").isInt()) {
      out.add(d.path("pg_major").asInt());
    }
    d.path("pg_majors")
        .forEach(
            m -> {
              if (m.isInt()) {
                out.add(m.asInt());
              }
            });
    return List.copyOf(out);
  }

  /**
   * Signs a rendered manifest.
   *
   * @param manifest the manifest.json bytes
   * @param key the bundle key, the one that signs InRelease or repomd.xml
   * @param stamp the signature time: a fixed instant gives reproducible bytes
   * @return the armored detached signature, the content of {@value #SIGNATURE}; deterministic
   */
  public static byte[] sign(byte[] manifest, BundleKey key, Instant stamp) {
    return key.detachSign(manifest, true, stamp);
  }

  /**
   * @return path, size and SHA256 of each upstream index file read
   */
  public static List<Map<String, Object>> indexes(List<UpstreamState.IndexFile> used) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (UpstreamState.IndexFile f : used) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("path", f.path());
      x.put("size", f.size());
      x.put("sha256", f.sha256());
      out.add(x);
    }
    return out;
  }

  /**
   * @return path, size and SHA256 of each metadata file the bundle's repository holds
   */
  public static List<Map<String, Object>> metadataFiles(Map<String, byte[]> files) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("path", f.getKey());
      o.put("size", f.getValue().length);
      o.put("sha256", Digests.sha256Hex(f.getValue()));
      out.add(o);
    }
    return out;
  }
}
