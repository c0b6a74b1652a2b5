package dev.soci.oci.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a layout as a tar stream of directories and regular files ({@link TarReader} reads
 * one): ustar headers with mtime 0 (reproducible archives), a PAX {@code path} record for names
 * longer than the ustar fields allow (sha512 blob paths), GNU base-256 sizes from 8 GiB.
 */
final class TarWriter {
  private final OutputStream out;

  TarWriter(OutputStream out) {
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
    out.write(new byte[2 * TarReader.BLOCK]);
    out.flush();
  }

  private void pad(long size) throws IOException {
    int rem = (int) (size % TarReader.BLOCK);
    if (rem != 0) {
      out.write(new byte[TarReader.BLOCK - rem]);
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
    byte[] h = new byte[TarReader.BLOCK];
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
