package dev.soci.ztoc.internal;

import dev.soci.ztoc.ByteString;
import dev.soci.ztoc.TocEntry;
import java.util.Map;

/**
 * Upper bounds of what the zTOC encoder writes (every table field present, its vtable not shared,
 * worst alignment padding). The encoder sizes its buffer with them, and the tar parser enforces
 * the zTOC size limit with them, which must hold before anything is encoded: one place, so the
 * two can never disagree.
 */
public final class EncodedSize {
  private EncodedSize() {}

  /** Upper bound of a string of {@code utf8Length} bytes: length prefix, NUL, up to 3 bytes of padding. */
  private static long stringSize(long utf8Length) {
    return utf8Length + 8;
  }

  /** Upper bound of the UTF-8 length of {@code s}, exact for ASCII (modification times, digests). */
  private static long utf8Length(String s) {
    long n = s.length();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        n += 2; // at most 3 bytes per char (a surrogate pair's 4 bytes are 2 chars)
      }
    }
    return n;
  }

  /** Upper bound of the bytes outside the TOC entries, span digests and zinfo blob. */
  public static long fixedSize(String version, String buildTool) {
    // The root and compression-info tables, their vtables, the vectors' lengths and padding.
    return 256 + stringSize(utf8Length(version)) + stringSize(utf8Length(buildTool));
  }

  /** Upper bound of what one span digest adds: its string and its offset in the digest vector. */
  public static long spanDigestSize(String digest) {
    return stringSize(utf8Length(digest)) + 4;
  }

  /** Upper bound of what one TOC entry adds: its table, vtable, strings, xattrs and vector slot. */
  public static long entrySize(TocEntry e) {
    // Table: soffset, 7 offsets, 5 longs, 2 ints and alignment (88); vtable of 14 fields (32);
    // slot in the metadata vector (4); xattr vector length and padding (8).
    long n = 88 + 32 + 4 + 8;
    n += stringSize(e.rawName().length()) + stringSize(e.type().wireName().length())
        + stringSize(e.rawLinkname().length()) + stringSize(e.rawUname().length())
        + stringSize(e.rawGname().length()) + stringSize(utf8Length(e.modTime()));
    for (Map.Entry<ByteString, ByteString> r : e.paxRecords().entrySet()) {
      // Key and value strings, a table of 2 offsets with its vtable (20), its vector slot (4).
      n += stringSize(r.getKey().length()) + stringSize(r.getValue().length()) + 24;
    }
    return n;
  }
}
