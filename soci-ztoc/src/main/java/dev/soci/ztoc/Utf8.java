package dev.soci.ztoc;

/**
 * Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF): the byte sequences that
 * decode to a Java string and encode back to the very same bytes.
 */
final class Utf8 {
  private Utf8() {}

  /**
   * Length of the well-formed UTF-8 sequence starting at {@code b[i]} (which must be before
   * {@code end}), or 0 when the bytes there are not one.
   */
  static int sequenceLength(byte[] b, int i, int end) {
    int c0 = b[i];
    if (c0 >= 0) {
      return 1;
    }
    c0 &= 0xff;
    int need;
    int min;
    if (c0 >= 0xC2 && c0 <= 0xDF) {
      need = 1;
      min = 0x80;
    } else if (c0 >= 0xE0 && c0 <= 0xEF) {
      need = 2;
      min = 0x800;
    } else if (c0 >= 0xF0 && c0 <= 0xF4) {
      need = 3;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + need >= end) {
      return 0; // truncated sequence
    }
    int cp = c0 & (0x3F >> need);
    for (int k = 1; k <= need; k++) {
      int c = b[i + k] & 0xff;
      if ((c & 0xC0) != 0x80) {
        return 0;
      }
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return 0;
    }
    return need + 1;
  }

  static boolean isValid(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      int n = sequenceLength(b, i, end);
      if (n == 0) {
        return false;
      }
      i += n;
    }
    return true;
  }
}
