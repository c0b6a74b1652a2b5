package dev.soci.oci.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads layout tar archives, which hold only regular files and directories: indexes an archive
 * without extracting it, refusing every entry that could escape or alias the layout (links,
 * devices, absolute names, {@code ..}), and opens an entry's data in place. ({@link TarWriter}
 * writes them.)
 *
 * <p>The header parsing (checksum, octal and base-256 numbers, PAX and GNU long names) covers
 * the same ground as soci-ztoc's layer tar reader, with other rules: a layout archive is
 * refused on any entry a layout cannot hold, where a layer's entries are all indexed.
 */
final class TarReader {
  private TarReader() {}

  static final int BLOCK = 512;

  /** Where a regular file's data lives in the archive. */
  record Entry(long offset, long size) {}

  // ------------------------------------------------------------------ reading

  /** Indexes the regular files of {@code tar} by cleaned name. */
  static Map<String, Entry> index(FileChannel ch, Path tar) throws IOException {
    Map<String, Entry> files = new LinkedHashMap<>();
    long fileSize = ch.size();
    long pos = 0;
    String paxPath = null;
    long paxSize = -1;
    String gnuLongName = null;
    ByteBuffer hb = ByteBuffer.allocate(BLOCK);
    while (true) {
      if (pos + BLOCK > fileSize) {
        if (pos == fileSize && files.isEmpty() && pos == 0) {
          throw new LayoutException(tar + ": empty tar archive");
        }
        if (pos == fileSize) {
          return files; // no end-of-archive marker: tolerated, as Go's reader does
        }
        throw new LayoutException(tar + ": truncated tar header at offset " + pos);
      }
      hb.clear();
      readFully(ch, hb, pos, tar);
      byte[] h = hb.array();
      if (isZero(h)) {
        return files;
      }
      checkChecksum(h, pos, tar);
      char type = (char) h[156];
      long size = number(h, 124, 12, pos, tar);
      if (paxSize >= 0) {
        size = paxSize;
      }
      long data = pos + BLOCK;
      // Compared by subtraction: a hostile size near Long.MAX_VALUE must not overflow the sum.
      if (size < 0 || size > fileSize - data) {
        throw new LayoutException(tar + ": entry at offset " + pos + " is truncated");
      }
      long next = data + ((size + BLOCK - 1) / BLOCK) * BLOCK;
      if (type == 'x' || type == 'L' || type == 'g' || type == 'K') {
        if (size > 1 << 20) {
          throw new LayoutException(tar + ": oversized metadata entry at offset " + pos);
        }
        byte[] body = new byte[(int) size];
        readFully(ch, ByteBuffer.wrap(body), data, tar);
        if (type == 'x') {
          Map<String, String> rec = pax(body, pos, tar);
          paxPath = rec.getOrDefault("path", paxPath);
          if (rec.containsKey("size")) {
            try {
              paxSize = Long.parseLong(rec.get("size"));
            } catch (NumberFormatException e) {
              throw new LayoutException(tar + ": bad PAX size at offset " + pos, e);
            }
          }
        } else if (type == 'L') {
          gnuLongName = cString(body, 0, body.length);
        }
        pos = next;
        continue;
      }
      String name = paxPath != null ? paxPath : gnuLongName != null ? gnuLongName : ustarName(h);
      paxPath = null;
      gnuLongName = null;
      paxSize = -1;
      String clean = clean(name, pos, tar);
      switch (type) {
        case '0':
        case '\0':
        case '7':
          if (clean.isEmpty() || name.endsWith("/")) {
            throw new LayoutException(tar + ": invalid file name \"" + name + "\"");
          }
          if (files.put(clean, new Entry(data, size)) != null) {
            throw new LayoutException(tar + ": duplicate entry \"" + clean + "\"");
          }
          break;
        case '5':
          break;
        case '1':
        case '2':
          throw new LayoutException(tar + ": refusing link entry \"" + name + "\"");
        default:
          throw new LayoutException(
              tar + ": refusing entry \"" + name + "\" of type '" + type + "'");
      }
      pos = next;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos, Path tar)
      throws IOException {
    long p = pos;
    while (b.hasRemaining()) {
      int n = ch.read(b, p);
      if (n < 0) {
        throw new LayoutException(tar + ": unexpected end of archive");
      }
      p += n;
    }
  }

  private static boolean isZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static void checkChecksum(byte[] h, long pos, Path tar) throws LayoutException {
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int v = (i >= 148 && i < 156) ? ' ' : h[i];
      unsigned += v & 0xff;
      signed += (i >= 148 && i < 156) ? ' ' : h[i];
    }
    long stored = number(h, 148, 8, pos, tar);
    if (stored != unsigned && stored != signed) {
      throw new LayoutException(tar + ": bad tar header checksum at offset " + pos);
    }
  }

