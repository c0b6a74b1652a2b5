package dev.soci.oci.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Minimal tar support for image layouts, which hold only regular files and directories.
 *
 * <p>The reader indexes an archive without extracting it, refusing every entry that could
 * escape or alias the layout (links, devices, absolute names, {@code ..}); the writer emits
 * ustar headers, with a PAX {@code path} record for names longer than the ustar fields allow
 * (sha512 blob paths).
 */
final class Tar {
  private Tar() {}

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

  // ------------------------------------------------------------------ writing

  /** Writes a tar stream of directories and regular files. */
  static final class Writer {
    private final OutputStream out;

    Writer(OutputStream out) {
      this.out = out;
    }

    void directory(String name) throws IOException {
      header(name.endsWith("/") ? name : name + "/", '5', 0, 0755);
    }

    void file(String name, long size, InputStream data) throws IOException {
      header(name, '0', size, 0644);
      byte[] buf = new byte[64 * 1024];
      long left = size;
      while (left > 0) {
        int n = data.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException("file " + name + " shrank while being archived");
        }
        out.write(buf, 0, n);
        left -= n;
      }
      pad(size);
    }

    void finish() throws IOException {
      out.write(new byte[2 * BLOCK]);
      out.flush();
    }

    private void pad(long size) throws IOException {
      int rem = (int) (size % BLOCK);
      if (rem != 0) {
        out.write(new byte[BLOCK - rem]);
      }
    }

    private void header(String name, char type, long size, int mode) throws IOException {
      byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
      if (nameBytes.length > 100) {
        // A PAX extended header carries the full name; the ustar field gets a truncation.
        String rec = "path=" + name + "\n";
        int len = rec.getBytes(StandardCharsets.UTF_8).length;
        int total = len + Integer.toString(len).length() + 1;
        if (Integer.toString(total).length() != Integer.toString(len).length()) {
          total++;
        }
        byte[] body = (total + " " + rec).getBytes(StandardCharsets.UTF_8);
        out.write(rawHeader("PaxHeaders/" + Integer.toHexString(name.hashCode()), 'x',
            body.length, 0644));
        out.write(body);
        pad(body.length);
        nameBytes = java.util.Arrays.copyOf(nameBytes, 100);
      }
      out.write(rawHeader(new String(nameBytes, StandardCharsets.UTF_8), type, size, mode));
    }

    /** One ustar header block; sizes of 8 GiB and more go in GNU base-256, which the reader takes. */
    static byte[] rawHeader(String name, char type, long size, int mode) {
      byte[] h = new byte[BLOCK];
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(n, 0, h, 0, Math.min(n.length, 100));
      octal(h, 100, 8, mode);
      octal(h, 108, 8, 0);
      octal(h, 116, 8, 0);
      if (size > 077777777777L) {
        // Eleven octal digits end at 8 GiB - 1; a larger layer blob is not unusual.
        base256(h, 124, 12, size);
      } else {
        octal(h, 124, 12, size);
      }
      octal(h, 136, 12, 0); // mtime 0: reproducible archives
      h[156] = (byte) type;
      System.arraycopy("ustar\00000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
      for (int i = 148; i < 156; i++) {
        h[i] = ' ';
      }
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      octal(h, 148, 7, sum);
      h[155] = ' ';
      return h;
    }

    /** GNU base-256: the top bit of the first byte set, the value big-endian in the rest. */
    private static void base256(byte[] h, int off, int len, long v) {
      for (int i = off + len - 1; i > off; i--) {
        h[i] = (byte) v;
        v >>>= 8;
      }
      h[off] = (byte) 0x80;
    }

    private static void octal(byte[] h, int off, int len, long v) {
      String s = Long.toOctalString(v);
      if (s.length() > len - 1) {
        throw new IllegalArgumentException("value too large for tar header: " + v);
      }
      s = "0".repeat(len - 1 - s.length()) + s;
      System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
      h[off + len - 1] = 0;
    }
  }
}
