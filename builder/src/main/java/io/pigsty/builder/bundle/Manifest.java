package io.pigsty.builder.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pigsty.repo.deb.DebPackage;
import io.pigsty.repo.deb.FlatRepository;
import io.pigsty.repo.sign.BundleKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code manifest.json} of a bundle: the definition and target, the upstreams with the
 * digests of what was read from them, every file of the repository with size, SHA256 and
 * upstream URL, and for each package the requested packages that pulled it in. It holds no
 * time of build, so equal inputs give an equal manifest.
 */
public final class Manifest {
  /** Schema version of the manifest. */
  public static final int FORMAT = 1;

  private Manifest() {}

  static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The part every manifest starts with: format, name, version, target, the definition (file
   * name, SHA256, switches, requests, extension aliases) and the signing key.
   *
   * @param keyFile the key's file name in the repository ({@code pigsty.gpg}, {@code RPM-GPG-KEY-pigsty})
   * @return a mutable, ordered map to add upstreams and files to
   */
  static Map<String, Object> head(BundleDefinition def, BundleKey key, String keyFile) throws IOException {
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
    d.put("sha256", io.pigsty.repo.Digests.sha256Hex(def.file()));
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

  /** @return path, size and SHA256 of each upstream index file read */
  static List<Map<String, Object>> indexes(List<UpstreamState.IndexFile> used) {
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

  /** @return path, size and SHA256 of each metadata file the bundle's repository holds */
  static List<Map<String, Object>> metadataFiles(Map<String, byte[]> files) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("path", f.getKey());
      o.put("size", f.getValue().length);
      o.put("sha256", io.pigsty.repo.Digests.sha256Hex(f.getValue()));
      out.add(o);
    }
    return out;
  }

  /**
   * Renders the manifest.
   *
   * @return UTF-8 JSON, newline-terminated
   */
  static byte[] render(BundleDefinition def, BundleBuilder.Resolved r, RepoFiles repo,
      Map<String, URI> upstreamBase, BundleKey key, List<FlatRepository.Entry> debs) throws IOException {
    Map<String, Object> m = head(def, key, BundleBuilder.KEYRING);
    List<Map<String, Object>> ups = new ArrayList<>();
    for (UpstreamState u : r.loaded().upstreams()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", u.name());
      o.put("suite", u.suite());
      o.put("url", u.base().toString());
      o.put("release_date", FlatRepository.rfc2822(u.date()));
      o.put("inrelease_sha256", u.inReleaseSha256());
      o.put("signed_by", u.signedBy());
      o.put("indexes", indexes(u.indexes()));
      o.put("packages", u.packages());
      ups.add(o);
    }
    m.put("upstreams", ups);
    Map<String, Set<String>> requestedBy = r.resolution().requestedBy();
    List<Map<String, Object>> files = new ArrayList<>();
    files.addAll(metadataFiles(repo.files()));
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
    byte[] json = JSON.writeValueAsBytes(m);
    byte[] out = new byte[json.length + 1];
    System.arraycopy(json, 0, out, 0, json.length);
    out[json.length] = '\n';
    return out;
  }
}
