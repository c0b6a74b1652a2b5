package dev.soci.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Deterministic, realistic layer content for benchmarks: a tar stream whose files mix what real
 * image layers hold (source and config text, machine-code-like binaries, already-compressed
 * archives, and runs of zeros), so that the decoder sees literals, long matches, and stored
 * blocks in proportions close to a real JDK or distro layer. Nothing is downloaded.
 */
public final class SyntheticLayer {
  private static final String[] WORDS = (
      "the of and to in is for that with on as by this be are from at or an it not which have "
          + "public static final class void return import package int long byte String new if "
          + "else while throws IOException null true false private protected interface extends "
          + "implements buffer offset length window checkpoint span digest layer image index")
      .split(" ");

  private SyntheticLayer() {}

  /** A tar stream of about {@code targetBytes} bytes, the same for the same seed. */
  public static byte[] tar(long targetBytes, long seed) {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, targetBytes + (1 << 20)));
    try {
      writeTar(out, targetBytes, seed);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream never throws
    }
    return out.toByteArray();
  }

  /**
   * Streams the same tar as {@link #tar(long, long)} to {@code out}, one entry at a time, so that
   * layers larger than the heap can be produced (the memory check feeds a 1 GiB layer through a
   * pipe). At most one file body (about 2 MB) is held at once.
   *
   * @return the number of bytes written
   */
  public static long writeTar(OutputStream out, long targetBytes, long seed) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    long written = 0;
    int fileNo = 0;
    while (written < targetBytes) {
      int kind = rnd.nextInt(10);
      int size;
      byte[] body;
      String name;
      if (kind < 4) {
        size = 1_000 + rnd.nextInt(60_000);
        body = text(rnd, size);
        name = "usr/share/doc/pkg" + (fileNo % 97) + "/file" + fileNo + ".txt";
      } else if (kind < 7) {
        size = 20_000 + rnd.nextInt(2_000_000);
        body = binary(rnd, size);
        name = "usr/lib/lib" + fileNo + ".so";
      } else if (kind < 9) {
        size = 10_000 + rnd.nextInt(1_000_000);
        body = new byte[size];
        rnd.nextBytes(body);
        name = "usr/share/archives/blob" + fileNo + ".jar";
      } else {
        size = 4_096 + rnd.nextInt(200_000);
        body = new byte[size];
        name = "var/lib/empty" + fileNo + ".img";
      }
      written += writeEntry(out, name, body);
      fileNo++;
    }
    out.write(new byte[1024], 0, 1024); // end-of-archive marker
    return written + 1024;
  }

  /** The tar compressed with the JDK's gzip (zlib) at the given level. */
  public static byte[] gzip(byte[] tar, int level) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(tar.length / 2);
    try (GZIPOutputStream gz = new GZIPOutputStream(bos, 1 << 16) {
          {
            def.setLevel(level);
          }
        }) {
      gz.write(tar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  /** Default zlib level, as most image builders use. */
  public static byte[] gzip(byte[] tar) {
    return gzip(tar, Deflater.DEFAULT_COMPRESSION);
  }

  private static byte[] text(SplittableRandom rnd, int size) {
    StringBuilder sb = new StringBuilder(size + 16);
    while (sb.length() < size) {
      sb.append(WORDS[rnd.nextInt(WORDS.length)]);
      sb.append(rnd.nextInt(12) == 0 ? '\n' : ' ');
    }
    byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
    return java.util.Arrays.copyOf(b, size);
  }

  /** Machine-code-like: a skewed byte distribution with short repeats, compressing about 2:1. */
  private static byte[] binary(SplittableRandom rnd, int size) {
    byte[] b = new byte[size];
    int i = 0;
    while (i < size) {
      if (i > 64 && rnd.nextInt(4) == 0) {
        int dist = 1 + rnd.nextInt(Math.min(i, 4096));
        int len = Math.min(size - i, 3 + rnd.nextInt(30));
        for (int k = 0; k < len; k++, i++) {
          b[i] = b[i - dist];
        }
      } else {
        int v = rnd.nextInt(256);
        b[i++] = (byte) (v < 128 ? v & 0x0f : v);
      }
    }
    return b;
  }

  /** Writes one ustar entry (header, body, padding) and returns how many bytes that took. */
  private static int writeEntry(OutputStream out, String name, byte[] body) throws IOException {
    byte[] h = new byte[512];
    byte[] nb = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(nb, 0, h, 0, Math.min(nb.length, 100));
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, body.length);
    octal(h, 136, 12, 1_700_000_000L);
    h[156] = '0';
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte x : h) {
      sum += x & 0xff;
    }
    octal(h, 148, 7, sum);
    out.write(h, 0, 512);
    out.write(body, 0, body.length);
    int pad = (512 - body.length % 512) % 512;
    out.write(new byte[pad], 0, pad);
    return 512 + body.length + pad;
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    int width = len - 1;
    StringBuilder sb = new StringBuilder();
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    sb.append(s);
    byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, width);
    h[off + width] = 0;
  }
}
