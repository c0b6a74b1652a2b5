package dev.soci.core;

import java.util.Arrays;

/**
 * Decoding tables for canonical deflate Huffman codes (RFC 1951 3.2.2), and the entry layout the
 * decoder's inner loop reads.
 *
 * <p>A table is a primary array indexed by the next {@code primaryBits} input bits (deflate packs
 * Huffman codes most-significant-bit first into an LSB-first stream, so the index is the
 * bit-reversed code), followed by subtables for the rare longer codes. Every entry is one int
 * that carries everything its symbol needs, so a literal, a whole match length or a whole
 * distance is one lookup:
 *
 * <pre>
 *   bits  0..4   bits to consume: code length plus the extra bits after it (for SUB: primaryBits)
 *   bit   7      BAD: a code that must not occur (bits 5..7 read as kind 4, as zlib's tests know it)
 *   bits  8..11  code length, where the extra bits start (for SUB: index bits of the subtable)
 *   bit   13     EOB, bit 14 LITERAL, bit 15 SUB
 *   bits 16..30  value: literal byte, length/distance base, or subtable offset
 * </pre>
 *
 * <p>Bits 5, 6 and 12 are always zero, so the decoder can use an entry directly as a shift count
 * ({@code bitBuffer >>>= entry} shifts by bits 0..5) and {@code (entry >>> 8)} as the shift that
 * drops the code bits in front of the extra bits (Java masks int shifts to 5 bits).
 */
final class Huffman {
  /** Entry flags; an entry with none of EOB, LITERAL, SUB, BAD is a length or distance. */
  static final int BAD_FLAG = 1 << 7;
  static final int EOB_FLAG = 1 << 13;
  static final int LIT_FLAG = 1 << 14;
  static final int SUB_FLAG = 1 << 15;
  /** Anything but a literal or a length/distance: the rare cases of the inner loop. */
  static final int EXCEPTIONAL = EOB_FLAG | SUB_FLAG | BAD_FLAG;

  /** The kind field bits 5..7 hold for BAD entries (zlib-style code rules are tested through it). */
  static final int BAD = 4;

  static final int LIT_BITS = 11;
  static final int DIST_BITS = 8;
  static final int CL_BITS = 7;
  /** Worst case: every long code gets its own full-depth subtable. Never reached, but safe. */
  static final int LIT_SIZE = (1 << LIT_BITS) + 288 * (1 << (15 - LIT_BITS));
  static final int DIST_SIZE = (1 << DIST_BITS) + 32 * (1 << (15 - DIST_BITS));
  static final int CL_SIZE = 1 << CL_BITS;

  /** A code that must not occur; consumes one bit, like zlib's invalid-code entries. */
  static final int BAD_ENTRY = BAD_FLAG;

  /** {@link #build} results. */
  static final int OK = 0;
  static final int OVERSUBSCRIBED = 1;
  static final int INCOMPLETE = 2;
  static final int EMPTY = 3;

  /** Entry templates (flags, value, extra-bit count in bits 0..4) per symbol, without the code length. */
  static final int[] LIT_TEMPLATE = new int[288];
  static final int[] DIST_TEMPLATE = new int[32];
  /** Code-length code: the symbol as the value, no flags. */
  static final int[] CL_TEMPLATE = new int[19];

  /** Fixed-code tables (RFC 1951 3.2.6), built once; read-only. */
  static final int[] FIXED_LIT = new int[LIT_SIZE];
  static final int[] FIXED_DIST = new int[DIST_SIZE];

  static {
    for (int s = 0; s < 256; s++) {
      LIT_TEMPLATE[s] = LIT_FLAG | s << 16;
    }
    LIT_TEMPLATE[256] = EOB_FLAG;
    int[] lenBase = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
        115, 131, 163, 195, 227, 258};
    int[] lenExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    for (int i = 0; i < 29; i++) {
      LIT_TEMPLATE[257 + i] = lenBase[i] << 16 | lenExtra[i];
    }
    // 286 and 287 take part in the fixed code but must never be decoded.
    LIT_TEMPLATE[286] = BAD_ENTRY;
    LIT_TEMPLATE[287] = BAD_ENTRY;
    int base = 1;
    for (int i = 0; i < 30; i++) {
      int extra = i < 4 ? 0 : (i >> 1) - 1;
      DIST_TEMPLATE[i] = base << 16 | extra;
      base += 1 << extra;
    }
    DIST_TEMPLATE[30] = BAD_ENTRY;
    DIST_TEMPLATE[31] = BAD_ENTRY;
    for (int s = 0; s < 19; s++) {
      CL_TEMPLATE[s] = s << 16;
    }

