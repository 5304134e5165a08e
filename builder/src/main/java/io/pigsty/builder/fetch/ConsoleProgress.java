package io.pigsty.builder.fetch;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Prints fetch progress: a progress bar in MiB on a terminal, otherwise plain lines (about one per
 * 10% of the bytes or per {@code everyFiles} files, whichever comes first, plus one line per
 * failure and a summary). Thread-safe.
 */
public final class ConsoleProgress implements ProgressListener {
  private static final long MIB = 1024 * 1024;

  private final PrintStream out;
  private final boolean interactive;
  private final int everyFiles;
  private ProgressBar bar;
  private int files;
  private long bytes;
  private int doneFiles;
  private long doneBytes;
  private int cacheHits;
  private int failures;
  private int lastDecile;
  private int lastReportedFiles;
  private long startNanos;

  /**
   * A listener that draws a bar when {@code System.console() != null}, else prints plain lines.
   *
   * @param out where to write, usually {@code System.err}; non-null
   */
  public ConsoleProgress(PrintStream out) {
    this(out, System.console() != null, 500);
  }

  /**
   * A listener with the mode chosen by the caller.
   *
   * @param out where to write; non-null
   * @param interactive true for a progress bar, false for plain lines
   * @param everyFiles in plain mode, also print a line after this many files (at least 1)
   */
  public ConsoleProgress(PrintStream out, boolean interactive, int everyFiles) {
    this.out = Objects.requireNonNull(out, "out");
    this.interactive = interactive;
    if (everyFiles < 1) {
      throw new IllegalArgumentException("everyFiles must be >= 1, got " + everyFiles);
    }
    this.everyFiles = everyFiles;
  }

  @Override
  public synchronized void start(int files, long bytes) {
    this.files = files;
    this.bytes = bytes;
    this.startNanos = System.nanoTime();
    if (interactive) {
      bar =
          new ProgressBarBuilder()
              .setTaskName("fetch")
              .setInitialMax(Math.max(1, bytes))
              .setUnit("MiB", MIB)
              .showSpeed()
              .setConsumer(new ConsoleProgressBarConsumer(out))
              .build();
    } else {
      out.printf(Locale.ROOT, "fetch: %d files, %s%n", files, mib(bytes));
    }
  }

  @Override
  public synchronized void advanced(FetchRequest r, long n, boolean fromCache) {
    doneFiles++;
    doneBytes += n;
    if (fromCache) {
      cacheHits++;
    }
    if (bar != null) {
      bar.stepBy(n);
      bar.setExtraMessage(" " + doneFiles + "/" + files + " files");
      return;
    }
    int decile = bytes > 0 ? (int) (doneBytes * 10 / bytes) : doneFiles * 10 / Math.max(1, files);
    if (decile > lastDecile || doneFiles - lastReportedFiles >= everyFiles) {
      lastDecile = Math.max(lastDecile, decile);
      lastReportedFiles = doneFiles;
      out.printf(
          Locale.ROOT,
          "fetch: %d/%d files, %s of %s (%d%%)%n",
          doneFiles,
          files,
          mib(doneBytes),
          mib(bytes),
          bytes > 0 ? doneBytes * 100 / bytes : 100);
    }
  }

  @Override
  public synchronized void failed(FetchRequest r, FetchException e) {
    failures++;
    if (bar != null) {
      // start a fresh line so the message is not drawn over by the bar
      out.print('\r');
      out.println();
    }
    out.printf("fetch: FAILED %s: %s%n", r.label(), e.getMessage());
  }

  @Override
  public synchronized void done() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    out.printf(
        Locale.ROOT,
        "fetch: done, %d/%d files (%d from cache), %s, %d failed, %.1f s%n",
        doneFiles,
        files,
        cacheHits,
        mib(doneBytes),
        failures,
        seconds);
  }

  private static String mib(long b) {
    return String.format(Locale.ROOT, "%.1f MiB", b / (double) MIB);
  }
}
