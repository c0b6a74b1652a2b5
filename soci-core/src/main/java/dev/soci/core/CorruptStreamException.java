package dev.soci.core;

/**
 * The compressed data is not a valid gzip/deflate stream: a bad header, an invalid deflate block,
 * a checksum or length mismatch in a member trailer.
 *
 * <p>{@link #compressedOffset()} is the byte offset in the compressed blob (or -1 when unknown)
 * where decoding noticed the problem, so a user can look at the damage with a hex dump.
 */
public class CorruptStreamException extends SociException {
  private static final long serialVersionUID = 1L;

  /** Byte offset in the compressed blob where the problem was detected, or -1 when unknown. */
  private final long compressedOffset;

  /**
   * @param message what is wrong with the stream; the offset is appended to it when known
   * @param compressedOffset byte offset in the compressed blob where decoding noticed the
   *     problem, or -1 when unknown
   */
  public CorruptStreamException(String message, long compressedOffset) {
    super(message + (compressedOffset >= 0 ? " (at compressed offset " + compressedOffset + ")" : ""));
    this.compressedOffset = compressedOffset;
  }

  /**
   * Byte offset in the compressed blob where the problem was detected, or -1 when unknown.
   *
   * @return the compressed offset of the damage, or -1 when decoding could not tell
   */
  public long compressedOffset() {
    return compressedOffset;
  }
}
