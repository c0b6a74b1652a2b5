package dev.soci.core.internal;

import java.io.IOException;

/**
 * Receives the uncompressed bytes of a layer, in order, while it is being indexed (the zTOC
 * builder feeds them to its tar reader so the layer is read only once).
 *
 * <p>The array passed in is the indexer's own buffer and is reused after the call returns:
 * copy what you need to keep.
 */
@FunctionalInterface
public interface UncompressedSink {
  /** Consumes {@code len} bytes of {@code b} starting at {@code off}. */
  void write(byte[] b, int off, int len) throws IOException;
}
