package io.pigsty.repo.rpm;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/** Chooses the decompressor for a repodata file by the suffix of its {@code location href}. */
public final class MetadataCompression {

  /**
   * Cap in bytes on the uncompressed size of a repodata file whose repomd entry gives no {@code
   * open-size} (createrepo_c always writes it): 1 GiB, twice the largest filelists of Fedora or EL
   * we know of. With open-size given, that size is the cap ({@link #boundFor}).
   */
  public static final long UNLISTED_MAX_BYTES = 1L << 30;

  private MetadataCompression() {}

  /**
   * The most bytes a repodata file may expand to: its repomd {@code open-size} when listed (a file
   * stored uncompressed: its {@code size}), else {@link #UNLISTED_MAX_BYTES}.
   *
   * @param entry the file's repomd entry, never null
   * @return a bound in bytes, at least 0
   */
  public static long boundFor(Repomd.Data entry) {
    if (entry.openSize() >= 0) {
      return entry.openSize();
    }
    String h = entry.href() == null ? "" : entry.href();
    boolean compressed =
        h.endsWith(".gz")
            || h.endsWith(".xz")
            || h.endsWith(".zst")
            || h.endsWith(".zstd")
            || h.endsWith(".bz2");
    return !compressed && entry.size() >= 0 ? entry.size() : UNLISTED_MAX_BYTES;
  }

  /**
   * As {@link #open(InputStream, String)}, but the returned stream fails with an {@link
   * IOException} ("expands to more than N bytes") as soon as it would yield more than {@code
   * maxBytes}: a decompression bomb costs at most that much work, never an unbounded heap or disk.
   *
   * @param raw the compressed bytes, never null; closed when the returned stream is closed
   * @param href the file name or href whose suffix decides, never null
   * @param maxBytes most uncompressed bytes allowed, at least 0
   * @return a stream of at most {@code maxBytes} uncompressed bytes
   * @throws IOException if the header of the compressed format is invalid
   */
  public static InputStream open(InputStream raw, String href, long maxBytes) throws IOException {
    return new Bounded(open(raw, href), maxBytes, href);
  }

  /** Counts what passes and fails once more than {@code max} bytes were asked for. */
  private static final class Bounded extends FilterInputStream {
    private final long max;
    private final String name;
    private long count;

    Bounded(InputStream in, long max, String name) {
      super(in);
      this.max = max;
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long k = in.skip(n);
      if (k > 0) {
        add(k);
      }
      return k;
    }

    private void add(long n) throws IOException {
      count += n;
      if (count > max) {
        throw new IOException(
            name
                + " expands to more than "
                + max
                + " bytes (its open-size in repomd.xml, or "
                + UNLISTED_MAX_BYTES
                + " when none is given)");
      }
    }
  }

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
