package dev.soci.core.internal;

import java.io.IOException;
import java.util.List;

/**
 * Where a gzip indexing pass sends what it hashes; implemented inline ({@link LayerDigests}) and
 * on a helper thread ({@link AsyncLayerDigests}). Calls come from one thread, in stream order.
 * The arrays passed in are reused by the caller once a call returns.
 */
interface DigestFeed extends AutoCloseable {
  /** The next {@code len} bytes of the blob; every byte exactly once, in order. */
  void compressed(byte[] b, int off, int len) throws IOException;

  /**
   * A checkpoint: the open span (if any) ends before absolute offset {@code end} and the next
   * starts at {@code nextStart} ({@code end} or {@code end - 1}). Must come before the blob
   * bytes from {@code nextStart} on.
   */
  void cut(long end, long nextStart) throws IOException;

  /** The next {@code len} uncompressed bytes. */
  void uncompressed(byte[] b, int off, int len) throws IOException;

  /** Ends the streams; {@code blobSize} bytes must have been fed. */
  Result finish(long blobSize) throws IOException;

  /** Releases resources (stops a helper thread); safe after finish and on any failure path. */
  @Override
  void close();

  /** The digests of one pass. */
  record Result(List<String> spanDigests, String blobDigest, String diffId) {}
}
