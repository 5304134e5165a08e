package io.pigsty.repo;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Worker threads as every pool of this project makes them. */
public final class Threads {
  private Threads() {}

  /**
   * @param prefix thread name prefix; threads are named {@code prefix1}, {@code prefix2}, ...
   * @return a factory of daemon threads, so that a pool left behind by an error never keeps the JVM
   *     from exiting
   */
  public static ThreadFactory daemon(String prefix) {
    AtomicInteger seq = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + seq.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
