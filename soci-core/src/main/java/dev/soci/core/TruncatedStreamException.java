package dev.soci.core;

/**
 * The compressed data ended before the gzip/deflate stream was complete (cut inside a header,
 * a deflate block or a member trailer).
 */
public final class TruncatedStreamException extends CorruptStreamException {
  private static final long serialVersionUID = 1L;

  public TruncatedStreamException(String message, long compressedOffset) {
    super(message, compressedOffset);
  }
}
