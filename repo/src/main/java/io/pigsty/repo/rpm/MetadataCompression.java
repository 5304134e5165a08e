package io.pigsty.repo.rpm;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/** Chooses the decompressor for a repodata file by the suffix of its {@code location href}. */
public final class MetadataCompression {

  private MetadataCompression() {}

  /**
   * Wraps a raw stream in the decompressor its name asks for: {@code .gz}, {@code .xz}, {@code
   * .zst}, {@code .bz2}; any other suffix is read as is (as createrepo_c and dnf do).
   *
   * @param raw the compressed bytes, never null; closed when the returned stream is closed
   * @param href the file name or href whose suffix decides, never null
   * @return a stream of the uncompressed bytes
   * @throws IOException if the header of the compressed format is invalid
   */
  public static InputStream open(InputStream raw, String href) throws IOException {
    InputStream in = new BufferedInputStream(raw, 1 << 16);
    if (href.endsWith(".gz")) {
      return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    } else if (href.endsWith(".xz")) {
      return new BufferedInputStream(new XZInputStream(in), 1 << 16);
    } else if (href.endsWith(".zst") || href.endsWith(".zstd")) {
      return new BufferedInputStream(new ZstdInputStream(in), 1 << 16);
    } else if (href.endsWith(".bz2")) {
      return new BufferedInputStream(new BZip2CompressorInputStream(in), 1 << 16);
    }
    return in;
  }
}
