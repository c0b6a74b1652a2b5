package dev.soci.core.internal;

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
  /**
   * Where the distance table starts in a decoder's table array: literal/length and distance
   * tables share one array, so the inner loop holds one array reference and one length fewer.
   */
  static final int DIST_OFFSET = LIT_SIZE;
  /** Ints of a combined literal/length + distance table array. */
  static final int TABLES_SIZE = LIT_SIZE + DIST_SIZE;

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

  /** Fixed-code tables (RFC 1951 3.2.6): literal/length, distance at {@link #DIST_OFFSET}; read-only. */
  static final int[] FIXED = new int[TABLES_SIZE];

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
    if (build(lens, 0, 288, FIXED, 0, LIT_BITS, LIT_TEMPLATE, false, scratch) != OK) {
      throw new AssertionError("fixed literal/length code");
    }
    byte[] dl = new byte[32];
    Arrays.fill(dl, (byte) 5);
    if (build(dl, 0, 32, FIXED, DIST_OFFSET, DIST_BITS, DIST_TEMPLATE, false, scratch) != OK) {
      throw new AssertionError("fixed distance code");
    }
  }

  private Huffman() {}

  /** Ints of {@link #build}'s scratch array: counts, sort offsets, and the symbols sorted by code. */
  static final int SCRATCH = 32 + 288;

  /**
   * Builds the table for code lengths {@code lens[off..off+n)} into {@code table}.
   *
   * <p>Like zlib: an over-subscribed code is always an error; an incomplete one is accepted only
   * when {@code allowSingle} and it is a single one-bit code (the unused half then decodes to
   * BAD); a code with no symbols at all is reported as {@link #EMPTY} and its table decodes
   * everything to BAD, so the caller decides whether that is an error.
   *
   * <p>The symbols are sorted by code length (canonical order), so the bit-reversed codeword
   * can be counted up instead of computed, and the primary table is filled by doubling: the
   * codes of length {@code len} are written once each into a table of {@code 2^len} entries,
   * which is then copied onto its upper half, replicating every shorter code for the next
   * length. That is one store per symbol and a few bulk copies, instead of a short stride loop
   * per symbol whose varying trip count mispredicts (this was half the time of a block header).
   * Codes longer than {@code primaryBits} come last, grouped by their primary prefix, each group
   * in a subtable of {@code 2^(max - primaryBits)} entries.
   *
   * @param scratch {@link #SCRATCH} ints, reused to avoid allocation per block (a smaller array
   *     makes the call allocate one)
   * @return {@link #OK}, {@link #EMPTY}, {@link #OVERSUBSCRIBED} or {@link #INCOMPLETE}
   */
  static int build(byte[] lens, int off, int n, int[] table, int primaryBits, int[] template,
      boolean allowSingle, int[] scratch) {
    return build(lens, off, n, table, 0, primaryBits, template, allowSingle, scratch);
  }

  /**
   * As {@link #build(byte[], int, int, int[], int, int[], boolean, int[])}, into {@code table}
   * from index {@code base}; subtable offsets in the entries are absolute indexes of {@code table}.
   */
  static int build(byte[] lens, int off, int n, int[] table, int base, int primaryBits, int[] template,
      boolean allowSingle, int[] scratch) {
    int[] w = scratch.length >= SCRATCH ? scratch : new int[SCRATCH];
    // w[0..16): symbols per code length; w[16..32): sort positions; w[32..): sorted symbols
    Arrays.fill(w, 0, 16, 0);
    int max = 0;
    for (int i = 0; i < n; i++) {
      int l = lens[off + i];
      w[l]++;
      if (l > max) {
        max = l;
      }
    }
    int primarySize = 1 << primaryBits;
    if (max == 0) {
      Arrays.fill(table, base, base + primarySize, BAD_ENTRY | 1);
      return EMPTY;
    }
    int left = 1;
    for (int l = 1; l <= 15; l++) {
      left = (left << 1) - w[l];
      if (left < 0) {
        return OVERSUBSCRIBED;
      }
    }
    if (left > 0 && !(allowSingle && max == 1)) {
      return INCOMPLETE;
    }
    int pos = 32;
    for (int l = 1; l <= 15; l++) {
      w[16 + l] = pos;
      pos += w[l];
    }
    for (int s = 0; s < n; s++) {
      int l = lens[off + s];
      if (l != 0) {
        w[w[16 + l]++] = s;
      }
    }
    // Only the lone one-bit code leaves an entry unwritten (index 1): BAD, doubled with the rest.
    // In a complete code every entry is written, by its code or the doubling of a shorter one.
    table[base] = BAD_ENTRY | 1;
    table[base + 1] = BAD_ENTRY | 1;
    int k = 32;
    int cw = 0; // the next codeword, bit-reversed (the table index)
    for (int len = 1; ; len++) {
      for (int j = w[len]; j > 0; j--) {
        table[base + cw] = template[w[k++]] + (len << 8) + len;
        cw = nextReversed(cw, len);
      }
      if (len == primaryBits) {
        break;
      }
      System.arraycopy(table, base, table, base + (1 << len), 1 << len);
    }
    if (max > primaryBits) {
      int subBits = max - primaryBits;
      int subSize = 1 << subBits;
      int mask = primarySize - 1;
      int subNext = base + primarySize;
      int subOff = 0;
      int prefix = -1;
      for (int len = primaryBits + 1; len <= max; len++) {
        int remLen = len - primaryBits;
        for (int j = w[len]; j > 0; j--) {
          if ((cw & mask) != prefix) {
            // Codes sharing a prefix are consecutive in canonical order: a new prefix is a new subtable.
            prefix = cw & mask;
            subOff = subNext;
            subNext += subSize;
            table[base + prefix] = SUB_FLAG | subOff << 16 | subBits << 8 | primaryBits;
          }
          int e = template[w[k++]] + (remLen << 8) + remLen;
          for (int i = cw >>> primaryBits; i < subSize; i += 1 << remLen) {
            table[subOff + i] = e;
          }
          cw = nextReversed(cw, len);
        }
      }
    }
    return OK;
  }

  /**
   * The canonical successor of a {@code len}-bit codeword, both bit-reversed: adding one to the
   * reversed value flips its trailing ones, which reversed are the leading ones. A code that
   * continues with longer codewords appends a zero bit, which reversed changes nothing.
   */
  private static int nextReversed(int cw, int len) {
    int bit = Integer.highestOneBit(cw ^ ((1 << len) - 1));
    return (cw & (bit - 1)) | bit;
  }
}
