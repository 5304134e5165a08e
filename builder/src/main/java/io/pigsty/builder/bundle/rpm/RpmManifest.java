package io.pigsty.builder.bundle.rpm;

import io.pigsty.builder.bundle.Manifest;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.builder.fetch.FetchRequest;
import io.pigsty.repo.rpm.RpmPackage;
import io.pigsty.repo.sign.BundleKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of an EL bundle, in the same shape as the Debian one ({@link Manifest}):
 * format, name, version, target, the definition (file SHA256, requests), the signing key, each
 * upstream (repository id, URL, repomd.xml SHA256, who signed it, the metadata files used), and
 * every file of the repository with size and SHA256; package files also name their NEVRA, upstream,
 * URL, the keys whose signatures were verified, and why they are in. It holds no build time, so
 * equal inputs give an equal manifest.
 */
final class RpmManifest {
  private RpmManifest() {}

  static byte[] render(
      BundleDefinition def,
      RpmBundleBuilder.Resolved r,
      Map<String, byte[]> metadata,
      BundleKey key,
      Map<RpmPackage, FetchRequest> requests,
      Map<RpmPackage, List<String>> signers,
      List<Map<String, Object>> local)
      throws IOException {
    Map<String, Object> m = Manifest.head(def, key, RpmBundleBuilder.KEY_FILE);
    List<Map<String, Object>> ups = new ArrayList<>();
    for (RpmUpstreamLoader.Loaded u : r.upstreams()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", u.upstream().name());
      o.put("suite", u.upstream().suite());
      o.put("url", u.base().toString());
      o.put("gpgcheck", u.upstream().gpgcheck());
      o.put("repo_gpgcheck", u.upstream().repoGpgcheck());
      o.put("repomd_sha256", u.repomdSha256());
      o.put("signed_by", u.repomdSignedBy());
      o.put("indexes", Manifest.indexes(u.metadata()));
      o.put("packages", u.repository().packages().size());
      ups.add(o);
    }
    m.put("upstreams", ups);
    List<Map<String, Object>> out = new ArrayList<>();
    out.addAll(Manifest.metadataFiles(metadata));
    for (RpmPackage p : r.resolution().packages()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("path", p.fileName());
      o.put("size", p.packageSize());
      o.put("sha256", requests.get(p).sha256());
      o.put("url", requests.get(p).uri().toString());
      o.put("package", p.name());
      o.put("version", p.evr().toString());
      o.put("arch", p.arch());
      o.put("upstream", r.upstreamOf(p).upstream().name());
      o.put("signed_by", signers.getOrDefault(p, List.of()));
      o.put("why", r.resolution().why(p.nameArch()));
      out.add(o);
    }
    out.addAll(local);
    m.put("files", out);
    byte[] json = Manifest.JSON.writeValueAsBytes(m);
    byte[] b = new byte[json.length + 1];
    System.arraycopy(json, 0, b, 0, json.length);
    b[json.length] = '\n';
    return b;
  }
}
