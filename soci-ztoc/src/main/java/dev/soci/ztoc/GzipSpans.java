package dev.soci.ztoc;

import dev.soci.core.CorruptZinfoException;
import dev.soci.core.internal.GzipZinfo;
import java.nio.ByteBuffer;

/**
 * The spans of a gzip layer: each starts at a checkpoint of the gzip zinfo. Holds only each
 * checkpoint's {@code in}, {@code out} and {@code bits}, read in place from the zTOC; the 32 KiB
 * windows are parsed, with {@link GzipZinfo#parse}, only when a reader asks for them.
 */
final class GzipSpans implements SpanLayout {
  /**
   * Most uncompressed bytes deflate can produce per compressed byte: a length-258 match coded
   * in two bits (one-bit literal/length and distance codes). A span claiming more than this
   * times its compressed length cannot be right, and would only make a reader allocate for it.
   */
  static final long MAX_DEFLATE_RATIO = 1032;

  private final long spanSize;
  private final long compressedSize;
  private final long uncompressedSize;
  // Each checkpoint's in, out and bits (checkpoint 0 included, also for v1 blobs).
  private final long[] in;
  private final long[] out;
  private final byte[] bits;

  private GzipSpans(long spanSize, long compressedSize, long uncompressedSize, int count) {
    this.spanSize = spanSize;
    this.compressedSize = compressedSize;
    this.uncompressedSize = uncompressedSize;
    this.in = new long[count];
    this.out = new long[count];
    this.bits = new byte[count];
  }

  /**
   * Decodes the checkpoints of a gzip zinfo (not their windows) and checks what span arithmetic
   * relies on: the length fits version 1 or 2 for the count, the count is the zTOC's span
   * count, the span size is positive, {@code in} strictly increasing from at least 10 (a gzip
   * header) and below the blob size, {@code out} non-decreasing from 0, {@code bits} in 0..7,
   * and no span inflating beyond deflate's ratio. This covers every check of {@link
   * GzipZinfo#parse}, so the windows can be parsed lazily and cannot fail. Checkpoints past
   * {@code uncompressedSize} are accepted: the gzip stream may go on with zero padding after the
   * tar end-of-archive marker.
   *
   * @param blob the zinfo, little-endian
   * @throws ZtocFormatException on the first check that fails
   */
  static GzipSpans decode(ByteBuffer blob, int maxSpanId, long compressedSize, long uncompressedSize)
      throws ZtocFormatException {
    long len = blob.remaining();
    if (len < GzipZinfo.HEADER) {
      throw new ZtocFormatException("gzip zinfo: " + len + " bytes is too short");
    }
    long count = blob.getInt(0);
    int version = GzipZinfo.versionOf(len, count);
    if (version == 0) {
      throw new ZtocFormatException(
          "gzip zinfo: " + len + " bytes do not hold " + count + " checkpoints");
    }
    if (count != maxSpanId + 1L) {
      throw new ZtocFormatException(
          "gzip zinfo: " + count + " checkpoints but max_span_id " + maxSpanId);
    }
    long spanSize = blob.getLong(4);
    if (spanSize <= 0) {
      throw new ZtocFormatException("gzip zinfo: span size " + spanSize + " is not positive");
    }
    GzipSpans s = new GzipSpans(spanSize, compressedSize, uncompressedSize, (int) count);
    s.read(blob, version);
    s.check();
    return s;
  }

  private void read(ByteBuffer blob, int version) {
    int first = 0;
    if (version == GzipZinfo.VERSION_1) {
      in[0] = GzipZinfo.V1_FIRST_IN; // version 1: checkpoint 0 implicit
      first = 1;
    }
    for (int i = first; i < in.length; i++) {
      int p = GzipZinfo.HEADER + (i - first) * GzipZinfo.RECORD;
      in[i] = blob.getLong(p);
      out[i] = blob.getLong(p + 8);
      bits[i] = blob.get(p + 16);
    }
  }

  private void check() throws ZtocFormatException {
    int count = in.length;
    for (int i = 0; i < count; i++) {
      long cin = in[i];
      long o = out[i];
      int b = bits[i];
      if (b < 0 || b > 7) {
        throw badCheckpoint(i, "bits " + b + " not in 0..7");
      }
      if (i == 0 ? cin < GzipZinfo.V1_FIRST_IN : cin <= in[i - 1]) {
        throw badCheckpoint(i, "in " + cin + (i == 0 ? " < 10" : " not after the previous"));
      }
      if (cin >= compressedSize) {
        throw badCheckpoint(i, "in " + cin + " not below the blob size " + compressedSize);
      }
      if (i == 0 ? o != 0 : o < out[i - 1]) {
        throw badCheckpoint(i, "out " + o + (i == 0 ? " != 0" : " before the previous"));
      }
    }
    for (int i = 0; i < count; i++) {
      long cStart = compressedStart(i);
      long cEnd = compressedEnd(i);
      long uEnd = uncompressedEnd(i);
      if (uEnd - out[i] > MAX_DEFLATE_RATIO * (cEnd - cStart)) {
        throw badCheckpoint(i, "span of " + (cEnd - cStart) + " compressed bytes cannot inflate"
            + " to the " + (uEnd - out[i]) + " its checkpoints give (deflate's limit is "
            + MAX_DEFLATE_RATIO + " times)");
      }
    }
  }

  private static ZtocFormatException badCheckpoint(int i, String why) {
    return new ZtocFormatException("gzip zinfo: checkpoint " + i + ": " + why);
  }

  /**
   * Parses the whole zinfo, windows included (every 32 KiB window is copied). The blob was
   * checked by {@link #decode}, so this cannot fail.
   */
  static GzipZinfo zinfo(ByteBuffer blob) {
    try {
      return GzipZinfo.parse(blob);
    } catch (CorruptZinfoException e) {
      throw new IllegalStateException("gzip zinfo validated at open failed to parse", e);
    }
  }

  @Override
  public int count() {
    return in.length;
  }

  @Override
  public long spanSize() {
    return spanSize;
  }

  /** {@code in - 1} when the span starts mid-byte. */
  @Override
  public long compressedStart(int i) {
    return in[i] - (bits[i] != 0 ? 1 : 0);
  }

  /** The next checkpoint's {@code in}; for the last span the blob size (with the gzip trailer). */
  @Override
  public long compressedEnd(int i) {
    return i == in.length - 1 ? compressedSize : in[i + 1];
  }

  @Override
  public long uncompressedStart(int i) {
    return out[i];
  }

  /**
   * The next span's start. For the last span it is the end of the tar stream as the TOC builder
   * saw it; if that checkpoint lies beyond it (inside the zero padding a tar writer may add
   * after the end-of-archive marker) the last span is empty, ending where it starts, since no
   * TOC data lies there.
   */
  @Override
  public long uncompressedEnd(int i) {
    return i == out.length - 1 ? Math.max(uncompressedSize, out[i]) : out[i + 1];
  }

  @Override
  public long[] starts() {
    return out.clone();
  }

  @Override
  public int holding(long offset) {
    return holding(out, offset);
  }

  /**
   * The index of the last of {@code spanStarts} that is {@code <=} offset (0 when none is):
   * binary search over ascending starts.
   */
  static int holding(long[] spanStarts, long offset) {
    int lo = 0;
    int hi = spanStarts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (spanStarts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
