package dev.soci.core.internal;

import dev.soci.core.Compression;
import dev.soci.core.internal.LayerIndexer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

/** Test helpers: build gzip members with java.util.zip and decode with both engines. */
public final class Gz {
  private Gz() {}

  /** Raw deflate of {@code data} with the given settings; {@code flushEvery > 0} inserts a flush every so many bytes. */
  public static byte[] deflate(byte[] data, int level, int strategy, int flushEvery, int flushMode) {
    Deflater d = new Deflater(level, true);
    d.setStrategy(strategy);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int pos = 0;
    int step = flushEvery > 0 ? flushEvery : Math.max(1, data.length);
    do {
      int n = Math.min(step, data.length - pos);
      d.setInput(data, pos, n);
      pos += n;
      int mode = flushEvery > 0 && pos < data.length ? flushMode : Deflater.NO_FLUSH;
      if (pos >= data.length) {
        d.finish();
        while (!d.finished()) {
          out.write(buf, 0, d.deflate(buf));
        }
      } else {
        int k;
        do {
          k = d.deflate(buf, 0, buf.length, mode);
          out.write(buf, 0, k);
        } while (k == buf.length || !d.needsInput());
      }
    } while (pos < data.length);
    d.end();
    return out.toByteArray();
  }

  /** A gzip member; {@code flags} selects optional header fields (FHCRC 2, FEXTRA 4, FNAME 8, FCOMMENT 16). */
  public static byte[] member(byte[] data, byte[] body, int flags) {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 1, 2, 3, 4, 0, 3});
    if ((flags & 4) != 0) {
      byte[] extra = "AB\u0003\u0000xyz".getBytes(StandardCharsets.ISO_8859_1);
      h.write(extra.length);
      h.write(0);
      h.writeBytes(extra);
    }
    if ((flags & 8) != 0) {
      h.writeBytes("name.tar".getBytes(StandardCharsets.ISO_8859_1));
      h.write(0);
    }
    if ((flags & 16) != 0) {
      h.writeBytes("a comment".getBytes(StandardCharsets.ISO_8859_1));
      h.write(0);
    }
    if ((flags & 2) != 0) {
      CRC32 c = new CRC32();
      c.update(h.toByteArray());
      h.write((int) c.getValue());
      h.write((int) (c.getValue() >>> 8));
    }
    h.writeBytes(body);
    CRC32 c = new CRC32();
    c.update(data);
    writeIntLe(h, (int) c.getValue());
    writeIntLe(h, data.length);
    return h.toByteArray();
  }

  public static byte[] gzip(byte[] data, int level) {
    return member(data, deflate(data, level, Deflater.DEFAULT_STRATEGY, 0, 0), 0);
  }

  public static void writeIntLe(ByteArrayOutputStream o, int v) {
    o.write(v);
    o.write(v >>> 8);
    o.write(v >>> 16);
    o.write(v >>> 24);
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  /** Decodes with this library (via the indexer's sink). */
  public static byte[] ours(byte[] gz) throws IOException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    LayerIndexer.index(new ByteArrayInputStream(gz), Compression.GZIP, 1 << 20, o::write);
    return o.toByteArray();
  }

  /** Decodes with the JDK (handles concatenated members). */
  public static byte[] jdk(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  public static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** Compressible text-like data: words from a small vocabulary. */
  public static byte[] text(Random r, int n) {
    String[] words = {"the ", "quick ", "brown ", "fox ", "jumps\n", "over ", "lazy ", "dogs ", "tar ", "layer "};
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    while (o.size() < n) {
      o.writeBytes(words[r.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII));
      if (r.nextInt(50) == 0) {
        o.writeBytes(Integer.toString(r.nextInt()).getBytes(StandardCharsets.US_ASCII));
      }
    }
    return java.util.Arrays.copyOf(o.toByteArray(), n);
  }

  public static byte[] repetitive(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((i / 7) % 3 == 0 ? 'a' : 'b');
    }
    return b;
  }

  /** A mix of everything, to get every block type and long matches. */
  public static byte[] mixed(Random r, int n) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    while (o.size() < n) {
      int k = 1 + r.nextInt(20000);
      switch (r.nextInt(3)) {
        case 0 -> o.writeBytes(random(r, k));
        case 1 -> o.writeBytes(text(r, k));
        default -> o.writeBytes(repetitive(k));
      }
    }
    return java.util.Arrays.copyOf(o.toByteArray(), n);
  }
}
