package dev.soci.ztoc;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Parses the records of a PAX extended header ({@code "<len> <key>=<value>\n"}) with the checks
 * of Go's {@code parsePAXRecord}; a later record with the same key replaces an earlier one.
 */
final class PaxRecords {
  private PaxRecords() {}

  static Map<String, String> parse(byte[] data, long headerOffset) throws TarFormatException {
    Map<String, String> out = new HashMap<>();
    int p = 0;
    while (p < data.length) {
      int space = p;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      if (space == data.length) {
        throw bad(headerOffset, "record without length");
      }
      Long n = GoTime.parseInt64(new String(data, p, space - p, StandardCharsets.ISO_8859_1));
      if (n == null || n < 5 || n > data.length - p) {
        throw bad(headerOffset, "bad record length");
      }
      int recordEnd = p + (int) (long) n;
      int bodyStart = space + 1;
      if (bodyStart > recordEnd - 1 || data[recordEnd - 1] != '\n') {
        throw bad(headerOffset, "record not newline-terminated");
      }
      int eq = bodyStart;
      while (eq < recordEnd - 1 && data[eq] != '=') {
        eq++;
      }
      if (eq == recordEnd - 1 || eq == bodyStart) {
        throw bad(headerOffset, "record without key=value");
      }
      String key = decode(data, bodyStart, eq - bodyStart, headerOffset);
      String value = decode(data, eq + 1, recordEnd - 1 - (eq + 1), headerOffset);
      boolean nameLike =
          key.equals("path") || key.equals("linkpath") || key.equals("uname")
              || key.equals("gname");
      if ((nameLike ? value : key).indexOf('\0') >= 0) {
        throw bad(headerOffset, "NUL in record " + key);
      }
      out.put(key, value);
      p = recordEnd;
    }
    return out;
  }

  private static String decode(byte[] b, int off, int len, long headerOffset)
      throws TarFormatException {
    if (!Utf8.isValid(b, off, len)) {
      throw bad(headerOffset, "record is not valid UTF-8");
    }
    return new String(b, off, len, StandardCharsets.UTF_8);
  }

  private static TarFormatException bad(long headerOffset, String why) {
    return new TarFormatException("invalid PAX header at offset " + headerOffset + ": " + why);
  }
}