    byte[] lens = new byte[288];
    Arrays.fill(lens, 0, 144, (byte) 8);
    Arrays.fill(lens, 144, 256, (byte) 9);
    Arrays.fill(lens, 256, 280, (byte) 7);
    Arrays.fill(lens, 280, 288, (byte) 8);
    int[] scratch = new int[32];
    if (build(lens, 0, 288, FIXED_LIT, LIT_BITS, LIT_TEMPLATE, false, scratch) != OK) {
      throw new AssertionError("fixed literal/length code");
    }
    byte[] dl = new byte[32];
    Arrays.fill(dl, (byte) 5);
    if (build(dl, 0, 32, FIXED_DIST, DIST_BITS, DIST_TEMPLATE, false, scratch) != OK) {
      throw new AssertionError("fixed distance code");
    }
  }

  private Huffman() {}

  /**
   * Builds the table for code lengths {@code lens[off..off+n)} into {@code table}.
   *
   * <p>Like zlib: an over-subscribed code is always an error; an incomplete one is accepted only
   * when {@code allowSingle} and it is a single one-bit code (the unused half then decodes to
   * BAD); a code with no symbols at all is reported as {@link #EMPTY} and its table decodes
   * everything to BAD, so the caller decides whether that is an error.
   *
   * @param scratch at least 32 ints, reused to avoid allocation per block
   * @return {@link #OK}, {@link #EMPTY}, {@link #OVERSUBSCRIBED} or {@link #INCOMPLETE}
   */
  static int build(byte[] lens, int off, int n, int[] table, int primaryBits, int[] template,
      boolean allowSingle, int[] scratch) {
    int[] count = scratch; // [0..16)
    int[] next = scratch;  // [16..32) reuses the same array at an offset
    Arrays.fill(count, 0, 16, 0);
    int max = 0;
    for (int i = 0; i < n; i++) {
      int l = lens[off + i];
      count[l]++;
      if (l > max) {
        max = l;
      }
    }
    int primarySize = 1 << primaryBits;
    if (max == 0) {
      Arrays.fill(table, 0, primarySize, BAD_ENTRY | 1);
      return EMPTY;
    }
    int left = 1;
    for (int l = 1; l <= 15; l++) {
      left = (left << 1) - count[l];
      if (left < 0) {
        return OVERSUBSCRIBED;
      }
    }
    if (left > 0 && !(allowSingle && max == 1)) {
      return INCOMPLETE;
    }
    if (left > 0 || max > primaryBits) {
      // A complete code writes every primary entry, so only an incomplete one needs BAD behind
      // it; and subtables are found through their primary entry, which must not be last block's.
      Arrays.fill(table, 0, primarySize, BAD_ENTRY | 1);
    }
    int code = 0;
    count[0] = 0;
    for (int l = 1; l <= 15; l++) {
      code = (code + count[l - 1]) << 1;
      next[16 + l] = code;
    }
    int subBits = max > primaryBits ? max - primaryBits : 0;
    int subNext = primarySize;
    int primaryMask = primarySize - 1;
    for (int s = 0; s < n; s++) {
      int l = lens[off + s];
      if (l == 0) {
        continue;
      }
      int c = next[16 + l]++;
      int rev = Integer.reverse(c) >>> (32 - l);
      int t = template[s];
      if (l <= primaryBits) {
        int e = t + (l << 8) + l;
        for (int i = rev; i < primarySize; i += 1 << l) {
          table[i] = e;
        }
      } else {
        int prefix = rev & primaryMask;
        int p = table[prefix];
        int subOff;
        if ((p & SUB_FLAG) != 0) {
          subOff = p >>> 16;
        } else {
          subOff = subNext;
          subNext += 1 << subBits;
          table[prefix] = SUB_FLAG | subOff << 16 | subBits << 8 | primaryBits;
        }
        int rem = rev >>> primaryBits;
        int remLen = l - primaryBits;
        int e = t + (remLen << 8) + remLen;
        for (int i = rem; i < 1 << subBits; i += 1 << remLen) {
          table[subOff + i] = e;
        }
      }
    }
    return OK;
  }
}
