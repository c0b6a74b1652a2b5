package dev.soci.core;

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
 * checkpoints themselves (32 KiB each).
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
    Objects.requireNonNull(layer, "layer");
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive: " + spanSize);
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
        ? new GzipPass(spanSize, sink, parallelHashing).run(layer, first, n)
        : uncompressed(layer, first, n, spanSize, sink);
  }

  private static LayerIndex uncompressed(InputStream layer, byte[] buf, int n, long spanSize, UncompressedSink sink)
      throws IOException {
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
      digests.add(Sha256.finish(span));
    }
    String d = Sha256.finish(blob);
    return new LayerIndex(Compression.UNCOMPRESSED, spanSize, List.of(), digests, size, size, d, d);
  }

  /** State of one gzip indexing pass. */
  private static final class GzipPass implements DeflateDecoder.InputTap, DeflateDecoder.Output {
    private final long spanSize;
    private final UncompressedSink sink;
    private final DigestFeed digests;
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private long blobSize;
    /** Absolute compressed offset up to which bytes have been handed to {@link #digests}. */
    private long fedTo;
    private DeflateDecoder dec;

    GzipPass(long spanSize, UncompressedSink sink, boolean parallel) {
      this.spanSize = spanSize;
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
      while (true) {
        if (!firstMember) {
          int peek = dec.peekTwo();
          if (peek == 0) {
            break;
          }
          if ((peek >>> 16) < 2 || (peek & 0xFFFF) != 0x8b1f) {
            throw new TrailingDataException("data after the last gzip member is not a gzip member"
                + " (the reference implementation rejects such layers too)", dec.bitPosition() >> 3);
          }
        }
        dec.readGzipHeader();
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
      checkpoints.add(new Checkpoint(in, totout, bits, dec.window()));
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
