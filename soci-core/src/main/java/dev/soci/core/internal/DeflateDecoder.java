package dev.soci.core.internal;

import dev.soci.core.CorruptStreamException;
import dev.soci.core.TrailingDataException;
import dev.soci.core.TruncatedStreamException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Raw DEFLATE (RFC 1951) decoder plus the byte-aligned gzip (RFC 1952) framing around it, built
 * for indexing: it stops at every block boundary so the caller can see the exact compressed bit
 * position and uncompressed position there.
 *
 * <p>Input is pulled from an {@link InputStream} (or a fixed array) into a buffer and read
 * through a 64-bit bit buffer refilled a word at a time. Output goes into {@link #out}, which
 * always keeps the last 32 KiB of history in front of the undelivered bytes; the caller drains it
 * with {@link #drain}. Nothing is allocated per block: Huffman tables are rebuilt in place.
 *
 * <p>Past the real end of input the bit buffer is padded with zero bytes (counted in
 * {@code fake}) so the hot loop never checks for end of input; consuming any padding bit is
 * reported as truncation at the next refill or boundary, which also bounds how long garbage can
 * be decoded.
 */
public final class DeflateDecoder {
  public static final int WINDOW = Checkpoint.WINDOW_SIZE;
  private static final int CHUNK = 256 * 1024;
  private static final int IN_SIZE = 64 * 1024;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** {@link #inflate} results. */
  public static final int BLOCK_END = 1;
  public static final int OUTPUT_FULL = 2;

  private static final int ST_HEADER = 0;
  private static final int ST_STORED = 1;
  private static final int ST_HUFF = 2;

  private static final int[] CL_ORDER = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

  // ---- input ----
  private final InputStream src;
  private final byte[] inBuf;
  private int inPos;
  private int inLen;
  /** Absolute compressed offset of inBuf[0]. */
  private long inBase;
  private boolean eof;
  /** Zero bytes appended to the bit buffer after the real end of input. */
  private int fake;
  private long bitBuf;
  private int bitCnt;
  private final InputTap tap;

  // ---- output ----
  /** Output buffer: history, then undelivered bytes; {@code op} is the write position. */
  public final byte[] out = new byte[WINDOW + CHUNK + 512];
  public int op;
  /** Absolute uncompressed offset of out[0]. */
  public long outBase;
  /** First position in {@code out} not yet handed to the consumer. */
  private int delivered;
  /** Decoding pauses (OUTPUT_FULL) once {@code op} reaches this. */
  private int stopAt = WINDOW + CHUNK;
  /** Lowest absolute output offset a match may reference (start of history of this member). */
  private long historyStart;

  // ---- block state ----
  private int state = ST_HEADER;
  private boolean lastBlock;
  private int storedLeft;
  /** The current block's tables: literal/length, then distance at {@link Huffman#DIST_OFFSET}. */
  private int[] tables;
  private final int[] dynTables = new int[Huffman.TABLES_SIZE];
  private final int[] clTab = new int[Huffman.CL_SIZE];
  private final byte[] lens = new byte[288 + 32];
  private final byte[] clLens = new byte[19];
  private final int[] scratch = new int[Huffman.SCRATCH];

  // ---- gzip member ----
  private final CRC32 crc = new CRC32();
  private int crcFrom;
  private long memberOut;

  /** Hooks for who needs the raw compressed bytes (digests); null when nobody does. */
  public interface InputTap {
    /** {@code n} new bytes were read from the stream into {@code b[off..off+n)}. */
    void read(byte[] b, int off, int n);

    /** Bytes before absolute offset {@code keepFrom} are about to leave {@code buf} (whose [0] is at {@code base}). */
    void discarding(byte[] buf, long base, long keepFrom) throws IOException;
  }

  /** Stream mode: {@code initial[0..initialLen)} were already read from the stream (and tapped). */
  public DeflateDecoder(InputStream src, byte[] initial, int initialLen, InputTap tap) {
    this.src = src;
    this.tap = tap;
    this.inBuf = new byte[Math.max(IN_SIZE, initialLen + 16)];
    System.arraycopy(initial, 0, inBuf, 0, initialLen);
    this.inLen = initialLen;
  }

  /** Array mode: decode {@code data[from..to)}, whose first byte is at absolute offset {@code base}. */
  public DeflateDecoder(byte[] data, int from, int to, long base) {
    this.src = null;
    this.tap = null;
    this.inBuf = data;
    this.inPos = from;
    this.inLen = to;
    this.inBase = base - from;
    this.eof = true;
  }

  // ------------------------------------------------------------------ positions

  /** Absolute compressed bit position of the next unconsumed bit. */
  public long bitPosition() {
    return (inBase + inPos + fake) * 8 - bitCnt;
  }

  private long byteOffset() {
    return bitPosition() >> 3;
  }

  /** Total uncompressed bytes produced, as an absolute offset. */
  public long outPosition() {
    return outBase + op;
  }

  public boolean lastBlock() {
    return lastBlock;
  }

  public void setStopAt(int limit) {
    stopAt = Math.min(limit, WINDOW + CHUNK);
  }

  public int stopAtMax() {
    return WINDOW + CHUNK;
  }

  /** Presets the history as if {@code window} had just been produced, output continuing at absolute {@code outPos}. */
  public void presetWindow(byte[] window, long outPos) {
    System.arraycopy(window, 0, out, 0, WINDOW);
    op = WINDOW;
    delivered = WINDOW;
    crcFrom = WINDOW;
    outBase = outPos - WINDOW;
    historyStart = outBase;
  }

  /** Skips {@code n} (< 8) bits; used to start mid-byte. */
  public void skipBits(int n) throws IOException {
    getBits(n);
  }

  // ------------------------------------------------------------------ input

  private CorruptStreamException corrupt(String what) {
    // Past the real end of input the bit buffer holds zero padding, and zeros can decode to an
    // invalid code or distance: an error met there means the data ended early (zlib would ask
    // for more input), and its offset would point past the end.
    if (fake != 0 && fake * 8 > bitCnt) {
      return truncated("(decoding on past the end met " + what + ")");
    }
    return new CorruptStreamException("corrupt deflate/gzip data: " + what, byteOffset());
  }

  private TruncatedStreamException truncated(String where) {
    return new TruncatedStreamException("compressed data ends too early " + where,
        inBase + inLen);
  }

  /** Reads more input into inBuf; false at end of input. Keeps the bytes not yet fully consumed. */
  private boolean fillInput() throws IOException {
    if (eof) {
      return false;
    }
    long keepFrom = inBase + inPos - ((bitCnt + 7) >> 3);
    int keepRel = (int) (keepFrom - inBase);
    if (tap != null) {
      tap.discarding(inBuf, inBase, keepFrom);
    }
    if (keepRel > 0) {
      System.arraycopy(inBuf, keepRel, inBuf, 0, inLen - keepRel);
      inBase += keepRel;
      inPos -= keepRel;
      inLen -= keepRel;
    }
    while (true) {
      int n = src.read(inBuf, inLen, inBuf.length - inLen);
      if (n < 0) {
        eof = true;
        return false;
      }
      if (n > 0) {
        if (tap != null) {
          tap.read(inBuf, inLen, n);
        }
        inLen += n;
        return true;
      }
    }
  }

  /** Fills the bit buffer to at least 57 bits, padding with zero bytes after the end of input. */
  private void refillSlow() throws IOException {
    if (fake != 0 && fake * 8 > bitCnt) {
      throw truncated("inside a deflate block");
    }
    while (bitCnt <= 56) {
      if (inPos >= inLen && !fillInput()) {
        fake++;
        bitCnt += 8;
        continue;
      }
      bitBuf |= (long) (inBuf[inPos++] & 0xFF) << bitCnt;
      bitCnt += 8;
    }
  }

  private void checkNoPaddingUsed(String where) throws TruncatedStreamException {
    if (fake != 0 && fake * 8 > bitCnt) {
      throw truncated(where);
    }
  }

  private int getBits(int n) throws IOException {
    if (bitCnt < n) {
      refillSlow();
    }
    int v = (int) (bitBuf & ((1L << n) - 1));
    bitBuf >>>= n;
    bitCnt -= n;
    checkNoPaddingUsed("in a header");
    return v;
  }

  private void alignToByte() {
    int drop = bitCnt & 7;
    bitBuf >>>= drop;
    bitCnt -= drop;
  }

  /**
   * After byte alignment: whether at least one more real input byte exists, and if so up to two
   * of them in the low bytes of the result (-1 when none). Result: count in bits 16+, bytes below.
   */
  public int peekTwo() throws IOException {
    alignToByte();
    if (bitCnt < 16) {
      refillSlow();
    }
    int real = (bitCnt >> 3) - fake;
    if (real <= 0) {
      return 0;
    }
    int n = Math.min(real, 2);
    return (n << 16) | (int) (bitBuf & (n == 2 ? 0xFFFF : 0xFF));
  }

  /** Hands input bytes [from, to) (absolute offsets, still buffered) to {@code out}. */
  public void feedInput(Output out, long from, long to) throws IOException {
    if (from < inBase || to > inBase + inLen || from > to) {
      throw new IllegalStateException("input range [" + from + ", " + to + ") no longer buffered");
    }
    if (to > from) {
      out.accept(inBuf, (int) (from - inBase), (int) (to - from));
    }
  }

  // ------------------------------------------------------------------ gzip framing

  /** Parses and checks a gzip member header (RFC 1952 2.3) and starts a new member. */
  public void readGzipHeader() throws IOException {
    alignToByte();
    CRC32 h = new CRC32();
    int id1 = headerByte(h);
    int id2 = headerByte(h);
    if (id1 != 0x1f || id2 != 0x8b) {
      throw corrupt("not a gzip member (bad magic " + Integer.toHexString(id1) + " " + Integer.toHexString(id2) + ")");
    }
    int cm = headerByte(h);
    if (cm != 8) {
      throw corrupt("unknown gzip compression method " + cm);
    }
    int flg = headerByte(h);
    if ((flg & 0xE0) != 0) {
      throw corrupt("reserved gzip header flags set: 0x" + Integer.toHexString(flg));
    }
    for (int i = 0; i < 6; i++) { // MTIME, XFL, OS
      headerByte(h);
    }
    if ((flg & 4) != 0) { // FEXTRA
      int xlen = headerByte(h) | headerByte(h) << 8;
      for (int i = 0; i < xlen; i++) {
        headerByte(h);
      }
    }
    if ((flg & 8) != 0) { // FNAME
      while (headerByte(h) != 0) {
        // skip
      }
    }
    if ((flg & 16) != 0) { // FCOMMENT
      while (headerByte(h) != 0) {
        // skip
      }
    }
    if ((flg & 2) != 0) { // FHCRC: low 16 bits of the CRC32 of the header so far
      int expect = (int) (h.getValue() & 0xFFFF);
      int got = getBits(8) | getBits(8) << 8;
      if (got != expect) {
        throw corrupt("gzip header CRC mismatch");
      }
    }
    startMember();
  }

  /**
   * Starts the next member of a gzip stream (RFC 1952 2.2: members may be concatenated): reads
   * its header and returns true, or returns false at the end of input once at least one member
   * was read ({@code first} false). The one rule for what may follow a member, shared by the
   * indexer and {@link dev.soci.core.GunzipInputStream}: another member or nothing.
   *
   * @throws TrailingDataException when the bytes after a member are not a gzip member
   */
  public boolean nextGzipMember(boolean first) throws IOException {
    if (!first) {
      int peek = peekTwo();
      if (peek == 0) {
        return false;
      }
      if ((peek >>> 16) < 2 || (peek & 0xFFFF) != 0x8b1f) {
        throw new TrailingDataException("data after the last gzip member is not a gzip member"
            + " (the reference implementation rejects such layers too)", bitPosition() >> 3);
      }
    }
    readGzipHeader();
    return true;
  }

  private int headerByte(CRC32 h) throws IOException {
    int b = wholeByte("in a gzip header");
    h.update(b);
    return b;
  }

  /**
   * The next whole byte of a byte-aligned stream (gzip header or trailer); {@code where} names
   * the place in the truncation error.
   */
  private int wholeByte(String where) throws IOException {
    if (bitCnt < 8) {
      refillSlow();
    }
    int b = (int) (bitBuf & 0xFF);
    bitBuf >>>= 8;
    bitCnt -= 8;
    if (fake != 0 && fake * 8 > bitCnt) {
      throw truncated(where);
    }
    return b;
  }

  /** Resets per-member state: a new member cannot reference the previous member's output (zlib resets its window). */
  public void startMember() {
    state = ST_HEADER;
    lastBlock = false;
    crc.reset();
    crcFrom = op;
    memberOut = outPosition();
    historyStart = memberOut;
  }

  /** After the final block: reads the 8-byte trailer and, when {@code verify}, checks CRC32 and ISIZE. */
  public void readGzipTrailer(boolean verify) throws IOException {
    alignToByte();
    int c = 0;
    int s = 0;
    for (int i = 0; i < 4; i++) {
      c |= wholeByte("in a gzip trailer") << (8 * i);
    }
    for (int i = 0; i < 4; i++) {
      s |= wholeByte("in a gzip trailer") << (8 * i);
    }
    if (verify) {
      crc.update(out, crcFrom, op - crcFrom);
      crcFrom = op;
      if ((int) crc.getValue() != c) {
        throw new CorruptStreamException("gzip member CRC32 mismatch: trailer says "
            + Integer.toHexString(c) + ", data has " + Long.toHexString(crc.getValue()), byteOffset() - 8);
      }
      int size = (int) (outPosition() - memberOut);
      if (size != s) {
        throw new CorruptStreamException("gzip member length mismatch: trailer ISIZE "
            + Integer.toUnsignedString(s) + ", data has " + Integer.toUnsignedString(size) + " (mod 2^32)",
            byteOffset() - 4);
      }
    }
  }

  // ------------------------------------------------------------------ output

  /** Consumer of drained output. */
  public interface Output {
    void accept(byte[] b, int off, int len) throws IOException;
  }

  /**
   * Hands undelivered output to {@code sink} (may be null), folds it into the member CRC when
   * {@code crcOn}, and when the buffer is full slides the last 32 KiB of history to the front.
   *
   * @return the number of bytes handed over
   */
  public int drain(Output sink, boolean crcOn) throws IOException {
    int count = op - delivered;
    if (op > delivered) {
      if (sink != null) {
        sink.accept(out, delivered, op - delivered);
      }
      delivered = op;
    }
    if (crcOn) {
      foldCrc();
    }
    slideIfFull();
    return count;
  }

  private void foldCrc() {
    if (op > crcFrom) {
      crc.update(out, crcFrom, op - crcFrom);
      crcFrom = op;
    }
  }

  /** Once everything is delivered and the buffer is full, slides the last 32 KiB of history to the front. */
  private void slideIfFull() {
    if (op >= WINDOW + CHUNK) {
      int shift = op - WINDOW;
      System.arraycopy(out, shift, out, 0, WINDOW);
      outBase += shift;
      op = WINDOW;
      delivered = WINDOW;
      crcFrom = Math.max(0, crcFrom - shift);
    }
  }

  /**
   * Hands up to {@code len} undelivered output bytes to {@code b}, for a pull-style reader; once
   * everything produced is delivered they are folded into the member CRC and, when the buffer is
   * full, the history slides to the front as in {@link #drain}.
   *
   * @return the number of bytes copied (0 when nothing is undelivered)
   */
  public int take(byte[] b, int off, int len) {
    int n = Math.min(len, op - delivered);
    System.arraycopy(out, delivered, b, off, n);
    delivered += n;
    if (delivered == op) {
      foldCrc();
      slideIfFull();
    }
    return n;
  }

  /** Output bytes produced and not yet delivered. */
  public int undelivered() {
    return op - delivered;
  }

  /** Copies the last 32 KiB of output (zero-filled in front when less was produced) into a new array. */
  public byte[] window() {
    byte[] w = new byte[WINDOW];
    long have = outPosition();
    if (op >= WINDOW) {
      System.arraycopy(out, op - WINDOW, w, 0, WINDOW);
    } else {
      // Before the first slide out[0] is output offset 0, so everything produced is in out[0..op).
      int n = (int) Math.min(have, op);
      System.arraycopy(out, op - n, w, WINDOW - n, n);
    }
    return w;
  }

  // ------------------------------------------------------------------ deflate

  /**
   * Decodes until the current block ends ({@link #BLOCK_END}; {@link #lastBlock()} tells whether
   * it was the final one) or the output buffer needs draining ({@link #OUTPUT_FULL}).
   * Must not be called again after the final block's BLOCK_END until a new member starts.
   */
  public int inflate() throws IOException {
    while (true) {
      if (op >= stopAt) {
        return OUTPUT_FULL;
      }
      switch (state) {
        case ST_HEADER:
          readBlockHeader();
          break;
        case ST_STORED:
          return copyStored();
        default:
          return inflateHuffman();
      }
    }
  }

  private void readBlockHeader() throws IOException {
    int h = getBits(3);
    lastBlock = (h & 1) != 0;
    switch (h >>> 1) {
      case 0: {
        alignToByte();
        int len = getBits(16);
        int nlen = getBits(16);
        if (len != (~nlen & 0xFFFF)) {
          throw corrupt("stored block length does not match its complement");
        }
        storedLeft = len;
        state = ST_STORED;
        break;
      }
      case 1:
        tables = Huffman.FIXED;
        state = ST_HUFF;
        break;
      case 2:
        readDynamicTables();
        state = ST_HUFF;
        break;
      default:
        throw corrupt("invalid block type 3");
    }
  }

  private void readDynamicTables() throws IOException {
    int nlen = getBits(5) + 257;
    int ndist = getBits(5) + 1;
    int ncode = getBits(4) + 4;
    if (nlen > 286 || ndist > 30) {
      throw corrupt("too many length or distance symbols");
    }
    java.util.Arrays.fill(clLens, (byte) 0);
    for (int i = 0; i < ncode; i++) {
      clLens[CL_ORDER[i]] = (byte) getBits(3);
    }
    if (Huffman.build(clLens, 0, 19, clTab, Huffman.CL_BITS, Huffman.CL_TEMPLATE, false, scratch) != Huffman.OK) {
      throw corrupt("invalid code lengths set");
    }
    int total = nlen + ndist;
    int i = 0;
    // Locals and word refills, as in the Huffman loops: a block header has some 300 of these.
    long bb = bitBuf;
    int bc = bitCnt;
    int ip = inPos;
    while (i < total) {
      if (bc < 16) { // a code-length code is at most 7 bits, its extra bits at most 7
        if (ip <= inLen - 8) {
          bb |= (long) LONG_LE.get(inBuf, ip) << bc;
          ip += (63 - bc) >>> 3;
          bc |= 56;
        } else {
          save(bb, bc, ip, op);
          refillSlow();
          bb = bitBuf;
          bc = bitCnt;
          ip = inPos;
        }
      }
      int e = clTab[(int) bb & (Huffman.CL_SIZE - 1)];
      int n = e & 31;
      bb >>>= n;
      bc -= n;
      int sym = e >>> 16;
      if (sym < 16) {
        lens[i++] = (byte) sym;
        continue;
      }
      int rep;
      byte val = 0;
      if (sym == 16) {
        if (i == 0) {
          save(bb, bc, ip, op);
          throw corrupt("invalid bit length repeat");
        }
        val = lens[i - 1];
        rep = 3 + (int) (bb & 3);
        bb >>>= 2;
        bc -= 2;
      } else if (sym == 17) {
        rep = 3 + (int) (bb & 7);
        bb >>>= 3;
        bc -= 3;
      } else {
        rep = 11 + (int) (bb & 127);
        bb >>>= 7;
        bc -= 7;
      }
      if (i + rep > total) {
        save(bb, bc, ip, op);
        throw corrupt("invalid bit length repeat");
      }
      while (rep-- > 0) {
        lens[i++] = val;
      }
    }
    save(bb, bc, ip, op);
    checkNoPaddingUsed("in a dynamic block header");
    if (lens[256] == 0) {
      throw corrupt("invalid code -- missing end-of-block");
    }
    // A single one-bit code is accepted like zlib does (the other half then decodes to an error).
    if (Huffman.build(lens, 0, nlen, dynTables, 0, Huffman.LIT_BITS, Huffman.LIT_TEMPLATE, true, scratch)
        != Huffman.OK) {
      throw corrupt("invalid literal/lengths set");
    }
    // No distance codes at all is valid (a literal-only block); using one then fails as "invalid distance code".
    int r = Huffman.build(lens, nlen, ndist, dynTables, Huffman.DIST_OFFSET, Huffman.DIST_BITS,
        Huffman.DIST_TEMPLATE, true, scratch);
    if (r != Huffman.OK && r != Huffman.EMPTY) {
      throw corrupt("invalid distances set");
    }
    tables = dynTables;
  }

  private int copyStored() throws IOException {
    while (storedLeft > 0) {
      if (op >= stopAt) {
        return OUTPUT_FULL;
      }
      if (bitCnt >= 8) {
        // Bytes already pulled into the bit buffer come first.
        out[op++] = (byte) bitBuf;
        bitBuf >>>= 8;
        bitCnt -= 8;
        storedLeft--;
        checkNoPaddingUsed("inside a stored block");
        continue;
      }
      int n = Math.min(Math.min(storedLeft, stopAt - op), inLen - inPos);
      if (n == 0) {
        if (!fillInput()) {
          throw truncated("inside a stored block");
        }
        continue;
      }
      // The bit buffer is empty but may still hold the bytes after it (refills read 8 at a
      // time): those are about to be consumed here, so it must not OR them in again later.
      bitBuf = 0;
      System.arraycopy(inBuf, inPos, out, op, n);
      inPos += n;
      op += n;
      storedLeft -= n;
    }
    state = ST_HEADER;
    return BLOCK_END;
  }

  /**
   * Output a fast-loop iteration may add: three literals, or two and a 258-byte match. The fast
   * loop runs only while this much room is left before {@link #stopAt}, so it decodes exactly the
   * symbols the careful loop would (those that start before the stop), and its word copies,
   * which may write up to 32 bytes past a short match and 7 past a long one, stay inside the
   * buffer's 512 bytes of slack.
   */
  private static final int FAST_OUT = 2 + 258;
  /** Input a fast-loop iteration may read: two refills of 8 bytes, the first advancing up to 7. */
  private static final int FAST_IN = 15;
  /** Distance multiples of at least 8 for periods 2..7, so short-period matches copy in words. */
  private static final int[] PERIOD_STEP = {0, 0, 8, 9, 8, 10, 12, 14};

  private int inflateHuffman() throws IOException {
    int r;
    while ((r = fastLoop()) == 0 && (r = carefulLoop()) == 0) {
      // carefulLoop returned to let the fast loop run again
    }
    if (r == BLOCK_END) {
      state = ST_HEADER;
    }
    checkNoPaddingUsed("inside a deflate block");
    return r;
  }

  /**
   * The hot loop: decodes while at least {@link #FAST_IN} input bytes and {@link #FAST_OUT}
   * bytes of output room are left, so it never checks either per symbol, never pads input and
   * never refills in small steps. Each iteration refills the bit buffer to 56..63 bits with one
   * 8-byte read, then decodes up to three literals, or up to two and a match (a length needs
   * at most 20 bits and a distance 28, so one refill after the literals covers both).
   *
   * <p>{@code bc} keeps the bit count in its low 6 bits only: subtracting a whole entry (whose
   * low byte is its bit count) and the refill's {@code bc |= 56} both leave them exact, and
   * every use masks or shifts by them. Bits of {@code bb} above the count are the next input
   * bits (the rest of the last 8-byte read), which a later refill ORs in again unchanged.
   *
   * @return {@link #BLOCK_END} at the end-of-block code, 0 when less input or output room is
   *     left than the loop needs (possibly at once), for {@link #carefulLoop} to go on
   */
  private int fastLoop() throws CorruptStreamException {
    final byte[] o = out;
    final byte[] in = inBuf;
    final int[] tab = tables;
    final int outFast = stopAt - FAST_OUT;
    final int inFast = inLen - FAST_IN;
    final int lmask = (1 << Huffman.LIT_BITS) - 1;
    final int dmask = (1 << Huffman.DIST_BITS) - 1;
    long bb = bitBuf;
    int bc = bitCnt;
    int ip = inPos;
    int p = op;
    int result = 0;
    // With a whole window of this member's history behind op, no distance can reach too far
    // back, so the loop need not check; before that (the first 32 KiB of each member) the
    // careful loop decodes and checks.
    if (p >= outFast || ip >= inFast || op + (outBase - historyStart) < WINDOW) {
      return 0;
    }
    bb |= (long) LONG_LE.get(in, ip) << bc;
    ip += (~bc & 63) >>> 3;
    bc |= 56;
    // Each lookup is made as soon as its bits are known, before the work that does not need it.
    int e = tab[(int) bb & lmask];
    while (p < outFast && ip < inFast) {
      bb |= (long) LONG_LE.get(in, ip) << bc;
      ip += (~bc & 63) >>> 3;
      bc |= 56;
      if ((e & Huffman.LIT_FLAG) != 0) {
        bb >>>= e;
        bc -= e;
        o[p++] = (byte) (e >>> 16);
        e = tab[(int) bb & lmask];
        if ((e & Huffman.LIT_FLAG) != 0) {
          bb >>>= e;
          bc -= e;
          o[p++] = (byte) (e >>> 16);
          e = tab[(int) bb & lmask];
          if ((e & Huffman.LIT_FLAG) != 0) {
            bb >>>= e;
            bc -= e;
            o[p++] = (byte) (e >>> 16);
            e = tab[(int) bb & lmask];
            continue;
          }
        }
        // Up to 30 bits went on literals: refill for the match.
        bb |= (long) LONG_LE.get(in, ip) << bc;
        ip += (~bc & 63) >>> 3;
        bc |= 56;
      }
      if ((e & Huffman.EXCEPTIONAL) != 0) {
        if ((e & Huffman.SUB_FLAG) != 0) {
          bb >>>= e;
          bc -= e;
          e = tab[(e >>> 16) + ((int) bb & ~(-1 << (e >>> 8)))];
          if ((e & Huffman.LIT_FLAG) != 0) {
            bb >>>= e;
            bc -= e;
            o[p++] = (byte) (e >>> 16);
            e = tab[(int) bb & lmask];
            continue;
          }
        }
        if ((e & Huffman.EXCEPTIONAL) != 0) {
          if ((e & Huffman.EOB_FLAG) != 0) {
            bb >>>= e;
            bc -= e;
            result = BLOCK_END;
            break;
          }
          bb >>>= e & 31;
          bc -= e & 31;
          save(bb, bc, ip, p);
          throw corrupt("invalid literal/length code");
        }
      }
      long saved = bb;
      bb >>>= e;
      bc -= e;
      int len = (e >>> 16) + (((int) saved & ~(-1 << e)) >>> (e >>> 8));
      int d = tab[Huffman.DIST_OFFSET + ((int) bb & dmask)];
      if ((d & Huffman.EXCEPTIONAL) != 0) {
        if ((d & Huffman.SUB_FLAG) != 0) {
          bb >>>= d;
          bc -= d;
          d = tab[(d >>> 16) + ((int) bb & ~(-1 << (d >>> 8)))];
        }
        if ((d & Huffman.EXCEPTIONAL) != 0) {
          save(bb, bc, ip, p);
          throw corrupt("invalid distance code");
        }
      }
      saved = bb;
      bb >>>= d;
      bc -= d;
      int dist = (d >>> 16) + (((int) saved & ~(-1 << d)) >>> (d >>> 8));
      e = tab[(int) bb & lmask];
      int from = p - dist;
      int end = p + len;
      if (dist >= 8) {
        // Word copies read only bytes already final: each read ends at least 8 bytes behind its write.
        LONG_LE.set(o, p, (long) LONG_LE.get(o, from));
        LONG_LE.set(o, p + 8, (long) LONG_LE.get(o, from + 8));
        LONG_LE.set(o, p + 16, (long) LONG_LE.get(o, from + 16));
        LONG_LE.set(o, p + 24, (long) LONG_LE.get(o, from + 24));
        if (len > 32) {
          p += 32;
          from += 32;
          do {
            LONG_LE.set(o, p, (long) LONG_LE.get(o, from));
            p += 8;
            from += 8;
          } while (p < end);
        }
      } else if (dist == 1) {
        long v = (o[from] & 0xFFL) * 0x0101010101010101L;
        LONG_LE.set(o, p, v);
        LONG_LE.set(o, p + 8, v);
        if (len > 16) {
          p += 16;
          do {
            LONG_LE.set(o, p, v);
            p += 8;
          } while (p < end);
        }
      } else {
        // Period 2..7: lay down one period-extended word byte by byte, then copy words from a
        // multiple of the period at least 8 back.
        for (int i = 0; i < 8; i++) {
          o[p + i] = o[from + i];
        }
        int step = PERIOD_STEP[dist];
        p += 8;
        while (p < end) {
          LONG_LE.set(o, p, (long) LONG_LE.get(o, p - step));
          p += 8;
        }
      }
      p = end;
    }
    save(bb, bc, ip, p);
    return result;
  }

  private void save(long bb, int bc, int ip, int p) {
    bitBuf = bb;
    bitCnt = bc & 63;
    inPos = ip;
    op = p;
  }

  /**
   * One symbol at a time near the ends of the input and output buffers, with every check: the
   * output stop before each symbol, and refills that top up byte by byte (or pad past the end
   * of input). Returns 0 as soon as the fast loop can run again.
   */
  private int carefulLoop() throws IOException {
    final byte[] o = out;
    final int[] tab = tables;
    final int limit = stopAt;
    final int outFast = limit - FAST_OUT;
    final long histExtra = outBase - historyStart;
    final int lmask = (1 << Huffman.LIT_BITS) - 1;
    final int dmask = (1 << Huffman.DIST_BITS) - 1;
    byte[] in = inBuf;
    long bb = bitBuf;
    int bc = bitCnt;
    int ip = inPos;
    int inEnd8 = inLen - 8;
    int p = op;
    while (true) {
      if (p >= limit) {
        save(bb, bc, ip, p);
        return OUTPUT_FULL;
      }
      if (p < outFast && p + histExtra >= WINDOW) {
        if (ip < inLen - FAST_IN) {
          save(bb, bc, ip, p);
          return 0;
        }
        if (!eof) {
          // Top up the input now rather than at its last byte, so the fast loop resumes sooner.
          save(bb, bc, ip, p);
          fillInput();
          in = inBuf;
          ip = inPos;
          inEnd8 = inLen - 8;
          if (ip < inLen - FAST_IN) {
            return 0;
          }
        }
      }
      if (bc < 48) {
        if (ip <= inEnd8) {
          bb |= (long) LONG_LE.get(in, ip) << bc;
          ip += (63 - bc) >>> 3;
          bc |= 56;
        } else {
          save(bb, bc, ip, p);
          refillSlow();
          bb = bitBuf;
          bc = bitCnt;
          ip = inPos;
          inEnd8 = inLen - 8;
        }
      }
      int e = tab[(int) bb & lmask];
      if ((e & Huffman.SUB_FLAG) != 0) {
        bb >>>= e;
        bc -= e & 31;
        e = tab[(e >>> 16) + ((int) bb & ~(-1 << (e >>> 8)))];
      }
      if ((e & Huffman.LIT_FLAG) != 0) {
        bb >>>= e;
        bc -= e & 31;
        o[p++] = (byte) (e >>> 16);
        continue;
      }
      if ((e & Huffman.EXCEPTIONAL) != 0) {
        bb >>>= e & 31;
        bc -= e & 31;
        save(bb, bc, ip, p);
        if ((e & Huffman.EOB_FLAG) != 0) {
          return BLOCK_END;
        }
        throw corrupt("invalid literal/length code");
      }
      long saved = bb;
      bb >>>= e;
      bc -= e & 31;
      int len = (e >>> 16) + (((int) saved & ~(-1 << e)) >>> (e >>> 8));
      int d = tab[Huffman.DIST_OFFSET + ((int) bb & dmask)];
      if ((d & Huffman.SUB_FLAG) != 0) {
        bb >>>= d;
        bc -= d & 31;
        d = tab[(d >>> 16) + ((int) bb & ~(-1 << (d >>> 8)))];
      }
      if ((d & Huffman.EXCEPTIONAL) != 0) {
        save(bb, bc, ip, p);
        throw corrupt("invalid distance code");
      }
      saved = bb;
      bb >>>= d;
      bc -= d & 31;
      int dist = (d >>> 16) + (((int) saved & ~(-1 << d)) >>> (d >>> 8));
      if (dist > p + histExtra) {
        save(bb, bc, ip, p);
        throw corrupt("invalid distance too far back");
      }
      int from = p - dist;
      if (dist >= len) {
        System.arraycopy(o, from, o, p, len);
        p += len;
      } else {
        // Overlapping match: byte by byte repeats the pattern, as the format requires.
        int end = p + len;
        while (p < end) {
          o[p++] = o[from++];
        }
      }
    }
  }
}
