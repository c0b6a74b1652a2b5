package dev.soci.core.internal;

/**
 * Builds a byte-aligned run of empty deflate blocks that lets a byte-oriented inflater
 * ({@link java.util.zip.Inflater}) start at a block boundary that lies inside a byte.
 *
 * <p>A span whose checkpoint has {@code bits = b != 0} starts at the top {@code b} bits of its
 * first byte. We prepend {@code L} bits of empty non-final blocks with {@code (L + b) % 8 == 0};
 * the last prefix byte then carries the prefix's final {@code 8 - b} bits in its low bits and
 * the span's {@code b} bits in its high bits, and the span's following bytes continue aligned.
 *
 * <p>An empty fixed-Huffman block is 10 bits, so fixed blocks only reach even residues. We use
 * one empty dynamic block instead, whose length we can tune bit by bit: its distance code lists
 * {@code HDIST = h + 1} zero lengths, each coded with a one-bit symbol, so the block is
 * {@code 93 + h} bits long and {@code h = (3 - b) mod 8} (0..7, at most 8 distance lengths)
 * covers every residue 1..7. The block is valid for zlib: its code-length code (symbols 0, 1,
 * 18 with lengths 1, 2, 2) is complete, the literal/length code holds only end-of-block with a
 * one-bit code (the single-code case zlib accepts), and an all-zero distance code is allowed.
 */
public final class EmptyBlockPrefix {
  private EmptyBlockPrefix() {}

  /**
   * The prefix bytes for a span starting {@code bits} (1..7) bits before the end of
   * {@code firstByte}; the result's last byte already includes those bits.
   */
  public static byte[] forBits(int bits, int firstByte) {
    if (bits < 1 || bits > 7) {
      throw new IllegalArgumentException("bits must be 1..7: " + bits);
    }
    int h = (3 - bits) & 7;
    Writer w = new Writer();
    w.put(0, 1); // BFINAL = 0
    w.put(2, 2); // BTYPE = 2, dynamic
    w.put(0, 5); // HLIT: 257 literal/length lengths
    w.put(h, 5); // HDIST: h + 1 distance lengths
    w.put(14, 4); // HCLEN: 18 code-length lengths, so that symbol 1 (17th in the order) is included
    int[] order = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1};
    for (int sym : order) {
      w.put(sym == 0 ? 1 : (sym == 1 || sym == 18) ? 2 : 0, 3);
    }
    // Canonical code-length code: 0 -> "0", 1 -> "10", 18 -> "11".
    w.code(3, 2);
    w.put(127, 7); // 18: 138 zeros
    w.code(3, 2);
    w.put(107, 7); // 18: 118 zeros (256 literal lengths of 0 so far)
    w.code(2, 2); // 1: end-of-block gets length 1
    for (int i = 0; i <= h; i++) {
      w.code(0, 1); // 0: distance length 0
    }
    w.code(0, 1); // end-of-block, the only literal/length code
    if ((w.bitCount + bits) % 8 != 0) {
      throw new AssertionError("prefix length " + w.bitCount + " does not complete bits " + bits);
    }
    w.put((firstByte & 0xFF) >>> (8 - bits), bits);
    return w.toBytes();
  }

  /** LSB-first bit writer. */
  private static final class Writer {
    private final byte[] buf = new byte[32];
    private int bitCount;

    void put(int value, int n) {
      for (int i = 0; i < n; i++) {
        if (((value >>> i) & 1) != 0) {
          buf[bitCount >>> 3] |= (byte) (1 << (bitCount & 7));
        }
        bitCount++;
      }
    }

    /** Huffman codes are sent most significant bit first. */
    void code(int code, int len) {
      for (int i = len - 1; i >= 0; i--) {
        put((code >>> i) & 1, 1);
      }
    }

    byte[] toBytes() {
      return java.util.Arrays.copyOf(buf, bitCount >>> 3);
    }
  }
}
