package dev.soci.core;

/** How a layer blob is compressed, as far as SOCI cares: gzip (possibly multi-member) or not at all. */
public enum Compression {
  /** One or more concatenated gzip members (RFC 1952). */
  GZIP,
  /** A plain (tar) stream: compressed and uncompressed bytes are the same. */
  UNCOMPRESSED;

  /**
   * Guesses the compression from the first bytes of a blob: the gzip magic {@code 1f 8b} means
   * {@link #GZIP}, anything else (including fewer than two bytes) {@link #UNCOMPRESSED}.
   *
   * @param firstBytes the blob's first bytes; only the first two are looked at
   * @param len how many bytes of {@code firstBytes} were actually read (may be less than its
   *     length, e.g. after a short read)
   * @return {@link #GZIP} if the blob starts with the gzip magic, else {@link #UNCOMPRESSED}
   */
  public static Compression detect(byte[] firstBytes, int len) {
    if (len >= 2 && firstBytes.length >= 2 && (firstBytes[0] & 0xFF) == 0x1f && (firstBytes[1] & 0xFF) == 0x8b) {
      return GZIP;
    }
    return UNCOMPRESSED;
  }
}
