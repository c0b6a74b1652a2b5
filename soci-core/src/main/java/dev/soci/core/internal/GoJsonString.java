package dev.soci.core.internal;

import java.io.IOException;

/**
 * Go's {@code encoding/json} rendering of a string given as raw bytes, as {@code json.Marshal}
 * writes it (HTML escaping on, Go 1.22): the reference CLIs print zTOC names this way, and names
 * are raw tar bytes, not necessarily UTF-8.
 *
 * <p>Byte by byte: printable ASCII is literal except {@code "} and {@code \} (escaped with a
 * backslash) and {@code < > &} (as {@code &#92;u003c &#92;u003e &#92;u0026}); {@code \b \f \n \r \t} use their
 * short escapes and other control bytes {@code &#92;u00xx} with lowercase hex; a valid UTF-8
 * sequence is literal (a real U+FFFD included) except U+2028 and U+2029 ({@code &#92;u2028 &#92;u2029});
 * and each byte that does not start a valid sequence, as Go's {@code utf8.DecodeRune} decides
 * (overlong forms, surrogates and values past U+10FFFF are invalid), is the six characters
 * {@code &#92;ufffd}. The output is therefore always valid text, and is appended as characters.
 */
public final class GoJsonString {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private GoJsonString() {}

  /** Appends {@code b[off, off + len)} as a quoted Go JSON string. */
  public static void appendQuoted(byte[] b, int off, int len, Appendable out) throws IOException {
    out.append('"');
    int end = off + len;
    int i = off;
    while (i < end) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        appendAscii(c, out);
        i++;
        continue;
      }
      int n = sequenceLength(b, i, end);
      if (n == 0) {
        out.append("\\ufffd");
        i++;
        continue;
      }
      int cp = decode(b, i, n);
      if (cp == 0x2028 || cp == 0x2029) {
        out.append("\\u202").append(HEX[cp & 0xf]);
      } else if (cp >= 0x10000) {
        out.append(Character.highSurrogate(cp)).append(Character.lowSurrogate(cp));
      } else {
        out.append((char) cp);
      }
      i += n;
    }
    out.append('"');
  }

  private static void appendAscii(int c, Appendable out) throws IOException {
    switch (c) {
      case '"' -> out.append("\\\"");
      case '\\' -> out.append("\\\\");
      case '<', '>', '&' -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      case '\b' -> out.append("\\b");
      case '\f' -> out.append("\\f");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> {
        if (c < 0x20) {
          out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
        } else {
          out.append((char) c);
        }
      }
    }
  }

  /**
   * Length of the valid UTF-8 sequence of two to four bytes at {@code b[i]} (which is not
   * ASCII), or 0 when it is not one: Go's {@code utf8.DecodeRune} acceptance ranges.
   */
  static int sequenceLength(byte[] b, int i, int end) {
    int c = b[i] & 0xff;
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c == 0xe0) {
        lo = 0xa0; // no overlong forms
      } else if (c == 0xed) {
        hi = 0x9f; // no surrogates
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c == 0xf0) {
        lo = 0x90;
      } else if (c == 0xf4) {
        hi = 0x8f; // nothing past U+10FFFF
      }
    } else {
      return 0;
    }
    if (end - i < n) {
      return 0;
    }
    int second = b[i + 1] & 0xff;
    if (second < lo || second > hi) {
      return 0;
    }
    for (int k = 2; k < n; k++) {
      int cont = b[i + k] & 0xff;
      if (cont < 0x80 || cont > 0xbf) {
        return 0;
      }
    }
    return n;
  }

  private static int decode(byte[] b, int i, int n) {
    int cp = b[i] & (0xff >> (n + 1));
    for (int k = 1; k < n; k++) {
      cp = (cp << 6) | (b[i + k] & 0x3f);
    }
    return cp;
  }
}