  /** A numeric header field: octal text, or GNU base-256 when the top bit is set. */
  private static long number(byte[] h, int off, int len, long pos, Path tar)
      throws LayoutException {
    if ((h[off] & 0x80) != 0) {
      if ((h[off] & 0x40) != 0) {
        throw new LayoutException(tar + ": negative number in header at offset " + pos);
      }
      long v = h[off] & 0x3f;
      for (int i = 1; i < len; i++) {
        if ((v >>> 55) != 0) {
          throw new LayoutException(tar + ": number too large in header at offset " + pos);
        }
        v = (v << 8) | (h[off + i] & 0xff);
      }
      return v;
    }
    long v = 0;
    boolean seen = false;
    for (int i = off; i < off + len; i++) {
      int c = h[i];
      if (c == 0 || (c == ' ' && seen)) {
        break;
      }
      if (c == ' ') {
        continue;
      }
      if (c < '0' || c > '7' || (v >>> 60) != 0) {
        throw new LayoutException(tar + ": invalid number in header at offset " + pos);
      }
      v = v * 8 + (c - '0');
      seen = true;
    }
    return v;
  }

  private static String cString(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static String ustarName(byte[] h) {
    String name = cString(h, 0, 100);
    String magic = new String(h, 257, 5, StandardCharsets.US_ASCII);
    if (magic.equals("ustar")) {
      String prefix = cString(h, 345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private static Map<String, String> pax(byte[] body, long pos, Path tar) throws LayoutException {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    while (i < body.length) {
      int sp = i;
      while (sp < body.length && body[sp] != ' ') {
        sp++;
      }
      int len;
      try {
        len = Integer.parseInt(new String(body, i, sp - i, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new LayoutException(tar + ": bad PAX record at offset " + pos, e);
      }
      if (len <= sp - i + 1 || len > body.length - i || body[i + len - 1] != '\n') {
        throw new LayoutException(tar + ": bad PAX record at offset " + pos);
      }
      String rec = new String(body, sp + 1, i + len - 1 - (sp + 1), StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq <= 0) {
        throw new LayoutException(tar + ": bad PAX record at offset " + pos);
      }
      out.put(rec.substring(0, eq), rec.substring(eq + 1));
      i += len;
    }
    return out;
  }

  /**
   * Cleans an entry name to the layout-relative form ({@code ./blobs/x} becomes
   * {@code blobs/x}), refusing absolute names, {@code ..} segments, backslashes and NULs.
   */
  static String clean(String name, long pos, Path tar) throws LayoutException {
    if (name.startsWith("/") || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
      throw new LayoutException(tar + ": refusing unsafe entry name \"" + name + "\"");
    }
    StringBuilder sb = new StringBuilder();
    for (String seg : name.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        throw new LayoutException(tar + ": refusing entry name with \"..\": \"" + name + "\"");
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(seg);
    }
    return sb.toString();
  }

  /** A bounded stream over one entry's data. */
  static InputStream open(Path tar, Entry e) throws IOException {
    FileChannel ch = FileChannel.open(tar, StandardOpenOption.READ);
    return new InputStream() {
      private long pos = e.offset();
      private final long end = e.offset() + e.size();

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
          return -1;
        }
        int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
        if (n < 0) {
          return -1;
        }
        pos += n;
        return n;
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }
}
