package dev.soci.ztoc;

import dev.soci.testing.TestTar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Valid but hostile layers that make an unbounded indexer hold more than any heap. */
final class HostileLayers {
  private HostileLayers() {}

  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  /** An empty tar: the end-of-archive marker only. */
  static byte[] emptyTar() {
    return new byte[1024];
  }

  /**
   * One gzip member whose deflate stream is {@code blocks} empty fixed-Huffman blocks (10 bits
   * each) and then a final stored block holding {@code tar}: every empty block ends at
   * uncompressed offset 0, so each is a checkpoint. A million blocks is 1.25 MB.
   */
  static byte[] emptyBlocks(int blocks, byte[] tar) {
    if (tar.length > 0xFFFF) {
      throw new IllegalArgumentException("the tar must fit one stored block");
    }
    Bits w = new Bits(blocks * 10L / 8 + tar.length + 64);
    for (int i = 0; i < blocks; i++) {
      w.put(0, 1); // not final
      w.put(1, 2); // fixed Huffman
      w.put(0, 7); // end of block: code 0000000
    }
    w.put(1, 1); // final
    w.put(0, 2); // stored
    w.align();
    w.put(tar.length, 16);
    w.put(~tar.length & 0xFFFF, 16);
    w.bytes(tar);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(GZIP_HEADER);
    out.writeBytes(w.toBytes());
    trailer(out, tar);
    return out.toByteArray();
  }

  /** {@code members} empty gzip members (20 bytes each, each a checkpoint at offset 0), then one holding {@code tar}. */
  static byte[] emptyMembers(int members, byte[] tar) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < members; i++) {
      out.writeBytes(GZIP_HEADER);
      out.write(0x03); // final fixed block, end of block: bits 1, 01, 0000000
      out.write(0x00);
      trailer(out, new byte[0]);
    }
    out.writeBytes(gzip(tar, 0));
    return out.toByteArray();
  }

  /** {@code data} gzipped, with a sync flush (a block boundary) every {@code flushEvery} input bytes when positive. */
  static byte[] gzip(byte[] data, int flushEvery) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16, true)) {
      int step = flushEvery > 0 ? flushEvery : data.length;
      for (int off = 0; off < data.length; off += step) {
        gz.write(data, off, Math.min(step, data.length - off));
        if (flushEvery > 0) {
          gz.flush();
        }
      }
    }
    return out.toByteArray();
  }

  /** A tar of {@code n} empty regular files, streamed to {@code out} (a gzip bomb when gzipped). */
  static void tarOfEmptyFiles(long n, OutputStream out) throws IOException {
    byte[] h = new byte[512];
    for (long i = 0; i < n; i++) {
      java.util.Arrays.fill(h, (byte) 0);
      TestTar.put(h, 0, String.format("f%09d", i));
      TestTar.put(h, 100, "0000644\0");
      TestTar.put(h, 108, "0000000\0");
      TestTar.put(h, 116, "0000000\0");
      TestTar.put(h, 124, "00000000000\0");
      TestTar.put(h, 136, "14000000000\0");
      h[156] = '0';
      TestTar.put(h, 257, "ustar\0");
      TestTar.put(h, 263, "00");
      TestTar.checksum(h);
      out.write(h);
    }
    out.write(new byte[1024]);
  }

  /** {@link #tarOfEmptyFiles} as an array. */
  static byte[] tarOfEmptyFiles(int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tarOfEmptyFiles(n, out);
    return out.toByteArray();
  }

  /** {@link #tarOfEmptyFiles} gzipped at the best compression, streamed to {@code out}. */
  static void gzipBomb(long n, OutputStream out) throws IOException {
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      tarOfEmptyFiles(n, gz);
    }
  }

  private static void trailer(ByteArrayOutputStream out, byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    int c = (int) crc.getValue();
    for (int v : new int[] {c, data.length}) {
      out.write(v);
      out.write(v >>> 8);
      out.write(v >>> 16);
      out.write(v >>> 24);
    }
  }

  /** LSB-first bit writer. */
  private static final class Bits {
    private byte[] buf;
    private long bit;

    Bits(long capacity) {
      buf = new byte[(int) capacity];
    }

    void put(int value, int n) {
      for (int i = 0; i < n; i++) {
        if (((value >>> i) & 1) != 0) {
          buf[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
        }
        bit++;
      }
    }

    void align() {
      bit = (bit + 7) & ~7L;
    }

    void bytes(byte[] b) {
      align();
      System.arraycopy(b, 0, buf, (int) (bit >>> 3), b.length);
      bit += 8L * b.length;
    }

    byte[] toBytes() {
      return java.util.Arrays.copyOf(buf, (int) ((bit + 7) >>> 3));
    }
  }
}
