package dev.soci.core.internal;

import dev.soci.core.CheckpointMismatchException;
import dev.soci.core.CorruptStreamException;
import dev.soci.core.SociException;
import dev.soci.core.TruncatedStreamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses part of one span of a gzip layer, given only that span's compressed bytes and its
 * checkpoint (FORMATS.md 1.3): the basis of random access into a layer.
 *
 * <p>Uses {@link Inflater} (zlib, fast) with the checkpoint window as preset dictionary; a span
 * starting inside a byte is made byte-aligned with a synthesized empty deflate block (see
 * {@code EmptyBlockPrefix}). If zlib reports an error the span is decoded again by this
 * library's own decoder, which names the kind and offset of the damage in a typed exception.
 * A gzip member ending inside the span is followed into the next member (its trailer cannot be
 * checked mid-member and is skipped).
 */
public final class SpanDecompressor {
  private SpanDecompressor() {}

  /** Same as {@link #decompress(ByteBuffer, Checkpoint, long, byte[], int, int)} with no skip. */
  public static int decompress(ByteBuffer span, Checkpoint checkpoint, byte[] dst, int off, int len)
      throws IOException {
    return decompress(span, checkpoint, 0, dst, off, len);
  }

  /**
   * Writes uncompressed bytes {@code [checkpoint.out() + skip, ... + len)} into
   * {@code dst[off..off+len)}.
   *
   * @param span the compressed bytes from {@code checkpoint.compressedStart()} on (the span's
   *     bytes, or more); its position is not changed
   * @param skip uncompressed bytes to discard first
   * @return {@code len}, or fewer only when the gzip stream ends cleanly (after a member's
   *     trailer, with no more input) before that
   * @throws SociException (a subclass) when the data is corrupt or ends inside a member
   */
  public static int decompress(ByteBuffer span, Checkpoint checkpoint, long skip, byte[] dst, int off, int len)
      throws IOException {
    check(checkpoint, skip, dst, off, len);
    Slice s = Slice.of(span);
    try {
      return withZlib(s, checkpoint, skip, dst, off, len, false);
    } catch (DataFormatException e) {
      // Let our decoder find and name the damage precisely; it should fail too.
      withJava(s, checkpoint, skip, dst, off, len);
      throw new CorruptStreamException("zlib rejected the span data: " + e.getMessage(), -1);
    }
  }

  /**
   * Decompresses a whole span that ends at the next checkpoint into {@code dst[off..off+len)},
   * checking that its compressed bytes hold exactly {@code len} uncompressed bytes (the next
   * checkpoint's {@code out} minus this one's): inflating them from the checkpoint must give
   * {@code len} bytes and then nothing more before the input ends, which is where the next
   * span's deflate block begins. A checkpoint moved in either stream fails here rather than
   * making later reads return the bytes of another place.
   *
   * @param span exactly the span's compressed bytes, from {@code checkpoint.compressedStart()} to
   *     the next checkpoint's {@code in}; its position is not changed
   * @throws CheckpointMismatchException if the bytes inflate to fewer or more than {@code len}
   * @throws SociException (another subclass) when the data is corrupt
   */
  public static void decompressSpan(ByteBuffer span, Checkpoint checkpoint, byte[] dst, int off, int len)
      throws IOException {
    check(checkpoint, 0, dst, off, len);
    Slice s = Slice.of(span);
    try {
      withZlib(s, checkpoint, 0, dst, off, len, true);
    } catch (DataFormatException e) {
      // Name the damage if it lies inside the span; if the span's own length decodes cleanly,
      // zlib choked on what follows it, which is then not the next checkpoint's block.
      withJava(s, checkpoint, 0, dst, off, len);
      throw mismatch(checkpoint, "is not followed by a deflate block boundary after its " + len
          + " bytes (zlib: " + e.getMessage() + ")");
    }
  }

  private static CheckpointMismatchException mismatch(Checkpoint cp, String what) {
    return new CheckpointMismatchException("the span at compressed offset " + cp.compressedStart()
        + " (uncompressed offset " + cp.out() + ") " + what + ": its checkpoints are wrong",
        cp.compressedStart());
  }

  private static void check(Checkpoint cp, long skip, byte[] dst, int off, int len) {
    java.util.Objects.requireNonNull(cp, "checkpoint");
    java.util.Objects.checkFromIndexSize(off, len, dst.length);
    if (skip < 0) {
      throw new IllegalArgumentException("negative skip " + skip);
    }
  }

  /** The span as an array range (no copy when the buffer has an accessible array). */
  record Slice(byte[] a, int from, int to) {
    static Slice of(ByteBuffer b) {
      if (b.hasArray()) {
        int from = b.arrayOffset() + b.position();
        return new Slice(b.array(), from, from + b.remaining());
      }
      byte[] copy = new byte[b.remaining()];
      b.duplicate().get(copy);
      return new Slice(copy, 0, copy.length);
    }
  }

  /** Copies the part of a produced stream that falls in [skip, skip+len) to dst. */
  private static final class Collector implements DeflateDecoder.Output {
    private final long skip;
    private final byte[] dst;
    private final int off;
    private final int len;
    long seen;

