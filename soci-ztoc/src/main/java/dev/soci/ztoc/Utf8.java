package dev.soci.ztoc;

import java.nio.ByteBuffer;

/**
 * Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF), so that names
 * decode to Java strings and encode back to the very same bytes.
 */
final class Utf8 {
  private Utf8() {}

  static boolean isValid(ByteBuffer bb, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      int b = bb.get(i);
      if (b >= 0) {
        i++;
        continue;
      }
      b &= 0xff;
      int need;
      int min;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        min = 0x80;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        min = 0x800;
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + need >= end) {
        return false; // truncated sequence
      }
      int cp = b & (0x3F >> need);
      for (int k = 1; k <= need; k++) {
        int c = bb.get(i + k) & 0xff;
        if ((c & 0xC0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (c & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return false;
      }
      i += need + 1;
    }
    return true;
  }

  static boolean isValid(byte[] b, int off, int len) {
    return isValid(ByteBuffer.wrap(b), off, len);
  }
}
