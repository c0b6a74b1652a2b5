package dev.soci.core.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link LayerDigests} on a helper thread so SHA-256 overlaps decoding: the decoding thread
 * copies what it would hash into recycled chunk buffers and queues them; the helper hashes them
 * in order and hands them back.
 *
 * <p>Memory is bounded by the pool ({@link #POOL} chunks of {@link #CHUNK} bytes): when the helper
 * falls behind, the decoder waits for a free chunk. Compressed bytes arrive in small pieces (one
 * input buffer at a time) and are packed into the current chunk, which is sent when full or when
 * a cut must follow them in order.
 *
 * <p>Failure handling: the decoder never waits without also checking that the helper is alive
 * (a failed helper's error is rethrown to the decoder); {@link #close()} stops the helper on
 * every path, including decoder errors and interruption, so no thread outlives the pass.
 */
final class AsyncLayerDigests implements DigestFeed {
  private static final int CHUNK = 256 * 1024;
  /** Two in hand (filling, hashing) plus slack for uneven speeds: ~1.5 MiB in all. */
  private static final int POOL = 6;

  private static final int COMPRESSED = 0;
  private static final int UNCOMPRESSED = 1;
  private static final int CUT = 2;
  private static final int END = 3;

  /** One unit of work; chunks carry bytes, cut/end messages only the two longs. */
  private static final class Msg {
    final byte[] data;
    int kind;
    int len;
    long a;
    long b;

    Msg(byte[] data) {
      this.data = data;
    }
  }

  private final BlockingQueue<Msg> free = new ArrayBlockingQueue<>(POOL);
  /** Room for every chunk plus the messages without data that can be in flight with them. */
  private final BlockingQueue<Msg> work = new ArrayBlockingQueue<>(POOL * 4 + 64);
  private final LayerDigests digests = new LayerDigests();
  private final Thread helper;
  private volatile Throwable failure;
  private volatile Result result;
  private Msg filling;

  AsyncLayerDigests() {
    for (int i = 0; i < POOL; i++) {
      free.add(new Msg(new byte[CHUNK]));
    }
    helper = new Thread(this::runHelper, "soci-digest");
    helper.setDaemon(true);
    helper.start();
  }

  private void runHelper() {
    try {
      while (true) {
        Msg m = work.take();
        switch (m.kind) {
          case COMPRESSED -> digests.compressed(m.data, 0, m.len);
          case UNCOMPRESSED -> digests.uncompressed(m.data, 0, m.len);
          case CUT -> digests.cut(m.a, m.b);
          default -> {
            result = digests.finish(m.a);
            return;
          }
        }
        if (m.data != null) {
          free.add(m);
        }
      }
    } catch (InterruptedException e) {
      // close() on a failure path: just stop.
    } catch (Throwable t) {
      failure = t;
    }
  }

  @Override
  public void compressed(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (filling == null) {
        filling = takeFree();
        filling.kind = COMPRESSED;
        filling.len = 0;
      }
      int n = Math.min(len, CHUNK - filling.len);
      System.arraycopy(b, off, filling.data, filling.len, n);
      filling.len += n;
      off += n;
      len -= n;
      if (filling.len == CHUNK) {
        flushCompressed();
      }
    }
  }

  private void flushCompressed() throws IOException {
    if (filling != null) {
      Msg m = filling;
      filling = null;
      send(m);
    }
  }

  @Override
  public void cut(long end, long nextStart) throws IOException {
    // Compressed bytes already copied were fed before this cut: keep that order.
    flushCompressed();
    send(control(CUT, end, nextStart));
  }

  @Override
  public void uncompressed(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      Msg m = takeFree();
      int n = Math.min(len, CHUNK);
      System.arraycopy(b, off, m.data, 0, n);
      m.kind = UNCOMPRESSED;
      m.len = n;
      send(m);
      off += n;
      len -= n;
    }
  }

  @Override
  public Result finish(long blobSize) throws IOException {
    flushCompressed();
    send(control(END, blobSize, 0));
    try {
      helper.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the layer digests");
    }
    checkHelper();
    if (result == null) {
      throw new IllegalStateException("digest helper ended without a result");
    }
    return result;
  }

  @Override
  public void close() {
    if (helper.isAlive()) {
      helper.interrupt();
      boolean interrupted = false;
      while (true) {
        try {
          helper.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // finish stopping the helper first, then restore the flag
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Msg control(int kind, long a, long b) {
    Msg m = new Msg(null);
    m.kind = kind;
    m.a = a;
    m.b = b;
    return m;
  }

  /** Waits for a free chunk, giving up if the helper has failed. */
  private Msg takeFree() throws IOException {
    try {
      while (true) {
        Msg m = free.poll(50, TimeUnit.MILLISECONDS);
        if (m != null) {
          return m;
        }
        checkHelper();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while indexing a layer");
    }
  }

  private void send(Msg m) throws IOException {
    try {
      while (!work.offer(m, 50, TimeUnit.MILLISECONDS)) {
        checkHelper();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while indexing a layer");
    }
  }

  private void checkHelper() throws IOException {
    Throwable t = failure;
    if (t != null) {
      if (t instanceof Error err) {
        throw err;
      }
      if (t instanceof RuntimeException re) {
        throw new IllegalStateException("layer digest helper failed", re);
      }
      throw new IOException("layer digest helper failed", t);
    }
    if (!helper.isAlive() && result == null) {
      throw new IllegalStateException("layer digest helper stopped unexpectedly");
    }
  }
}
