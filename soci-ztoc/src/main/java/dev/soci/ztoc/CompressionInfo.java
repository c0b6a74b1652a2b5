package dev.soci.ztoc;

import dev.soci.core.Compression;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The zTOC's {@code CompressionInfo} table: how the layer is cut into spans.
 *
 * <p>The zinfo blob ({@link #checkpoints()}) is a gzip zinfo (decoded by soci-core) or a {@link
 * TarZinfo}. The public constructor copies it and the accessor returns copies, so instances are
 * immutable. A plain final class rather than a record because the builder hands over a blob it
 * will never touch again (often a region of the encoded zTOC itself): for a large layer the blob
 * is several MiB, and a defensive copy there is what pushed a 1 GiB layer over a small heap.
 */
final class CompressionInfo {
  private final Compression algorithm;
  private final int maxSpanId;
  private final List<String> spanDigests;
  /** Holds the blob at {@code [blobOff, blobOff + blobLen)}; never written after construction. */
  private final byte[] blob;
  private final int blobOff;
  private final int blobLen;

  /**
   * @param algorithm gzip or uncompressed
   * @param maxSpanId number of spans minus one
   * @param spanDigests digest of each span's compressed bytes, {@code sha256:<hex>}
   * @param checkpoints the zinfo blob; copied
   */
  public CompressionInfo(Compression algorithm, int maxSpanId, List<String> spanDigests, byte[] checkpoints) {
    this(algorithm, maxSpanId, spanDigests, checkpoints.clone(), 0, checkpoints.length);
  }

  private CompressionInfo(Compression algorithm, int maxSpanId, List<String> spanDigests, byte[] blob, int off,
      int len) {
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.maxSpanId = maxSpanId;
    this.spanDigests = List.copyOf(spanDigests);
    Objects.checkFromIndexSize(off, len, blob.length);
    this.blob = blob;
    this.blobOff = off;
    this.blobLen = len;
  }

  /**
   * Takes {@code blob[off..off+len)} as the zinfo without copying: the caller must never modify
   * that region afterwards (the builder passes the region of its own encoded zTOC).
   */
  static CompressionInfo adopt(Compression algorithm, int maxSpanId, List<String> spanDigests, byte[] blob, int off,
      int len) {
    return new CompressionInfo(algorithm, maxSpanId, spanDigests, blob, off, len);
  }

  /** Gzip or uncompressed. */
  public Compression algorithm() {
    return algorithm;
  }

  /** Number of spans minus one. */
  public int maxSpanId() {
    return maxSpanId;
  }

  /** Digest of each span's compressed bytes, {@code sha256:<hex>}; unmodifiable. */
  public List<String> spanDigests() {
    return spanDigests;
  }

  /** A copy of the zinfo blob. */
  public byte[] checkpoints() {
    return Arrays.copyOfRange(blob, blobOff, blobOff + blobLen);
  }

  /** The zinfo blob as a read-only view, without copying. */
  public ByteBuffer checkpointsBuffer() {
    return ByteBuffer.wrap(blob, blobOff, blobLen).slice().asReadOnlyBuffer();
  }

  /** Length of the zinfo blob in bytes. */
  int checkpointsLength() {
    return blobLen;
  }

  /** Copies the zinfo blob into {@code dst} at its position (the encoder's path, one copy). */
  void copyCheckpointsTo(ByteBuffer dst) {
    dst.put(blob, blobOff, blobLen);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompressionInfo c
        && c.algorithm == algorithm
        && c.maxSpanId == maxSpanId
        && c.spanDigests.equals(spanDigests)
        && Arrays.equals(c.blob, c.blobOff, c.blobOff + c.blobLen, blob, blobOff, blobOff + blobLen);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = blobOff; i < blobOff + blobLen; i++) {
      h = 31 * h + blob[i];
    }
    return Objects.hash(algorithm, maxSpanId, spanDigests) * 31 + h;
  }

  @Override
  public String toString() {
    return "CompressionInfo[algorithm="
        + algorithm
        + ", maxSpanId="
        + maxSpanId
        + ", spanDigests="
        + spanDigests.size()
        + ", checkpoints="
        + blobLen
        + " bytes]";
  }
}
