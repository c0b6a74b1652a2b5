package dev.soci.core;

/**
 * The compressed data ended before the gzip/deflate stream was complete (cut inside a header,
 * a deflate block or a member trailer).
 */
public final class TruncatedStreamException extends CorruptStreamException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was found in the stream; the offset is appended to it when known
   * @param compressedOffset byte offset in the compressed blob where it was found, or -1 when
   *     unknown
   */
  public TruncatedStreamException(String message, long compressedOffset) {
    super(message, compressedOffset);
  }
}
