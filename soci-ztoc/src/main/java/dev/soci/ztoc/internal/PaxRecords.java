package dev.soci.ztoc.internal;

import dev.soci.ztoc.ByteString;
import dev.soci.ztoc.TarFormatException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Parses the records of a PAX extended header ({@code "<len> <key>=<value>\n"}) with the checks
 * of Go's {@code parsePAXRecord}; a later record with the same key replaces an earlier one.
 * Keys and values stay raw bytes, as in Go: nothing requires them to be UTF-8.
 */
final class PaxRecords {
  private PaxRecords() {}

  static Map<ByteString, ByteString> parse(byte[] data, long headerOffset) throws TarFormatException {
    Map<ByteString, ByteString> out = new HashMap<>();
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
      ByteString key = ByteString.of(data, bodyStart, eq - bodyStart);
      ByteString value = ByteString.of(data, eq + 1, recordEnd - 1 - (eq + 1));
      boolean nameLike =
          key.contentEquals("path") || key.contentEquals("linkpath") || key.contentEquals("uname")
              || key.contentEquals("gname");
      if (hasNul(nameLike ? value : key)) {
        throw bad(headerOffset, "NUL in record " + key);
      }
      out.put(key, value);
      p = recordEnd;
    }
    return out;
  }

  private static boolean hasNul(ByteString s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.byteAt(i) == 0) {
        return true;
      }
    }
    return false;
  }

  private static TarFormatException bad(long headerOffset, String why) {
    return new TarFormatException("invalid PAX header at offset " + headerOffset + ": " + why);
  }
}
