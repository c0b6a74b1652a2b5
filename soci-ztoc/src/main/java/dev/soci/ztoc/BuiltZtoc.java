package dev.soci.ztoc;

import dev.soci.core.internal.LayerIndex;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The result of {@link ZtocBuilder#build}: the zTOC as its serialised bytes (with their digest,
 * computed once as they were written), its entries, a {@link ZtocView} over the same bytes (no
 * copy), and what the same single pass learned about the layer: its digest and its diff ID
 * (digest of the uncompressed tar stream).
 */
public final class BuiltZtoc {
  private final Ztoc ztoc;
  /**
   * Holds the serialised zTOC at {@code [offset, offset + length)}: the encoder's own buffer,
   * handed over without a trimming copy (a large zTOC is several MiB). Never written after
   * construction and never handed out writable.
   */
  private final byte[] bytes;
  private final int offset;
  private final int length;
  private final String digest;
  private final LayerIndex layer;
  private volatile ZtocView view;

  BuiltZtoc(Ztoc ztoc, byte[] bytes, int offset, int length, String digest, LayerIndex layer) {
    this.ztoc = Objects.requireNonNull(ztoc, "ztoc");
    this.bytes = Objects.requireNonNull(bytes, "bytes");
    Objects.checkFromIndexSize(offset, length, bytes.length);
    this.offset = offset;
    this.length = length;
    this.digest = Objects.requireNonNull(digest, "digest");
    this.layer = Objects.requireNonNull(layer, "layer");
  }

  /** The zTOC as a model (the encoder's input, kept: its entries are already materialised). */
  Ztoc ztoc() {
    return ztoc;
  }

  /**
   * A copy of the serialised zTOC (the blob to store and reference from a SOCI index).
   *
   * @return a fresh array holding exactly the zTOC's bytes
   */
  public byte[] bytes() {
    return java.util.Arrays.copyOfRange(bytes, offset, offset + length);
  }

  /**
   * The serialised zTOC as a read-only buffer, without copying.
   *
   * @return a read-only buffer over exactly the zTOC's bytes, positioned at 0
   */
  public ByteBuffer buffer() {
    return ByteBuffer.wrap(bytes, offset, length).slice().asReadOnlyBuffer();
  }

  /**
   * Writes the serialised zTOC to {@code out}.
   *
   * @param out where to write; it is neither flushed nor closed
   * @throws IOException if writing to {@code out} fails
   */
  public void writeTo(OutputStream out) throws IOException {
    out.write(bytes, offset, length);
  }

  /**
   * Size of the serialised zTOC in bytes.
   *
   * @return the zTOC's length in bytes
   */
  public long size() {
    return length;
  }

  /**
   * Digest of the serialised zTOC, {@code sha256:<hex>}.
   *
   * @return the SHA-256 digest of {@link #bytes()}, as a SOCI index records it
   */
  public String digest() {
    return digest;
  }

  /** What the pass over the layer found: checkpoints, span digests, sizes, layer digest, diff ID. */
  LayerIndex layer() {
    return layer;
  }

  /**
   * The zTOC opened over its own bytes (not copied), as {@link ZtocView#open(ByteBuffer)} opens
   * any zTOC: validated once, on the first call, and then kept.
   *
   * @return the validated view, kept once a call has made it
   */
  public ZtocView view() {
    ZtocView v = view;
    if (v == null) {
      try {
        v = ZtocView.open(ByteBuffer.wrap(bytes, offset, length).slice());
      } catch (ZtocFormatException e) {
        throw new IllegalStateException("the encoder wrote a zTOC that does not validate", e);
      }
      view = v;
    }
    return v;
  }

  /**
   * The TOC entries, in archive order (those the build found; unmodifiable).
   *
   * @return an unmodifiable list of the entries, in the order of the tar stream
   */
  public java.util.List<TocEntry> entries() {
    return ztoc.entries();
  }

  /**
   * Digest of the layer blob as read, {@code sha256:<hex>}.
   *
   * @return the SHA-256 digest of the layer's compressed bytes, as its descriptor names it
   */
  public String layerDigest() {
    return layer.layerDigest();
  }

  /**
   * Digest of the uncompressed tar stream (the layer's diff ID in an image config).
   *
   * @return the SHA-256 digest of the layer's tar stream, {@code sha256:<hex>}
   */
  public String diffId() {
    return layer.diffId();
  }

  @Override
  public String toString() {
    return "BuiltZtoc[" + digest + ", " + length + " bytes, " + ztoc.entries().size()
        + " entries, " + layer.spanCount() + " spans, layer " + layer.layerDigest() + "]";
  }
}
