package dev.soci.oci.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an {@link InputStream} whose reads wait at most a timeout for data.
 * {@code java.net.http}'s request timeout covers only the wait for the response headers, and
 * the JDK's own stream body blocks without limit (neither close nor interrupt wakes it), so a
 * server that stalls mid-body would hang the reader; here a read that waits longer fails with
 * {@link HttpTimeoutException} and the exchange is cancelled.
 */
final class TimedBody implements HttpResponse.BodySubscriber<InputStream> {
  /** A handler giving every response this body. */
  static HttpResponse.BodyHandler<InputStream> handler(Duration timeout) {
    return info -> new TimedBody(timeout);
  }

  /**
   * Items asked for ahead of the reader: the client's thread keeps filling while the reader
   * works, instead of a hand-off per item; bounded, so memory stays a few of the client's
   * buffers.
   */
  private static final int AHEAD = 8;

  /** The end of the body (an object of its own: an empty list could be a real item). */
  private static final Object END = new Object();

  private final long timeoutNanos;
  private final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private final CompletableFuture<InputStream> body = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  private TimedBody(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    body.complete(new Stream());
    s.request(AHEAD);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    items.add(item);
  }

  @Override
  public void onError(Throwable t) {
    items.add(t);
  }

  @Override
  public void onComplete() {
    items.add(END);
  }

  private final class Stream extends InputStream {
    private Iterator<ByteBuffer> current = List.<ByteBuffer>of().iterator();
    private ByteBuffer buffer;
    private boolean done;
    private boolean closed;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (closed) {
        throw new IOException("response body is closed");
      }
      if (len == 0) {
        return 0;
      }
      while (buffer == null || !buffer.hasRemaining()) {
        if (current.hasNext()) {
          buffer = current.next();
          continue;
        }
        if (done) {
          return -1;
        }
        next();
      }
      int n = Math.min(len, buffer.remaining());
      buffer.get(b, off, n);
      return n;
    }

    /** Waits for the next item of the body, at most the timeout. */
    @SuppressWarnings("unchecked")
    private void next() throws IOException {
      Object item;
      try {
        item = items.poll(timeoutNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancel();
        throw new java.io.InterruptedIOException("interrupted while reading a response body");
      }
      if (item == null) {
        cancel();
        throw new HttpTimeoutException("no data for "
            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 1000.0 + " s while reading a response body");
      }
      if (item instanceof Throwable t) {
        done = true;
        throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
      }
      if (item == END) {
        done = true;
        return;
      }
      current = ((List<ByteBuffer>) item).iterator();
      subscription.request(1);
    }

    private void cancel() {
      done = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        if (!done) {
          cancel(); // the rest is not wanted: give the connection up rather than drain it
        }
      }
    }
  }
}
