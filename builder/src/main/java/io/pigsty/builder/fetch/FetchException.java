package io.pigsty.builder.fetch;

import io.pigsty.repo.PigstyException;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/** A download that failed: names the URL and why (HTTP status, size, SHA256 or I/O). */
public final class FetchException extends PigstyException {
  private static final long serialVersionUID = 1L;

  /** Exit code of the CLI when a download failed. */
  public static final int EXIT_CODE = 4;

  /** What went wrong, used by the retry policy and by callers that map errors to exit codes. */
  public enum Kind {
    /** The server answered with a status other than 200. */
    HTTP_STATUS,
    /** The body was complete but its length differs from the expected size. */
    SIZE_MISMATCH,
    /** The body had the expected size but its SHA256 differs. */
    CHECKSUM_MISMATCH,
    /** Connection, timeout, truncated body or local file error. */
    IO,
    /**
     * A limit was exceeded: a body longer than the cap for files of no signed size, or no complete
     * answer within the per-request deadline. Never retried.
     */
    LIMIT
  }

  private final URI uri;
  private final Kind kind;
  private final int status;

  /** Never retried: local file errors and interruption. */
  boolean permanent;

  /** Delay asked by a Retry-After header, in milliseconds; 0 when absent. */
  long retryAfterMillis;

  FetchException(URI uri, Kind kind, int status, String reason, Throwable cause) {
    this(uri, kind, status, uri + ": " + reason, cause, true);
  }

  private FetchException(
      URI uri, Kind kind, int status, String message, Throwable cause, boolean full) {
    super(EXIT_CODE, message, cause);
    this.uri = Objects.requireNonNull(uri, "uri");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.status = status;
  }

  /**
   * One exception for every failure of a {@link Downloader#fetchAll} run: its URI and kind are the
   * first failure's, its message lists them all, one per line.
   *
   * @param failures at least one failure
   * @param total how many files were requested
   */
  public static FetchException several(List<FetchReport.Failure> failures, int total) {
    FetchReport.Failure first = failures.get(0);
    StringBuilder sb = new StringBuilder();
    sb.append(failures.size()).append(" of ").append(total).append(" downloads failed:");
    for (FetchReport.Failure f : failures) {
      sb.append("\n  ").append(f.error().getMessage());
    }
    return new FetchException(
        first.request().uri(), first.error().kind(), -1, sb.toString(), first.error(), true);
  }

  static FetchException httpStatus(URI uri, int status) {
    return new FetchException(uri, Kind.HTTP_STATUS, status, "HTTP " + status, null);
  }

  /**
   * The error for a suite whose {@code InRelease} the mirror does not have (HTTP 404 or 410): a
   * mirror that publishes only {@code Release} and {@code Release.gpg} cannot be used, since the
   * builder trusts nothing but a clear-signed InRelease (apt prefers it too, and Debian has
   * published it since 2011). Exit code {@value #EXIT_CODE}, as any download failure.
   *
   * @param inRelease the URL of the missing InRelease, non-null
   * @param suite the suite, e.g. {@code bookworm}, non-null
   * @param cause the HTTP status failure, non-null
   * @return "no signed InRelease at URL for suite 'S' (HTTP 404); ..."
   */
  public static FetchException noInRelease(URI inRelease, String suite, FetchException cause) {
    return new FetchException(
        inRelease,
        Kind.HTTP_STATUS,
        cause.status,
        "no signed InRelease at "
            + inRelease
            + " for suite '"
            + suite
            + "' (HTTP "
            + cause.status
            + "); a mirror with only Release and Release.gpg is not supported: use one that"
            + " publishes InRelease",
        cause,
        true);
  }

  static FetchException sizeMismatch(URI uri, long expected, long got) {
    return new FetchException(
        uri, Kind.SIZE_MISMATCH, -1, "expected " + expected + " bytes, got " + got, null);
  }

  static FetchException checksumMismatch(URI uri, String expected, String got) {
    return new FetchException(
        uri,
        Kind.CHECKSUM_MISMATCH,
        -1,
        "SHA256 mismatch: expected " + expected + ", got " + got,
        null);
  }

  static FetchException io(URI uri, String reason, Throwable cause) {
    return new FetchException(uri, Kind.IO, -1, "I/O error: " + reason, cause);
  }

  static FetchException limit(URI uri, String reason) {
    FetchException e = new FetchException(uri, Kind.LIMIT, -1, reason, null);
    e.permanent = true;
    return e;
  }

  static FetchException local(URI uri, String reason, Throwable cause) {
    FetchException e = io(uri, reason, cause);
    e.permanent = true;
    return e;
  }

  /** Returns a copy whose message also says how many attempts were made. */
  FetchException afterAttempts(int attempts) {
    if (attempts <= 1) {
      return this;
    }
    String reason = getMessage().substring(uri.toString().length() + 2);
    FetchException e =
        new FetchException(
            uri, kind, status, reason + " (after " + attempts + " attempts)", getCause());
    e.setStackTrace(getStackTrace());
    e.permanent = permanent;
    e.retryAfterMillis = retryAfterMillis;
    return e;
  }

  /** The URL at fault; never null. */
  public URI uri() {
    return uri;
  }

  /** The kind of failure; never null. */
  public Kind kind() {
    return kind;
  }

  /** The HTTP status when {@link #kind()} is {@link Kind#HTTP_STATUS}, otherwise empty. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }
}
