package dev.soci.ztoc;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.soci.ztoc.internal.EncodedSize;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Serialises a {@link Ztoc} to FlatBuffers bytes identical to the reference's.
 *
 * <p>FlatBuffers output depends on construction order, so this follows the reference's order
 * exactly (strings before the tables that use them, entries last to first, fields in schema
 * order) using {@code startTable}/{@code addX} calls; generated {@code createX} helpers would add
 * fields largest-first and change the bytes. Scalars equal to their default are omitted, as the
 * reference's builder does.
 */
final class ZtocEncoder {

  private ZtocEncoder() {}

  /** Encodes {@code ztoc}; the result is what the reference writes for the same content. */
  public static byte[] encode(Ztoc ztoc) {
    CompressionInfo ci = ztoc.compressionInfo();
    Encoded e = encode(ztoc.version(), ztoc.buildToolIdentifier(), ztoc.compressedArchiveSize(),
        ztoc.uncompressedArchiveSize(), ztoc.entries(), ci.algorithm(), ci.maxSpanId(), ci.spanDigests(),
        ci.checkpointsLength(), ci::copyCheckpointsTo);
    return e.exactBytes();
  }

  /** Writes a zinfo blob of a length announced up front straight into the encoder's buffer. */
  @FunctionalInterface
  interface BlobWriter {
    /** Puts exactly the announced number of bytes at {@code dst}'s position. */
    void writeTo(java.nio.ByteBuffer dst);
  }

  /**
   * An encoded zTOC: {@code array[offset..offset+length)}, with the zinfo blob at {@code
   * array[zinfoOffset..zinfoOffset+zinfoLength)}. The array is the builder's own buffer, handed
   * over without the final trimming copy when it is nearly full.
   */
  record Encoded(byte[] array, int offset, int length, int zinfoOffset, int zinfoLength) {
    /** The zTOC bytes as an exact-length array (no copy when the buffer is exactly full). */
    byte[] exactBytes() {
      return offset == 0 && length == array.length
          ? array
          : java.util.Arrays.copyOfRange(array, offset, offset + length);
    }
  }

  /**
   * Encodes from the parts of a zTOC, the zinfo written by {@code zinfo} directly into the
   * FlatBuffers buffer: the one path that both the model and the builder use, so the bytes
   * cannot differ between them.
   */
  static Encoded encode(String versionText, String buildToolText, long compressedSize, long uncompressedSize,
      List<TocEntry> entries, dev.soci.core.Compression algorithm, int maxSpanId, List<String> digests,
      int zinfoLength, BlobWriter zinfo) {
    // Sized up front: the zinfo alone is 32 KiB per span (8 MiB for a 1 GiB layer), and letting
    // the builder double its way there keeps old and new buffers alive at once. The initial size
    // only affects reallocation, never the bytes (layout is relative to the end).
    FlatBufferBuilder b = new FlatBufferBuilder(estimate(versionText, buildToolText, entries, digests, zinfoLength));
    int version = b.createString(versionText);
    int buildTool = b.createString(buildToolText);
    int toc = writeToc(b, entries);

    ByteBuffer into = b.createUnintializedVector(1, zinfoLength, 1);
    // Distance of the blob's first byte from the end of the buffer: stable across reallocation.
    int zinfoFromEnd = b.offset();
    zinfo.writeTo(into);
    if (into.position() != zinfoLength) {
      throw new IllegalStateException("zinfo writer wrote " + into.position() + " of " + zinfoLength + " bytes");
    }
    int checkpoints = b.endVector();
    int[] digestOffsets = new int[digests.size()];
    for (int i = 0; i < digestOffsets.length; i++) {
      digestOffsets[i] = b.createString(digests.get(i));
    }
    int digestVector = offsetVector(b, digestOffsets);

    b.startTable(Schema.CI_FIELDS);
    b.addInt(Schema.CI_MAX_SPAN_ID, maxSpanId, 0);
    b.addOffset(Schema.CI_SPAN_DIGESTS, digestVector, 0);
    b.addOffset(Schema.CI_CHECKPOINTS, checkpoints, 0);
    b.addByte(Schema.CI_ALGORITHM, Schema.toWire(algorithm), Schema.WIRE_GZIP);
    int compressionInfo = b.endTable();

    b.startTable(Schema.Z_FIELDS);
    b.addOffset(Schema.Z_VERSION, version, 0);
    b.addOffset(Schema.Z_BUILD_TOOL, buildTool, 0);
    b.addOffset(Schema.Z_TOC, toc, 0);
    b.addLong(Schema.Z_COMPRESSED_SIZE, compressedSize, 0);
    b.addLong(Schema.Z_UNCOMPRESSED_SIZE, uncompressedSize, 0);
    b.addOffset(Schema.Z_COMPRESSION_INFO, compressionInfo, 0);
    b.finish(b.endTable());
    ByteBuffer data = b.dataBuffer();
    int length = b.offset();
    int offset = data.position();
    return new Encoded(data.array(), offset, length, offset + length - zinfoFromEnd, zinfoLength);
  }

