package dev.soci.core.internal;

import dev.soci.core.internal.Huffman;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A test-only deflate (RFC 1951) encoder that writes exactly the blocks it is told to: stored,
 * fixed or dynamic, each from a list of literals and matches chosen by the test, with dynamic
 * codes drawn at random (complete codes up to 15 bits, single-code and empty distance codes,
 * random run-length coding of the code lengths). zlib never produces most of these streams,
 * which is the point: the decoder must handle everything the format allows.
 *
 * <p>It records where every block starts (bit position in the stream, uncompressed offset), so a
 * test knows exactly where zlib's inflate(Z_BLOCK) would stop, and it expands its own symbols,
 * so a test knows the output without trusting any decoder.
 */
final class DeflateWriter {
  static final int[] LEN_BASE = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
      99, 115, 131, 163, 195, 227, 258};
  static final int[] LEN_EXTRA = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5,
      5, 0};
  static final int[] DIST_BASE = new int[30];
  static final int[] DIST_EXTRA = new int[30];
  private static final int[] CL_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

  static {
    int base = 1;
    for (int i = 0; i < 30; i++) {
      DIST_EXTRA[i] = i < 4 ? 0 : (i >> 1) - 1;
      DIST_BASE[i] = base;
      base += 1 << DIST_EXTRA[i];
    }
  }

  /** Where a block starts: bit position in the deflate stream, and uncompressed offset. */
  record Boundary(long bit, long out) {}

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private long acc;
  private int accBits;
  private long bitPos;
  private final ByteArrayOutputStream plain = new ByteArrayOutputStream();
  private final List<Boundary> boundaries = new ArrayList<>();

  /** A literal byte as a symbol. */
  static long literal(int b) {
    return b & 0xFF;
  }

  /** A match as a symbol: {@code len} 3..258 bytes from {@code dist} 1..32768 back. */
  static long match(int len, int dist) {
    return (long) len << 32 | dist;
  }

  static boolean isMatch(long sym) {
    return sym > 255;
  }

  /** The uncompressed bytes so far. */
  byte[] plain() {
    return plain.toByteArray();
  }

  int plainSize() {
    return plain.size();
  }

  /** Block starts so far, in order. */
  List<Boundary> boundaries() {
    return boundaries;
  }

  /** The stream, its last byte padded with zero bits. */
  byte[] finish() {
    if (accBits > 0) {
      bytes.write((int) acc);
      acc = 0;
      accBits = 0;
    }
    return bytes.toByteArray();
  }

  private void bits(long v, int n) {
    bitPos += n;
    acc |= (v & ((1L << n) - 1)) << accBits;
    accBits += n;
    while (accBits >= 8) {
      bytes.write((int) acc);
      acc >>>= 8;
      accBits -= 8;
    }
  }

  /** A Huffman code: most significant bit first. */
  private void code(int code, int len) {
    bits(Integer.reverse(code) >>> (32 - len), len);
  }

  private void header(boolean last, int type) {
    boundaries.add(new Boundary(bitPos, plain.size()));
    bits(last ? 1 : 0, 1);
    bits(type, 2);
  }

  /** Stored block(s) holding {@code data}: more than one when it exceeds 65,535 bytes. */
  void stored(byte[] data, boolean last) {
    int off = 0;
    do {
      int n = Math.min(65_535, data.length - off);
      header(last && off + n == data.length, 0);
      if (accBits > 0) {
        bits(0, 8 - accBits);
      }
      bits(n, 16);
      bits(~n & 0xFFFF, 16);
      for (int i = 0; i < n; i++) {
        bits(data[off + i], 8);
      }
      plain.write(data, off, n);
      off += n;
    } while (off < data.length);
  }

  /** The bytes {@code symbols} expand to after what was written so far (without writing them). */
  byte[] expand(List<Long> symbols) {
    byte[] have = plain.toByteArray();
    int total = have.length;
    for (long s : symbols) {
      total += isMatch(s) ? (int) (s >>> 32) : 1;
    }
    byte[] o = Arrays.copyOf(have, total);
    int p = have.length;
    for (long s : symbols) {
      if (isMatch(s)) {
        int len = (int) (s >>> 32);
        int dist = (int) s;
        for (int i = 0; i < len; i++, p++) {
          o[p] = o[p - dist];
        }
      } else {
        o[p++] = (byte) s;
      }
    }
    return Arrays.copyOfRange(o, have.length, total);
  }

  /** A fixed-code block (RFC 1951 3.2.6). */
  void fixed(List<Long> symbols, boolean last) {
    byte[] lit = new byte[288];
    Arrays.fill(lit, 0, 144, (byte) 8);
    Arrays.fill(lit, 144, 256, (byte) 9);
    Arrays.fill(lit, 256, 280, (byte) 7);
    Arrays.fill(lit, 280, 288, (byte) 8);
    byte[] dist = new byte[30];
    Arrays.fill(dist, (byte) 5);
    byte[] out = expand(symbols);
    header(last, 1);
    body(symbols, canonical(lit), lit, canonical(dist), dist);
    plain.writeBytes(out);
  }

  /**
   * A dynamic block with random complete codes over (at least) the symbols it uses; {@code deep}
   * shapes the codes towards 15-bit codewords.
   */
  void dynamic(List<Long> symbols, boolean last, Random r, boolean deep) {
    boolean[] usedLit = new boolean[286];
    boolean[] usedDist = new boolean[30];
    usedLit[256] = true;
    for (long s : symbols) {
      if (isMatch(s)) {
        usedLit[257 + lengthSymbol((int) (s >>> 32))] = true;
        usedDist[distSymbol((int) s)] = true;
      } else {
        usedLit[(int) s] = true;
      }
    }
    byte[] lit = randomLengths(usedLit, 15, r, deep, true);
    byte[] dist;
    boolean anyDist = false;
    for (boolean b : usedDist) {
      anyDist |= b;
    }
    if (!anyDist && r.nextInt(3) == 0) {
      dist = new byte[30]; // no distance codes at all: a literal-only block
    } else {
      dist = randomLengths(usedDist, 15, r, deep, true);
    }
    int nlen = 257;
    for (int i = 0; i < 286; i++) {
      if (lit[i] != 0) {
        nlen = Math.max(nlen, i + 1);
      }
    }
    nlen += r.nextInt(286 - nlen + 1) / (r.nextBoolean() ? 1 : 8);
    int ndist = 1;
    for (int i = 0; i < 30; i++) {
      if (dist[i] != 0) {
        ndist = Math.max(ndist, i + 1);
      }
    }
    ndist += r.nextInt(30 - ndist + 1) / (r.nextBoolean() ? 1 : 8);
    // The code lengths as one sequence, run-length coded at random (runs may cross from the
    // literal/length lengths into the distance lengths, as the format allows).
    int[] seq = new int[nlen + ndist];
    for (int i = 0; i < nlen; i++) {
      seq[i] = lit[i];
    }
    for (int i = 0; i < ndist; i++) {
      seq[nlen + i] = dist[i];
    }
    List<int[]> cl = new ArrayList<>(); // {symbol, extra value, extra bits}
    for (int i = 0; i < seq.length; ) {
      int v = seq[i];
      int run = 1;
      while (i + run < seq.length && seq[i + run] == v) {
        run++;
      }
      if (v == 0 && run >= 11 && r.nextInt(4) != 0) {
        int n = 11 + r.nextInt(Math.min(run, 138) - 10);
        cl.add(new int[] {18, n - 11, 7});
        i += n;
      } else if (v == 0 && run >= 3 && r.nextInt(4) != 0) {
        int n = 3 + r.nextInt(Math.min(run, 10) - 2);
        cl.add(new int[] {17, n - 3, 3});
        i += n;
      } else if (i > 0 && seq[i - 1] == v && run >= 3 && r.nextInt(3) != 0) {
        int n = 3 + r.nextInt(Math.min(run, 6) - 2);
        cl.add(new int[] {16, n - 3, 2});
        i += n;
      } else {
        cl.add(new int[] {v, 0, 0});
        i++;
      }
    }
    boolean[] usedCl = new boolean[19];
    for (int[] c : cl) {
      usedCl[c[0]] = true;
    }
    // zlib wants the code-length code complete: no lone one-bit code there.
    byte[] clLens = randomLengths(usedCl, 7, r, deep, false);
    int hclen = 4;
    for (int i = 0; i < 19; i++) {
      if (clLens[CL_ORDER[i]] != 0) {
        hclen = Math.max(hclen, i + 1);
      }
    }
    byte[] out = expand(symbols);
    header(last, 2);
    bits(nlen - 257, 5);
    bits(ndist - 1, 5);
    bits(hclen - 4, 4);
    for (int i = 0; i < hclen; i++) {
      bits(clLens[CL_ORDER[i]], 3);
    }
    int[] clCodes = canonical(clLens);
    for (int[] c : cl) {
      code(clCodes[c[0]], clLens[c[0]]);
      bits(c[1], c[2]);
    }
    body(symbols, canonical(lit), lit, canonical(dist), dist);
    plain.writeBytes(out);
  }

  private void body(List<Long> symbols, int[] litCodes, byte[] lit, int[] distCodes, byte[] dist) {
    for (long s : symbols) {
      if (isMatch(s)) {
        int len = (int) (s >>> 32);
        int d = (int) s;
        int ls = lengthSymbol(len);
        code(litCodes[257 + ls], lit[257 + ls]);
        bits(len - LEN_BASE[ls], LEN_EXTRA[ls]);
        int ds = distSymbol(d);
        code(distCodes[ds], dist[ds]);
        bits(d - DIST_BASE[ds], DIST_EXTRA[ds]);
      } else {
        code(litCodes[(int) s], lit[(int) s]);
      }
    }
    code(litCodes[256], lit[256]);
  }

  static int lengthSymbol(int len) {
    if (len == 258) {
      return 28; // 258 has its own code; 227 + 31 (code 284's largest extra) is not allowed
    }
    int s = 0;
    while (s + 1 < 28 && LEN_BASE[s + 1] <= len) {
      s++;
    }
    return s;
  }

  static int distSymbol(int dist) {
    int s = 0;
    while (s + 1 < 30 && DIST_BASE[s + 1] <= dist) {
      s++;
    }
    return s;
  }

  /** Canonical codes for code lengths (RFC 1951 3.2.2). */
  static int[] canonical(byte[] lens) {
    int[] count = new int[16];
    for (byte l : lens) {
      count[l]++;
    }
    count[0] = 0;
    int[] next = new int[16];
    int code = 0;
    for (int b = 1; b < 16; b++) {
      code = (code + count[b - 1]) << 1;
      next[b] = code;
    }
    int[] codes = new int[lens.length];
    for (int i = 0; i < lens.length; i++) {
      if (lens[i] != 0) {
        codes[i] = next[lens[i]]++;
      }
    }
    return codes;
  }

  /**
   * Random code lengths for an alphabet: every used symbol gets a code, some unused ones too,
   * and the code is complete; with {@code allowSingle}, a single used symbol may instead get the
   * lone one-bit code zlib accepts for literal/length and distance codes.
   */
  static byte[] randomLengths(boolean[] used, int maxLen, Random r, boolean deep, boolean allowSingle) {
    List<Integer> syms = new ArrayList<>();
    List<Integer> unused = new ArrayList<>();
    for (int i = 0; i < used.length; i++) {
      (used[i] ? syms : unused).add(i);
    }
    java.util.Collections.shuffle(unused, r);
    int extra = r.nextInt(3) == 0 ? unused.size() : r.nextInt(Math.min(unused.size(), 8) + 1);
    syms.addAll(unused.subList(0, extra));
    byte[] lens = new byte[used.length];
    if (syms.size() == 1 && allowSingle && r.nextBoolean()) {
      lens[syms.get(0)] = 1;
      return lens;
    }
    if (syms.size() == 1) {
      syms.add(unused.get(extra)); // complete needs two codes
    }
    // Grow a random full binary tree with one leaf per symbol, no deeper than maxLen.
    List<Integer> leaves = new ArrayList<>(List.of(0));
    while (leaves.size() < syms.size()) {
      int pick;
      if (deep && r.nextInt(3) != 0) {
        pick = 0;
        for (int i = 1; i < leaves.size(); i++) {
          if (leaves.get(i) < maxLen && (leaves.get(pick) >= maxLen || leaves.get(i) > leaves.get(pick))) {
            pick = i;
          }
        }
        if (leaves.get(pick) >= maxLen) {
          pick = -1;
        }
      } else {
        pick = -1;
      }
      if (pick < 0) {
        do {
          pick = r.nextInt(leaves.size());
        } while (leaves.get(pick) >= maxLen);
      }
      int d = leaves.remove(pick) + 1;
      leaves.add(d);
      leaves.add(d);
    }
    java.util.Collections.shuffle(syms, r);
    for (int i = 0; i < syms.size(); i++) {
      lens[syms.get(i)] = (byte) (int) leaves.get(i);
    }
    return lens;
  }
}
