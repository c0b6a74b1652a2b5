package dev.soci.core;

/**
 * Bytes follow the last gzip member of a layer and they are not another gzip member (for
 * example zero padding or garbage appended to the blob).
 *
 * <p>Some gzip tools silently ignore such bytes; the reference SOCI implementation does not
 * (zlib reports a header error on them and the zTOC build fails), so neither do we: an index
 * built while ignoring them would describe a blob the reference cannot index.
 */
public final class TrailingDataException extends CorruptStreamException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was found in the stream; the offset is appended to it when known
   * @param compressedOffset byte offset in the compressed blob where it was found, or -1 when
   *     unknown
   */
  public TrailingDataException(String message, long compressedOffset) {
    super(message, compressedOffset);
  }
}
