package dev.soci.ztoc;

import dev.soci.core.Compression;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The zTOC's {@code CompressionInfo} table: how the layer is cut into spans.
 *
 * @param algorithm gzip or uncompressed
 * @param maxSpanId number of spans minus one
 * @param spanDigests digest of each span's compressed bytes, {@code sha256:<hex>}
 * @param checkpoints the zinfo blob, kept raw: a gzip zinfo (decoded by soci-core) or a {@link
 *     TarZinfo}; copied on the way in and out
 */
public record CompressionInfo(
    Compression algorithm, int maxSpanId, List<String> spanDigests, byte[] checkpoints) {

  public CompressionInfo {
    Objects.requireNonNull(algorithm, "algorithm");
    spanDigests = List.copyOf(spanDigests);
    checkpoints = checkpoints.clone();
  }

  /** A copy of the zinfo blob. */
  @Override
  public byte[] checkpoints() {
    return checkpoints.clone();
  }

  /** The zinfo blob as a read-only view, without copying. */
  public ByteBuffer checkpointsBuffer() {
    return ByteBuffer.wrap(checkpoints).asReadOnlyBuffer();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CompressionInfo c
        && c.algorithm == algorithm
        && c.maxSpanId == maxSpanId
        && c.spanDigests.equals(spanDigests)
        && Arrays.equals(c.checkpoints, checkpoints);
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, maxSpanId, spanDigests) * 31 + Arrays.hashCode(checkpoints);
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
        + checkpoints.length
        + " bytes]";
  }
}
