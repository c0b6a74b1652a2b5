package dev.soci.core.internal;

import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.GzipZinfo;
import dev.soci.core.internal.Huffman;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Writes the generated seed inputs of {@link CoreFuzzTargetsTest} (run once by hand; the output
 * is committed): {@code java -cp soci-core/target/test-classes:soci-core/target/classes
 * dev.soci.core.internal.CoreFuzzSeeds soci-core testdata}. Every seed is small and passes today;
 * inputs that reproduce open defects are kept out of the corpus until they are fixed.
 */
final class CoreFuzzSeeds {
  private CoreFuzzSeeds() {}

  public static void main(String[] args) throws IOException {
    Path inputs = Path.of(args[0], "src/test/resources/dev/soci/core/CoreFuzzTargetsTestInputs");
    Path vectors = Path.of(args[1], "vectors");
    byte[] text = sampleText();

    Path gz = inputs.resolve("gzipLayer");
    copy(vectors.resolve("layers/tiny.tar.gz"), gz.resolve("vector-tiny.tar.gz"));
    write(gz.resolve("two-members.gz"), Gz.concat(Gz.gzip(text, 6), Gz.member(text, Gz.deflate(text, 1, 0, 0, 0), 8 | 16)));
    write(gz.resolve("header-fields.gz"), Gz.member(text, Gz.deflate(text, 9, 0, 0, 0), 2 | 4 | 8 | 16));
    write(gz.resolve("empty-members-50.gz"), repeat(Gz.gzip(new byte[0], 6), 50));
    write(gz.resolve("empty-stored-blocks-300.gz"), Gz.member(text, emptyStoredBlocks(300, text), 0));
    write(gz.resolve("empty-fixed-blocks-300.gz"), Gz.member(text, emptyFixedBlocks(300, text), 0));
    write(gz.resolve("sync-flush-every-100.gz"), Gz.member(text, Gz.deflate(text, 6, 0, 100, Deflater.SYNC_FLUSH), 0));

    Path raw = inputs.resolve("deflateBody");
    write(raw.resolve("level6.deflate"), Gz.deflate(text, 6, Deflater.DEFAULT_STRATEGY, 0, 0));
    write(raw.resolve("level0-stored.deflate"), Gz.deflate(text, 0, Deflater.DEFAULT_STRATEGY, 0, 0));
    write(raw.resolve("huffman-only.deflate"), Gz.deflate(text, 6, Deflater.HUFFMAN_ONLY, 0, 0));
    write(raw.resolve("full-flush-every-64.deflate"), Gz.deflate(text, 3, Deflater.FILTERED, 64, Deflater.FULL_FLUSH));
    write(raw.resolve("empty-fixed-blocks-300.deflate"), emptyFixedBlocks(300, text));

    Path zinfo = inputs.resolve("gzipZinfo");
    byte[] window = new byte[Checkpoint.WINDOW_SIZE];
    System.arraycopy(text, 0, window, window.length - text.length, text.length);
    write(zinfo.resolve("one-checkpoint-v1.zinfo"),
        new GzipZinfo(1 << 16, List.of(new Checkpoint(10, 0, 0, new byte[Checkpoint.WINDOW_SIZE])), 1).toBytes());
    write(zinfo.resolve("one-checkpoint-v2.zinfo"),
        new GzipZinfo(1 << 16, List.of(new Checkpoint(10, 0, 0, new byte[Checkpoint.WINDOW_SIZE])), 2).toBytes());
  }

  /** A few KiB of text with repeats, so that deflate uses matches and literals. */
  private static byte[] sampleText() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      b.append("line ").append(i).append(": the quick brown fox ").append(i * 7919 % 1000).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code n} empty non-final stored blocks, then {@code data} in one final stored block. */
  static byte[] emptyStoredBlocks(int n, byte[] data) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      o.writeBytes(new byte[] {0, 0, 0, (byte) 0xff, (byte) 0xff});
    }
    o.write(1); // BFINAL, BTYPE 00: the final stored block, byte-aligned
    return storedPayload(o, data);
  }

  /** {@code n} empty non-final fixed-Huffman blocks (10 bits each), then a final stored block. */
  static byte[] emptyFixedBlocks(int n, byte[] data) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    long acc = 0;
    int bits = 0;
    for (int i = 0; i < n + 1; i++) {
      // BFINAL, then BTYPE LSB first: 01 fixed (bits 0b010) or 00 stored for the last (0b001).
      int header = i < n ? 0b010 : 0b001;
      acc |= (long) header << bits;
      bits += 3;
      if (i < n) {
        bits += 7; // end-of-block: seven zero bits
      }
      while (bits >= 8) {
        o.write((int) acc);
        acc >>>= 8;
        bits -= 8;
      }
    }
    if (bits > 0) {
      o.write((int) acc);
    }
    return storedPayload(o, data);
  }

  /** Ends a stored block whose header is written: LEN, NLEN, then {@code data}; the bytes so far. */
  private static byte[] storedPayload(ByteArrayOutputStream o, byte[] data) {
    o.write(data.length);
    o.write(data.length >>> 8);
    o.write(~data.length);
    o.write(~data.length >>> 8);
    o.writeBytes(data);
    return o.toByteArray();
  }

  private static byte[] repeat(byte[] b, int n) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      o.writeBytes(b);
    }
    return o.toByteArray();
  }

  private static void copy(Path from, Path to) throws IOException {
    write(to, Files.readAllBytes(from));
  }

  private static void write(Path p, byte[] b) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, b);
  }
}
