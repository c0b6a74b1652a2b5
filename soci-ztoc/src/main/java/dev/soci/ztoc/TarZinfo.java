package dev.soci.ztoc;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;

/**
 * The zinfo of an uncompressed (plain tar) layer: a tiny FlatBuffers table {@code
 * TarZinfo{version:int; span_size:long; size:long}} stored as the zTOC's {@code checkpoints}.
 * Spans are fixed-size slices of the blob, identical compressed and uncompressed.
 *
 * @param spanSize the span size requested at build time, positive
 * @param size the layer blob size, non-negative
 */
record TarZinfo(long spanSize, long size) {

  /** The version the reference writes and the only one accepted. */
  public static final int VERSION = 2;

  public TarZinfo {
    if (spanSize <= 0 || size < 0) {
      throw new IllegalArgumentException("bad tar zinfo: spanSize=" + spanSize + " size=" + size);
    }
    if (size / spanSize >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many spans: size=" + size + " spanSize=" + spanSize);
    }
  }

  /** Number of spans: {@code ceil(size / spanSize)}, so the reference's max_span_id plus one. */
  public int numSpans() {
    return (int) (size / spanSize + (size % spanSize == 0 ? 0 : 1));
  }

  /** First byte of span {@code i} (compressed and uncompressed alike). */
  public long spanStart(int i) {
    checkSpan(i);
    return i * spanSize;
  }

  /** End (exclusive) of span {@code i}. */
  public long spanEnd(int i) {
    checkSpan(i);
    long start = i * spanSize; // <= size, so no overflow; (i + 1) * spanSize could overflow
    return size - start <= spanSize ? size : start + spanSize;
  }

  private void checkSpan(int i) {
    if (i < 0 || i >= numSpans()) {
      throw new IndexOutOfBoundsException("span " + i + " of " + numSpans());
    }
  }

  /** Encodes the table as the reference does (fields in schema order, defaults omitted). */
  public byte[] toBytes() {
    FlatBufferBuilder b = new FlatBufferBuilder(64);
    b.startTable(Schema.TZ_FIELDS);
    b.addInt(Schema.TZ_VERSION, VERSION, 0);
    b.addLong(Schema.TZ_SPAN_SIZE, spanSize, 0);
    b.addLong(Schema.TZ_SIZE, size, 0);
    b.finish(b.endTable());
    return b.sizedByteArray();
  }

  /**
   * Decodes and validates a tar zinfo blob.
   *
   * @throws ZtocFormatException if it is not a well-formed version-2 tar zinfo
   */
  public static TarZinfo parse(ByteBuffer blob) throws ZtocFormatException {
    try {
      FlatBufferInput in = new FlatBufferInput(blob);
      int t = in.root("tar zinfo");
      int version = in.getInt(t, Schema.TZ_VERSION, "tar zinfo");
      long spanSize = in.getLong(t, Schema.TZ_SPAN_SIZE, "tar zinfo");
      long size = in.getLong(t, Schema.TZ_SIZE, "tar zinfo");
      if (version != VERSION) {
        throw new ZtocFormatException("tar zinfo: unsupported version " + version);
      }
      return new TarZinfo(spanSize, size);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new ZtocFormatException("tar zinfo: " + e.getMessage(), e);
    }
  }

  /** Same as {@link #parse(ByteBuffer)} for a byte array. */
  public static TarZinfo parse(byte[] blob) throws ZtocFormatException {
    return parse(ByteBuffer.wrap(blob));
  }
}
