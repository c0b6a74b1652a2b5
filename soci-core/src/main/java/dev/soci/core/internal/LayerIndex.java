package dev.soci.core.internal;

import dev.soci.core.Compression;
import java.util.List;
import java.util.Objects;

/**
 * What one pass over a layer blob learns: the checkpoints a zTOC stores, the digest of every
 * span, sizes, and the layer's two digests.
 *
 * @param compression how the blob is compressed
 * @param spanSize the span size the index was built with
 * @param checkpoints one per span for gzip, in order (checkpoint i starts span i); empty for
 *     {@link Compression#UNCOMPRESSED}, whose spans are fixed ranges
 * @param spanDigests {@code sha256:<hex>} of the compressed bytes of each span (FORMATS.md 1.3)
 * @param compressedSize size of the blob in bytes
 * @param uncompressedSize number of bytes the whole blob decodes to
 * @param layerDigest sha256 digest of the blob
 * @param diffId sha256 digest of the uncompressed stream
 */
public record LayerIndex(Compression compression, long spanSize, List<Checkpoint> checkpoints,
    List<String> spanDigests, long compressedSize, long uncompressedSize, String layerDigest, String diffId) {

  public LayerIndex {
    Objects.requireNonNull(compression, "compression");
    checkpoints = List.copyOf(checkpoints);
    spanDigests = List.copyOf(spanDigests);
    Objects.requireNonNull(layerDigest, "layerDigest");
    Objects.requireNonNull(diffId, "diffId");
    if (spanSize <= 0) {
      throw new IllegalArgumentException("span size must be positive: " + spanSize);
    }
    if (compression == Compression.GZIP && checkpoints.size() != spanDigests.size()) {
      throw new IllegalArgumentException(
          checkpoints.size() + " checkpoints but " + spanDigests.size() + " span digests");
    }
  }

  /** Number of spans ({@code max_span_id + 1}). */
  public int spanCount() {
    return spanDigests.size();
  }
}
