package io.pigsty.builder.fetch;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * Streams a response body into a {@link Sink} one buffer list at a time, counts the bytes, stops
 * (cancelling the exchange) once more than {@code limit} bytes arrived, and records activity for
 * the idle-timeout watchdog in {@link Downloader}. The body value is the number of bytes received;
 * a value above {@code limit} means the body was longer than allowed.
 */
final class StreamingSubscriber implements HttpResponse.BodySubscriber<Long> {

  /** Receives body bytes; called from HttpClient threads, one call at a time. */
  interface Sink {
    void accept(ByteBuffer buffer) throws IOException;
  }

  /** A local write failure (disk full, permissions): not a network problem, never retried. */
  static final class SinkException extends IOException {
    private static final long serialVersionUID = 1L;

    SinkException(IOException cause) {
      super(cause.toString(), cause);
    }
  }

  /** Last time data arrived and the subscription to cancel on a stall. */
  static final class Activity {
    private volatile long lastNanos = System.nanoTime();
    private volatile Flow.Subscription subscription;

    void touch() {
      lastNanos = System.nanoTime();
    }

    long idleNanos() {
      return System.nanoTime() - lastNanos;
    }

    void cancel() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  private final Sink sink;
  private final long limit;
  private final Activity activity;
  private final LongConsumer counter;
  private final CompletableFuture<Long> result = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private long count;

  StreamingSubscriber(Sink sink, long limit, Activity activity, LongConsumer counter) {
    this.sink = sink;
    this.limit = limit;
    this.activity = activity;
    this.counter = counter;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    activity.subscription = s;
    activity.touch();
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    activity.touch();
    try {
      for (ByteBuffer b : items) {
        int n = b.remaining();
        count += n;
        counter.accept(n);
        if (count > limit) {
          subscription.cancel();
          result.complete(count);
          return;
        }
        sink.accept(b);
      }
    } catch (IOException e) {
      subscription.cancel();
      result.completeExceptionally(new SinkException(e));
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(count);
  }

  @Override
  public CompletionStage<Long> getBody() {
    return result;
  }
}
