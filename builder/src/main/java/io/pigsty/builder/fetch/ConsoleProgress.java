package io.pigsty.builder.fetch;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Download progress: a progress bar in MB when a terminal is attached, otherwise plain lines
 * (one each 10% of the bytes, and one per failure) so that CI logs stay readable.
 */
public final class ConsoleProgress implements ProgressListener {
  private final PrintStream out;
  private final boolean terminal;
  private ProgressBar bar;
  private final AtomicLong done = new AtomicLong();
  private final AtomicInteger files = new AtomicInteger();
  private final AtomicInteger cached = new AtomicInteger();
  private volatile long total;
  private volatile int count;
  private volatile int lastDecile;
  private long started;

  /** @param out where progress goes (stderr for the CLI) */
  public ConsoleProgress(PrintStream out) {
    this(out, System.console() != null);
  }

  /** @param terminal whether to draw a progress bar rather than print lines */
  public ConsoleProgress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public void start(int files, long bytes) {
    total = bytes;
    count = files;
    started = System.nanoTime();
    if (terminal) {
      bar = new ProgressBarBuilder().setTaskName("download").setInitialMax(Math.max(1, bytes / 1_000_000))
          .setUnit(" MB", 1).setStyle(ProgressBarStyle.ASCII).setConsumer(
              new me.tongfei.progressbar.ConsoleProgressBarConsumer(out)).build();
    } else {
      out.printf(Locale.ROOT, "download: %d files, %.1f MB%n", files, bytes / 1e6);
    }
  }

  @Override
  public void advanced(FetchRequest r, long bytes, boolean fromCache) {
    long d = done.addAndGet(bytes);
    int n = files.incrementAndGet();
    if (fromCache) {
      cached.incrementAndGet();
    }
    if (bar != null) {
      bar.stepTo(d / 1_000_000);
    } else if (total > 0) {
      int decile = (int) (d * 10 / total);
      if (decile > lastDecile) {
        synchronized (this) {
          if (decile > lastDecile) {
            lastDecile = decile;
            out.printf(Locale.ROOT, "download: %3d%% %d/%d files, %.1f MB%n", decile * 10, n, count, d / 1e6);
          }
        }
      }
    }
  }

  @Override
  public void failed(FetchRequest r, FetchException e) {
    if (bar != null) {
      bar.pause();
    }
    out.println("download failed: " + e.getMessage());
    if (bar != null) {
      bar.resume();
    }
  }

  @Override
  public void done() {
    if (bar != null) {
      bar.close();
    }
    double s = (System.nanoTime() - started) / 1e9;
    out.printf(Locale.ROOT, "download: done, %d files (%d from cache) in %.1f s%n", files.get(), cached.get(), s);
  }
}