    Collector(long skip, byte[] dst, int off, int len) {
      this.skip = skip;
      this.dst = dst;
      this.off = off;
      this.len = len;
    }

    @Override
    public void accept(byte[] b, int p, int n) {
      long start = Math.max(seen, skip);
      long end = Math.min(seen + n, skip + len);
      if (end > start) {
        System.arraycopy(b, p + (int) (start - seen), dst, off + (int) (start - skip), (int) (end - start));
      }
      seen += n;
    }

    int produced() {
      return (int) Math.max(0, Math.min(seen - skip, len));
    }
  }

  /**
   * Inflates {@code len} bytes after skipping {@code skip}. With {@code exact}, the input must
   * then be used up (with no more output), and ending early is a {@link
   * CheckpointMismatchException} rather than a truncation.
   */
  static int withZlib(Slice s, Checkpoint cp, long skip, byte[] dst, int off, int len, boolean exact)
      throws IOException, DataFormatException {
    long base = cp.compressedStart();
    Inflater inf = new Inflater(true);
    try {
      int from = s.from();
      boolean inPrefix = false;
      if (cp.bits() != 0) {
        if (s.to() <= from) {
          throw new TruncatedStreamException("span data is empty", base);
        }
        inf.setInput(EmptyBlockPrefix.forBits(cp.bits(), s.a()[from]));
        inPrefix = true;
        from++;
      } else {
        inf.setInput(s.a(), from, s.to() - from);
      }
      inf.setDictionary(cp.window());
      byte[] skipBuf = skip > 0 ? new byte[(int) Math.min(skip, 64 * 1024)] : null;
      long toSkip = skip;
      int produced = 0;
      byte[] probe = exact ? new byte[1] : null;
      while (produced < len || exact) {
        int n;
        if (toSkip > 0) {
          n = inf.inflate(skipBuf, 0, (int) Math.min(toSkip, skipBuf.length));
          toSkip -= n;
        } else if (produced < len) {
          n = inf.inflate(dst, off + produced, len - produced);
          produced += n;
        } else {
          // All promised bytes are out: a correct span has no more before its input ends.
          n = inf.inflate(probe, 0, 1);
          if (n > 0) {
            throw mismatch(cp, "inflates to more than the " + len + " bytes its checkpoints give");
          }
        }
        if (n > 0) {
          continue;
        }
        if (inf.finished()) {
          if (inPrefix) {
            throw new AssertionError("synthesized prefix ended the stream");
          }
          // Member end: skip the trailer, parse the next header, start afresh (zlib resets its window).
          int next = s.to() - inf.getRemaining() + 8;
          if (next > s.to()) {
            if (exact) {
              throw mismatch(cp, "ends inside a gzip trailer");
            }
            throw new TruncatedStreamException("compressed data ends in a gzip trailer", base + (s.to() - s.from()));
          }
          if (next == s.to()) {
            return exactEnd(cp, exact, produced, len);
          }
          DeflateDecoder h = new DeflateDecoder(s.a(), next, s.to(), base + (next - s.from()));
          h.readGzipHeader();
          int body = next + (int) ((h.bitPosition() >> 3) - (base + (next - s.from())));
          inf.reset();
          inf.setInput(s.a(), body, s.to() - body);
        } else if (inf.needsInput()) {
          if (inPrefix) {
            inPrefix = false;
            inf.setInput(s.a(), from, s.to() - from);
          } else if (exact) {
            return exactEnd(cp, true, produced, len);
          } else {
            throw new TruncatedStreamException("compressed data ends inside a deflate block", base + (s.to() - s.from()));
          }
        } else if (inf.needsDictionary()) {
          throw new CorruptStreamException("raw deflate data asked for a dictionary", -1);
        }
      }
      return produced;
    } finally {
      inf.end();
    }
  }

  /** The input ended after {@code produced} bytes: fine unless an exact span promised more. */
  private static int exactEnd(Checkpoint cp, boolean exact, int produced, int len)
      throws CheckpointMismatchException {
    if (exact && produced < len) {
      throw mismatch(cp, "inflates to only " + produced + " of the " + len
          + " bytes its checkpoints give");
    }
    return produced;
  }

  static int withJava(Slice s, Checkpoint cp, long skip, byte[] dst, int off, int len) throws IOException {
    DeflateDecoder d = new DeflateDecoder(s.a(), s.from(), s.to(), cp.compressedStart());
    if (cp.bits() != 0) {
      d.skipBits(8 - cp.bits());
    }
    d.presetWindow(cp.window(), cp.out());
    Collector c = new Collector(skip, dst, off, len);
    long want = skip + len;
    long got = 0;
    while (got < want) {
      // Stop as soon as enough is produced: the bytes after that may not be in the slice.
      d.setStopAt((int) Math.min(d.op + (want - got), d.stopAtMax()));
      int r = d.inflate();
      got += d.drain(c, false);
      if (r == DeflateDecoder.BLOCK_END && d.lastBlock()) {
        if (got >= want) {
          break;
        }
        d.readGzipTrailer(false);
        if (!d.nextGzipMember(false)) {
          break;
        }
      }
    }
    return c.produced();
  }
}