  /** A slight overestimate of the encoded size, so the builder normally never grows its buffer. */
  private static int estimate(String version, String buildTool, List<TocEntry> entries, List<String> digests,
      int zinfoLength) {
    long n = EncodedSize.fixedSize(version, buildTool) + zinfoLength;
    for (String d : digests) {
      n += EncodedSize.spanDigestSize(d);
    }
    for (TocEntry e : entries) {
      n += EncodedSize.entrySize(e);
    }
    return (int) Math.min(n, Integer.MAX_VALUE - 16);
  }

  private static int writeToc(FlatBufferBuilder b, List<TocEntry> entries) {
    int[] metadata = new int[entries.size()];
    for (int i = entries.size() - 1; i >= 0; i--) {
      metadata[i] = writeEntry(b, entries.get(i));
    }
    int vector = offsetVector(b, metadata);
    b.startTable(Schema.TOC_FIELDS);
    b.addOffset(Schema.TOC_METADATA, vector, 0);
    return b.endTable();
  }

  private static int writeEntry(FlatBufferBuilder b, TocEntry e) {
    int name = raw(b, e.rawName());
    int type = b.createString(e.type().wireName());
    int linkname = raw(b, e.rawLinkname());
    int uname = raw(b, e.rawUname());
    int gname = raw(b, e.rawGname());
    int modTime = b.createString(e.modTime());
    int[] xattrs = new int[e.paxRecords().size()];
    int k = 0;
    for (Map.Entry<ByteString, ByteString> r : e.paxRecords().entrySet()) {
      int key = raw(b, r.getKey());
      int value = raw(b, r.getValue());
      b.startTable(Schema.X_FIELDS);
      b.addOffset(Schema.X_KEY, key, 0);
      b.addOffset(Schema.X_VALUE, value, 0);
      xattrs[k++] = b.endTable();
    }
    int xattrVector = offsetVector(b, xattrs);

    b.startTable(Schema.FM_FIELDS);
    b.addOffset(Schema.FM_NAME, name, 0);
    b.addOffset(Schema.FM_TYPE, type, 0);
    b.addLong(Schema.FM_OFFSET, e.uncompressedOffset(), 0);
    b.addLong(Schema.FM_SIZE, e.uncompressedSize(), 0);
    b.addOffset(Schema.FM_LINKNAME, linkname, 0);
    b.addLong(Schema.FM_MODE, e.mode(), 0);
    b.addInt(Schema.FM_UID, (int) e.uid(), 0);
    b.addInt(Schema.FM_GID, (int) e.gid(), 0);
    b.addOffset(Schema.FM_UNAME, uname, 0);
    b.addOffset(Schema.FM_GNAME, gname, 0);
    b.addOffset(Schema.FM_MOD_TIME, modTime, 0);
    b.addLong(Schema.FM_DEVMAJOR, e.devmajor(), 0);
    b.addLong(Schema.FM_DEVMINOR, e.devminor(), 0);
    b.addOffset(Schema.FM_XATTRS, xattrVector, 0);
    return b.endTable();
  }

  /**
   * A string holding exactly these bytes, whatever their encoding, as Go's {@code CreateString}
   * does; for UTF-8 content it is the same as {@code createString(CharSequence)}.
   */
  private static int raw(FlatBufferBuilder b, ByteString s) {
    return b.createString(ByteBuffer.wrap(s.internalArray()));
  }

  /** A vector of offsets in element order (FlatBuffers vectors are built back to front). */
  private static int offsetVector(FlatBufferBuilder b, int[] offsets) {
    b.startVector(4, offsets.length, 4);
    for (int i = offsets.length - 1; i >= 0; i--) {
      b.addOffset(offsets[i]);
    }
    return b.endVector();
  }
}
