package io.pigsty.builder.bundle.deb;

import io.pigsty.builder.bundle.Manifest;
import io.pigsty.builder.bundle.UpstreamState;
import io.pigsty.builder.definition.BundleDefinition;
import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.FlatRepository;
import io.pigsty.repo.sign.BundleKey;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code manifest.json} of a Debian bundle: the common head ({@link Manifest}), each upstream suite
 * with its InRelease digest, and every .deb with the requests that pulled it in.
 */
final class DebManifest {
  private DebManifest() {}

  /**
   * Renders the manifest.
   *
   * @return UTF-8 JSON, newline-terminated
   */
  static byte[] render(
      BundleDefinition def,
      DebBundleBuilder.Resolved r,
      RepoFiles repo,
      Map<String, URI> upstreamBase,
      BundleKey key,
      List<FlatRepository.Entry> debs)
      throws IOException {
    Map<String, Object> m = Manifest.head(def, key, DebBundleBuilder.KEYRING);
    List<Map<String, Object>> ups = new ArrayList<>();
    for (UpstreamState u : r.loaded().upstreams()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", u.name());
      o.put("suite", u.suite());
      o.put("url", u.base().toString());
      o.put("release_date", FlatRepository.rfc2822(u.date()));
      o.put("inrelease_sha256", u.inReleaseSha256());
      o.put("signed_by", u.signedBy());
      o.put("indexes", Manifest.indexes(u.indexes()));
      o.put("packages", u.packages());
      ups.add(o);
    }
    m.put("upstreams", ups);
    Map<String, Set<String>> requestedBy = r.resolution().requestedBy();
    List<Map<String, Object>> files = new ArrayList<>();
    files.addAll(Manifest.metadataFiles(repo.files()));
    for (FlatRepository.Entry e : debs) {
      DebPackage p = e.pkg();
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("path", e.filename().substring(e.filename().lastIndexOf('/') + 1));
      o.put("size", e.size());
      o.put("sha256", e.sha256());
      URI base = upstreamBase.get(p.origin()); // null for BundleBuilder.LOCAL_ORIGIN
      o.put("url", base == null ? null : base + "/" + p.filename());
      o.put("package", p.name());
      o.put("version", p.version().toString());
      o.put("arch", p.architecture());
      o.put("upstream", p.origin());
      o.put("requested_by", List.copyOf(requestedBy.getOrDefault(p.name(), Set.of())));
      o.put("why", r.resolution().why(p.name()));
      files.add(o);
    }
    m.put("files", files);
    byte[] json = Manifest.JSON.writeValueAsBytes(m);
    byte[] out = new byte[json.length + 1];
    System.arraycopy(json, 0, out, 0, json.length);
    out[json.length] = '\n';
    return out;
  }
}
