package dev.soci.core.internal;

import dev.soci.core.Compression;
import dev.soci.core.IndexLimitException;
import dev.soci.core.SociException;
import dev.soci.core.TrailingDataException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Indexes a layer blob in one streaming pass: decompresses it (gzip) or passes it through
 * (uncompressed), records the checkpoints exactly where the reference SOCI implementation does
 * (FORMATS.md 1.2), hashes every span, the blob and the uncompressed stream, and hands the
 * uncompressed bytes to a sink (the zTOC builder's tar reader).
 *
 * <p>Memory use is bounded (a few hundred KiB of buffers) whatever the layer size, apart from the
 * checkpoints themselves (32 KiB each) and the span digests, whose number is bounded by a span
 * limit ({@link #DEFAULT_MAX_SPANS} unless told otherwise): a layer that would need more fails
 * with {@link IndexLimitException} before the next checkpoint is allocated. Checkpoints at the
 * same uncompressed offset (empty blocks or members before any data) share one window array.
 */
public final class LayerIndexer {

  private LayerIndexer() {}

  /**
   * Reads {@code layer} once, start to end, and indexes it.
   *
   * @param layer the blob; read to its end, not closed
   * @param compression the blob's compression, or null to detect it from the first bytes
   * @param spanSize requested span size in uncompressed bytes, positive
   * @param sink receives every uncompressed byte in order; may be null
   * @throws SociException (a subclass) when the blob is not valid for its compression
   * @throws IOException when reading {@code layer} or writing to {@code sink} fails
   */
  public static LayerIndex index(InputStream layer, Compression compression, long spanSize, UncompressedSink sink)
      throws IOException {
    return index(layer, compression, spanSize, sink, DEFAULT_PARALLEL_HASHING);
  }

  /**
   * The span limit of the overloads that take none: 65,536 spans. No zTOC can hold more gzip
   * checkpoints (65,536 records of 32,785 bytes exceed the 2 GiB a FlatBuffer can address), and
   * it is 256 GiB of data at the default 4 MiB spans. The checkpoints of that many gzip spans
   * take 2 GiB of heap: callers with less pass a smaller limit (the zTOC builder derives one from
   * its zTOC size limit).
   */
  public static final long DEFAULT_MAX_SPANS = 1L << 16;

  /**
   * Whether {@link #index(InputStream, Compression, long, UncompressedSink)} hashes on a helper
   * thread: yes when the JVM has more than one processor. The three SHA-256 streams cost about
   * as much as decoding, so a second core nearly halves the time of one pass; on one processor
   * the helper would only add copying and hand-offs.
   */
  public static final boolean DEFAULT_PARALLEL_HASHING = Runtime.getRuntime().availableProcessors() > 1;

  /**
   * As {@link #index(InputStream, Compression, long, UncompressedSink)}, choosing whether the
   * SHA-256 digests of a gzip layer are computed on a helper thread while this thread decodes
   * ({@code parallelHashing}) or inline. The result is identical either way; the helper holds
   * at most about 1.5 MiB of queued data and never outlives the call. Uncompressed layers are
   * always hashed inline (there is no decoding to overlap with).
   */
  public static LayerIndex index(InputStream layer, Compression compression, long spanSize, UncompressedSink sink,
      boolean parallelHashing) throws IOException {
    return index(layer, compression, spanSize, sink, parallelHashing, DEFAULT_MAX_SPANS);
  }

  /**
   * As {@link #index(InputStream, Compression, long, UncompressedSink, boolean)}, with at most
   * {@code maxSpans} spans: gzip checkpoints, or fixed spans of an uncompressed layer. The limit
   * is checked as the layer streams, before a checkpoint beyond it is allocated, so a hostile
   * layer (a million empty deflate blocks, each a checkpoint) cannot make this hold more than
   * {@code maxSpans} windows.
   *
   * @param maxSpans the most spans accepted, positive
   * @throws IndexLimitException (limit {@code maxSpans}) when the layer needs more spans
   */
  public static LayerIndex index(InputStream layer, Compression compression, long spanSize, UncompressedSink sink,
      boolean parallelHashing, long maxSpans) throws IOException {
    Objects.requireNonNull(layer, "layer");
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive: " + spanSize);
    }
    if (maxSpans <= 0) {
      throw new IllegalArgumentException("span limit must be positive: " + maxSpans);
    }
    byte[] first = new byte[64 * 1024];
    int n = 0;
    while (n < 2) {
      int r = layer.read(first, n, first.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    Compression c = compression != null ? compression : Compression.detect(first, n);
    return c == Compression.GZIP
        ? new GzipPass(spanSize, maxSpans, sink, parallelHashing).run(layer, first, n)
        : uncompressed(layer, first, n, spanSize, maxSpans, sink);
  }

  /** The one message for a layer over its span limit, for both compressions. */
  private static IndexLimitException tooManySpans(long maxSpans, long spanSize, long at, String where) {
    return new IndexLimitException("maxSpans", maxSpans, "layer needs more than maxSpans=" + maxSpans
        + " spans at span size " + spanSize + " (" + where + " " + at + "); use a larger span size, or raise"
        + " the limit with ZtocBuilder.maxSpans (LayerIndexer.index's maxSpans argument)");
  }

  private static LayerIndex uncompressed(InputStream layer, byte[] buf, int n, long spanSize, long maxSpans,
      UncompressedSink sink) throws IOException {
    MessageDigest blob = Sha256.newDigest();
    MessageDigest span = Sha256.newDigest();
    List<String> digests = new ArrayList<>();
    long size = 0;
    long inSpan = 0;
    while (true) {
      int off = 0;
      while (off < n) {
        // Split the chunk where a span ends: each span is hashed on its own.
        int take = (int) Math.min(n - off, spanSize - inSpan);
        span.update(buf, off, take);
        inSpan += take;
        off += take;
        if (inSpan == spanSize) {
          if (digests.size() >= maxSpans) {
            throw tooManySpans(maxSpans, spanSize, size + off, "at offset");
          }
          digests.add(Sha256.finish(span));
          inSpan = 0;
        }
      }
      blob.update(buf, 0, n);
      if (sink != null && n > 0) {
        sink.write(buf, 0, n);
      }
      size += n;
      n = layer.read(buf, 0, buf.length);
      if (n < 0) {
        break;
      }
    }
    if (inSpan > 0) {
      if (digests.size() >= maxSpans) {
        throw tooManySpans(maxSpans, spanSize, size, "at offset");
      }
      digests.add(Sha256.finish(span));
    }
    String d = Sha256.finish(blob);
    return new LayerIndex(Compression.UNCOMPRESSED, spanSize, List.of(), digests, size, size, d, d);
  }

  /** State of one gzip indexing pass. */
  private static final class GzipPass implements DeflateDecoder.InputTap, DeflateDecoder.Output {
    private final long spanSize;
    private final long maxSpans;
    private final UncompressedSink sink;
    private final DigestFeed digests;
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private long blobSize;
    /** Absolute compressed offset up to which bytes have been handed to {@link #digests}. */
    private long fedTo;
    private DeflateDecoder dec;

    GzipPass(long spanSize, long maxSpans, UncompressedSink sink, boolean parallel) {
      this.spanSize = spanSize;
      this.maxSpans = maxSpans;
      this.sink = sink;
      this.digests = parallel ? new AsyncLayerDigests() : new LayerDigests();
    }

    LayerIndex run(InputStream layer, byte[] first, int n) throws IOException {
      // close() stops a helper thread on every path, errors included; after finish it is a no-op.
      try (DigestFeed d = digests) {
        return decode(layer, first, n);
      }
    }

    private LayerIndex decode(InputStream layer, byte[] first, int n) throws IOException {
      blobSize = n;
      dec = new DeflateDecoder(layer, first, n, this);
      long last = 0;
      boolean firstMember = true;
      while (dec.nextGzipMember(firstMember)) {
        // zlib's inflate(Z_BLOCK) stops right after the header too: a boundary, never after a final block.
        last = boundary(last);
        while (true) {
          if (dec.inflate() == DeflateDecoder.OUTPUT_FULL) {
            dec.drain(this, true);
            continue;
          }
          if (dec.lastBlock()) {
            break;
          }
          last = boundary(last);
        }
        dec.readGzipTrailer(true);
        firstMember = false;
      }
      dec.drain(this, true);
      dec.feedInput(digests::compressed, fedTo, blobSize);
      fedTo = blobSize;
      DigestFeed.Result r = digests.finish(blobSize);
      return new LayerIndex(Compression.GZIP, spanSize, checkpoints, r.spanDigests(), blobSize, dec.outPosition(),
          r.blobDigest(), r.diffId());
    }

    /** The checkpoint rule of the reference (FORMATS.md 1.2); returns the new {@code last}. */
    private long boundary(long last) throws IOException {
      long totout = dec.outPosition();
      if (totout != 0 && totout - last <= spanSize) {
        return last;
      }
      long bitPos = dec.bitPosition();
      long in = (bitPos + 7) >>> 3;
      int bits = (int) (in * 8 - bitPos);
      // Checked before the window is allocated: each checkpoint holds 32 KiB.
      if (checkpoints.size() >= maxSpans) {
        throw tooManySpans(maxSpans, spanSize, in, "checkpoint at compressed offset");
      }
      // A window is the 32 KiB of output before totout, so checkpoints at one uncompressed offset
      // (empty blocks or members before any data) have equal windows: share the array.
      Checkpoint previous = checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
      byte[] window = previous != null && previous.out() == totout ? previous.window() : dec.window();
      checkpoints.add(new Checkpoint(in, totout, bits, window));
      // The span ends at the checkpoint's first whole byte and the next starts there, or a byte
      // earlier when the block begins mid-byte (that byte is in both).
      digests.cut(in, bits != 0 ? in - 1 : in);
      return totout;
    }

    @Override
    public void read(byte[] b, int off, int n) {
      blobSize += n;
    }

    @Override
    public void discarding(byte[] buf, long base, long keepFrom) throws IOException {
      // Each compressed byte is hashed once, as it leaves the input buffer: by then every cut
      // before it is known (a checkpoint's bytes are still buffered when it is recorded).
      if (keepFrom > fedTo) {
        digests.compressed(buf, (int) (fedTo - base), (int) (keepFrom - fedTo));
        fedTo = keepFrom;
      }
    }

    @Override
    public void accept(byte[] b, int off, int len) throws IOException {
      digests.uncompressed(b, off, len);
      if (sink != null) {
        sink.write(b, off, len);
      }
    }
  }
}
