package dev.soci.ztoc.internal;

import dev.soci.ztoc.TarFormatException;
import java.util.Arrays;

/**
 * One decoded 512-byte tar header, parsed field by field the way Go's {@code archive/tar}
 * {@code readHeader} does (format detection by magic, checksum, numeric and string fields,
 * ustar/star prefix, the GNU atime/ctime fallback). String fields stay raw bytes, as in Go: no
 * encoding is assumed, and the TOC stores them verbatim.
 */
public final class TarHeader {
  /** Stream offset of the header block. */
  public final long offset;
  /** Size of a tar block, and so of a header. */
  public static final int BLOCK = 512;

  /** The type flag byte, e.g. {@code '0'} for a regular file. */
  public final byte typeFlag;
  final byte[] name;
  final byte[] linkname;
  final byte[] uname;
  final byte[] gname;
  final long size;
  final long mode;
  final long uid;
  final long gid;
  final long mtime;
  final long devmajor;
  final long devminor;

  private TarHeader(byte[] b, long offset) throws TarFormatException {
    this.offset = offset;
    Numbers p = new Numbers(offset);
    typeFlag = b[156];
    byte[] rawName = cString(b, 0, 100);
    linkname = cString(b, 157, 100);
    size = p.numeric(b, 124, 12);
    mode = p.numeric(b, 100, 8);
    uid = p.numeric(b, 108, 8);
    gid = p.numeric(b, 116, 8);
    mtime = p.numeric(b, 136, 12);
    boolean ustarMagic = regionEquals(b, 257, "ustar\0");
    boolean gnu = regionEquals(b, 257, "ustar ") && regionEquals(b, 263, " \0");
    boolean star = ustarMagic && regionEquals(b, 508, "tar\0");
    if (ustarMagic || gnu) {
      uname = cString(b, 265, 32);
      gname = cString(b, 297, 32);
      devmajor = p.numeric(b, 329, 8);
      devminor = p.numeric(b, 337, 8);
    } else { // V7: none of these fields exist
      uname = new byte[0];
      gname = new byte[0];
      devmajor = 0;
      devminor = 0;
    }
    byte[] prefix = new byte[0];
    if (star) {
      prefix = cString(b, 345, 131);
      p.numeric(b, 476, 12); // atime and ctime: unused, but a bad value fails in Go
      p.numeric(b, 488, 12);
    } else if (ustarMagic) {
      prefix = cString(b, 345, 155);
    } else if (gnu) {
      // Pre-Go-1.8 writers put a ustar prefix in a GNU header's atime/ctime area; Go falls
      // back to reading it as a prefix when those fields do not parse as numbers.
      Numbers lenient = new Numbers(offset);
      if (b[345] != 0) {
        lenient.numeric(b, 345, 12);
      }
      if (b[357] != 0) {
        lenient.numeric(b, 357, 12);
      }
      if (lenient.failed) {
        byte[] s = cString(b, 345, 155);
        boolean ascii = true;
        for (byte c : s) {
          ascii &= c >= 0;
        }
        if (ascii) {
          prefix = s;
        }
      }
    }
    if (prefix.length > 0) {
      byte[] joined = Arrays.copyOf(prefix, prefix.length + 1 + rawName.length);
      joined[prefix.length] = '/';
      System.arraycopy(rawName, 0, joined, prefix.length + 1, rawName.length);
      name = joined;
    } else {
      name = rawName;
    }
    if (p.failed) {
      throw new TarFormatException("invalid numeric field in tar header at offset " + offset);
    }
  }

  /** Parses a non-zero header block that starts at stream {@code offset}. */
  public static TarHeader parse(byte[] block, long offset) throws TarFormatException {
    Numbers p = new Numbers(offset);
    long stored = p.octal(block, 148, 8);
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < 512; i++) {
      int c = (i >= 148 && i < 156) ? ' ' : block[i];
      unsigned += c & 0xff;
      signed += (byte) c;
    }
    if (p.failed || (stored != unsigned && stored != signed)) {
      throw new TarFormatException("tar header checksum mismatch at offset " + offset);
    }
    return new TarHeader(block, offset);
  }

  /** Go's {@code parseString}: the bytes up to the first NUL. */
  static byte[] cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return Arrays.copyOfRange(b, off, end);
  }

  private static boolean regionEquals(byte[] b, int off, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (b[off + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Go's numeric field parser, remembering the first failure like its {@code parser.err}. */
  private static final class Numbers {
    boolean failed;

    Numbers(long unusedOffset) {}

    long numeric(byte[] b, int off, int len) {
      if ((b[off] & 0x80) == 0) {
        return octal(b, off, len);
      }
      // Base-256: two's complement big-endian, the top bit of the first byte a marker.
      int inv = (b[off] & 0x40) != 0 ? 0xff : 0;
      long x = 0;
      for (int i = 0; i < len; i++) {
        int c = (b[off + i] ^ inv) & 0xff;
        if (i == 0) {
          c &= 0x7f;
        }
        if ((x >>> 56) > 0) {
          failed = true;
          return 0;
        }
        x = (x << 8) | c;
      }
      if ((x >>> 63) > 0) {
        failed = true;
        return 0;
      }
      return inv == 0xff ? ~x : x;
    }

    long octal(byte[] b, int off, int len) {
      int start = off;
      int end = off + len;
      while (start < end && (b[start] == ' ' || b[start] == 0)) {
        start++;
      }
      while (end > start && (b[end - 1] == ' ' || b[end - 1] == 0)) {
        end--;
      }
      int stop = start;
      while (stop < end && b[stop] != 0) {
        stop++;
      }
      if (stop == start) {
        if (start == end) {
          return 0; // all padding
        }
        failed = true;
        return 0;
      }
      long x = 0;
      for (int i = start; i < stop; i++) {
        int c = b[i];
        if (c < '0' || c > '7') {
          failed = true;
          return 0;
        }
        x = (x << 3) | (c - '0'); // at most 12 digits: no overflow
      }
      return x;
    }
  }
}
