package dev.soci.core;

/**
 * A span's compressed bytes, inflated from its checkpoint, do not give the uncompressed length
 * that its checkpoint and the next one promise: one of them is not where the zTOC says, so the
 * bytes decoded would be other bytes than those the zTOC places there.
 */
public final class CheckpointMismatchException extends SociException {
  private static final long serialVersionUID = 1L;

  /** Byte offset in the compressed blob where the mismatched span starts. */
  private final long compressedOffset;

  /**
   * @param message what does not match
   * @param compressedOffset where the span starts in the compressed blob
   */
  public CheckpointMismatchException(String message, long compressedOffset) {
    super(message);
    this.compressedOffset = compressedOffset;
  }

  /**
   * Where the span starts in the compressed blob.
   *
   * @return the byte offset in the compressed blob of the span whose length did not match
   */
  public long compressedOffset() {
    return compressedOffset;
  }
}
