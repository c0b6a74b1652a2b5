package dev.soci.ztoc;

import dev.soci.core.CheckpointMismatchException;
import dev.soci.core.Compression;
import dev.soci.core.RangeSource;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.Sha256;
import dev.soci.core.internal.SpanDecompressor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The span half of a {@link LayerReader}: fetches a span's compressed bytes from the layer,
 * checks them against the zTOC's span digest (hashing on another core while this one inflates)
 * and inflates them from the span's checkpoint. The reader above it maps file offsets to spans
 * and caches what this returns; nothing leaves {@link #load} before its digest has been checked.
 */
final class SpanLoader implements SpanCache.Loader {
  /**
   * Spans smaller than this (compressed) are hashed on the loading thread: handing a few
   * microseconds of hashing to another thread costs about as much as it saves.
   */
  private static final int PARALLEL_HASH_MIN_BYTES = 64 << 10;

  private final ZtocView ztoc;
  private final RangeSource source;
  private final Executor executor;
  private final int maxSpanBytes;
  /** The gzip checkpoints with their windows, or null for an uncompressed layer. */
  private final List<Checkpoint> checkpoints;
  /** A compressed-span array left by the last gzip load, for the next one to reuse. */
  private final AtomicReference<byte[]> spareInput = new AtomicReference<>();

  SpanLoader(ZtocView ztoc, RangeSource source, Executor executor, int maxSpanBytes) {
    this.ztoc = ztoc;
    this.source = source;
    this.executor = executor;
    this.maxSpanBytes = maxSpanBytes;
    this.checkpoints =
        ztoc.compressionAlgorithm() == Compression.GZIP ? ztoc.gzipZinfo().checkpoints() : null;
  }

  /** Fetches span {@code i}, verifies its digest, and decompresses it. */
  @Override
  public byte[] load(int i) throws IOException {
    long cStart = ztoc.spanCompressedStart(i);
    long cEnd = ztoc.spanCompressedEnd(i);
    long uStart = ztoc.spanUncompressedStart(i);
    long uEnd = ztoc.spanUncompressedEnd(i);
    if (cEnd - cStart > maxSpanBytes || uEnd - uStart > maxSpanBytes) {
      throw new ZtocFormatException("span " + i + " is larger than the reader's bound of "
          + maxSpanBytes + " bytes (compressed " + (cEnd - cStart) + ", uncompressed "
          + (uEnd - uStart) + ")");
    }
    int cLen = (int) (cEnd - cStart);
    // Gzip spans are fetched into a recycled array: the copy is only needed until the span is
    // inflated and hashed, and reusing it saves allocating and zeroing megabytes per load. An
    // uncompressed span's copy is the cached data itself, so it always gets a fresh array.
    byte[] input = checkpoints == null ? null : spareInput.getAndSet(null);
    if (input == null || input.length < cLen) {
      input = new byte[cLen];
    }
    ByteBuffer compressed = ByteBuffer.wrap(input, 0, cLen);
    try {
      source.readFully(cStart, compressed);
    } catch (EOFException e) {
      throw new LayerMismatchException("the layer ends before span " + i + " ("
          + "bytes " + cStart + ".." + cEnd + "): it is truncated or not this zTOC's layer", e);
    }
    compressed.flip();
    if (checkpoints == null) {
      verify(i, sha256(compressed));
      return compressed.array(); // uncompressed layer: the span's bytes are the data
    }
    // Hash on another core while this one inflates: hashing is a fifth of the work of a cold
    // read, and the two only read the same private copy of the span. Nothing decoded leaves
    // this method, or reaches the cache, before the digest has been checked below.
    SpanHash hash = new SpanHash(compressed);
    if (compressed.remaining() >= PARALLEL_HASH_MIN_BYTES) {
      hash.offer(executor);
    }
    byte[] out = new byte[(int) (uEnd - uStart)];
    int got = -1;
    IOException ioFailure = null;
    RuntimeException failure = null;
    try {
      if (i < ztoc.spanCount() - 1) {
        // A span that ends at a checkpoint must hold exactly the bytes up to it: a checkpoint
        // moved in either stream (the zTOC is not covered by the span digests) would otherwise
        // place other bytes at these offsets.
        SpanDecompressor.decompressSpan(compressed, checkpoints.get(i), out, 0, out.length);
        got = out.length;
      } else {
        // The last span may go on past the tar stream (zero padding): only a minimum applies.
        got = SpanDecompressor.decompress(compressed, checkpoints.get(i), out, 0, out.length);
      }
    } catch (CheckpointMismatchException e) {
      ioFailure = new CheckpointMismatchException("span " + i + ": " + e.getMessage(),
          e.compressedOffset());
      ioFailure.initCause(e);
    } catch (IOException e) {
      ioFailure = e;
    } catch (RuntimeException e) {
      failure = e;
    }
    byte[] digest = hash.await();
    // Inflation and hashing are both over: the input array is free for the next load.
    spareInput.set(input);
    // A digest mismatch explains a decoding error better than the error itself, so it wins.
    verify(i, digest);
    if (ioFailure != null) {
      throw ioFailure;
    }
    if (failure != null) {
      throw failure;
    }
    if (got != out.length) {
      throw new LayerMismatchException("span " + i + " decoded to " + got + " bytes, the zTOC"
          + " says " + out.length);
    }
    return out;
  }

  private void verify(int i, byte[] actual) throws SpanDigestMismatchException {
    String expected = ztoc.spanDigest(i);
    if (!Sha256.matches(expected, actual)) {
      throw new SpanDigestMismatchException(i, expected, Sha256.format(actual));
    }
  }

  private static byte[] sha256(ByteBuffer data) {
    MessageDigest md = Sha256.newDigest();
    md.update(data.duplicate());
    return md.digest();
  }

  /**
   * The SHA-256 of one span, computed by whichever comes first: a pool thread the hash was offered
   * to, or the loading thread once it has inflated the span. The loader never waits for a task
   * still sitting in a queue (it takes the task back and runs it), so a busy or saturated pool,
   * even one whose threads are themselves loading spans, cannot deadlock or delay a load.
   */
  private static final class SpanHash implements Runnable {
    private final ByteBuffer data;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private byte[] digest;
    private Throwable failure;

    SpanHash(ByteBuffer data) {
      this.data = data.duplicate(); // own position: the inflater reads the same bytes meanwhile
    }

    void offer(Executor executor) {
      try {
        executor.execute(this);
      } catch (RejectedExecutionException e) {
        // A closed or full pool: await() hashes on the loading thread instead.
      }
    }

    @Override
    public void run() {
      if (claimed.compareAndSet(false, true)) {
        compute();
      }
    }

    private void compute() {
      try {
        digest = sha256(data);
      } catch (RuntimeException | Error e) {
        failure = e;
      } finally {
        done.countDown(); // publishes digest/failure to await() (happens-before)
      }
    }

    /** The digest, computed here if no other thread has started on it. */
    byte[] await() {
      if (claimed.compareAndSet(false, true)) {
        compute();
      } else {
        boolean interrupted = false;
        while (true) {
          try {
            done.await();
            break;
          } catch (InterruptedException e) {
            interrupted = true; // the hashing thread is running and will finish shortly
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      if (failure instanceof RuntimeException r) {
        throw r;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      return digest;
    }
  }
}
