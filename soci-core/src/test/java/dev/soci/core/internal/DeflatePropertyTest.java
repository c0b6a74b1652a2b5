package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.Compression;
import dev.soci.core.CorruptStreamException;
import dev.soci.core.SociException;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.LayerIndex;
import dev.soci.core.internal.LayerIndexer;
import dev.soci.core.internal.SpanDecompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * Properties of the decoder on deflate streams zlib's compressor would never write, made by
 * {@link DeflateWriter}: every block type in any order, empty and one-symbol blocks, blocks
 * starting at every bit offset, random complete codes up to 15 bits (and the lone one-bit and
 * empty codes zlib accepts), 258-byte matches, distances of 1 to 32,768 including ones that
 * reach back across the decoder's buffer slide. Each stream is checked three ways: our output
 * against the writer's own expansion and against {@link Inflater}, and our checkpoints against
 * the block starts the writer recorded (where zlib's inflate(Z_BLOCK) stops), window included.
 * The input arrives in random small reads, so refills and buffer ends fall everywhere.
 */
class DeflatePropertyTest {
  /** Gzip header written by {@link Gz#member} with no flags: the deflate stream starts at bit 80. */
  private static final int HEADER_BITS = 80;

  /** One generated stream: the deflate bytes, what they expand to, and where blocks start. */
  private record Stream(byte[] deflate, byte[] plain, List<DeflateWriter.Boundary> blocks) {}

  @Test
  void randomStreamsDecodeExactlyAndStopAtEveryBlockStart() throws IOException {
    boolean[] bitOffsets = new boolean[8];
    int checkpoints = 0;
    for (int seed = 0; seed < 400; seed++) {
      Random r = new Random(seed);
      Stream s = randomStream(r, seed % 50 == 0 ? 700_000 : 1 + r.nextInt(seed % 5 == 0 ? 120_000 : 6_000));
      assertThat(zlib(s.deflate())).as("seed %d: zlib vs the writer", seed).isEqualTo(s.plain());
      long span = switch (r.nextInt(4)) {
        case 0 -> 1;
        case 1 -> 1 + r.nextInt(100);
        case 2 -> 1 + r.nextInt(20_000);
        default -> 1 << 20;
      };
      byte[] gz = Gz.member(s.plain(), s.deflate(), 0);
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      LayerIndex idx = LayerIndexer.index(new Trickle(gz, r), Compression.GZIP, span, sink::write, r.nextBoolean());
      assertBytes("seed " + seed + ": our output", sink.toByteArray(), s.plain());
      List<Checkpoint> want = expectedCheckpoints(s, span);
      assertThat(idx.checkpoints()).as("seed %d, span %d: checkpoints", seed, span).isEqualTo(want);
      for (Checkpoint c : want) {
        bitOffsets[c.bits()] = true;
      }
      checkpoints += want.size();
    }
    // The property covers what it claims: checkpoints at every bit offset inside a byte.
    assertThat(bitOffsets).containsOnly(true);
    assertThat(checkpoints).isGreaterThan(1_000);
  }

  @Test
  void longMatchesAtFullDistanceAcrossBufferSlides() throws IOException {
    Random r = new Random(77);
    DeflateWriter w = new DeflateWriter();
    byte[] seedBytes = Gz.random(r, 32_768);
    w.stored(seedBytes, false);
    // 2.5 MB through the decoder's 288 KiB buffer: the slides land inside matches and
    // between the 32 KiB a match reaches back and the byte it writes.
    while (w.plainSize() < 2_500_000) {
      List<Long> syms = new ArrayList<>();
      int n = 1 + r.nextInt(3000);
      for (int i = 0; i < n; i++) {
        int pick = r.nextInt(10);
        if (pick < 4) {
          syms.add(DeflateWriter.match(258, 32_768));
        } else if (pick < 7) {
          syms.add(DeflateWriter.match(3 + r.nextInt(256), 32_768 - r.nextInt(64)));
        } else if (pick < 9) {
          syms.add(DeflateWriter.match(258, 1 + r.nextInt(8)));
        } else {
          syms.add(DeflateWriter.literal(r.nextInt(256)));
        }
      }
      if (r.nextBoolean()) {
        w.fixed(syms, false);
      } else {
        w.dynamic(syms, false, r, r.nextBoolean());
      }
    }
    w.fixed(List.of(), true);
    Stream s = new Stream(w.finish(), w.plain(), w.boundaries());
    assertBytes("zlib", zlib(s.deflate()), s.plain());
    byte[] gz = Gz.member(s.plain(), s.deflate(), 0);
    for (boolean trickle : new boolean[] {false, true}) {
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      InputStream in = trickle ? new Trickle(gz, r) : new ByteArrayInputStream(gz);
      LayerIndex idx = LayerIndexer.index(in, Compression.GZIP, 100_000, sink::write);
      assertBytes("ours", sink.toByteArray(), s.plain());
      assertThat(idx.checkpoints()).isEqualTo(expectedCheckpoints(s, 100_000));
    }
  }

  @Test
  void everyCheckpointRestartsDecodingForAnyStopPoint() throws IOException {
    for (int seed = 1000; seed < 1040; seed++) {
      Random r = new Random(seed);
      Stream s = randomStream(r, 20_000 + r.nextInt(300_000));
      byte[] gz = Gz.member(s.plain(), s.deflate(), 0);
      List<Checkpoint> cps = LayerIndexer.index(new ByteArrayInputStream(gz), Compression.GZIP, 10_000, null)
          .checkpoints();
      for (int k = 0; k < 30; k++) {
        Checkpoint cp = cps.get(r.nextInt(cps.size()));
        int have = (int) (s.plain().length - cp.out());
        if (have == 0) {
          continue;
        }
        // Small and odd stops end decoding right before, inside or after a symbol.
        int skip = r.nextInt(Math.min(have, 70_000));
        int len = 1 + r.nextInt(Math.min(have - skip, r.nextBoolean() ? 300 : 100_000));
        byte[] dst = new byte[len];
        SpanDecompressor.Slice slice = new SpanDecompressor.Slice(gz, (int) cp.compressedStart(), gz.length);
        int n = SpanDecompressor.withJava(slice, cp, skip, dst, 0, len);
        assertThat(n).isEqualTo(len);
        int from = (int) cp.out() + skip;
        assertBytes("seed " + seed + " from " + cp + " skip " + skip, dst,
            Arrays.copyOfRange(s.plain(), from, from + len));
      }
    }
  }

  @Test
  void corruptedStreamsAreRejectedOrDecodedExactlyLikeZlib() throws IOException {
    int rejected = 0;
    int accepted = 0;
    for (int seed = 2000; seed < 2600; seed++) {
      Random r = new Random(seed);
      // One stream in three is long enough (over 32 KiB of history before the damage) for the
      // fast loop, which skips the distance check there, to be the one that meets it.
      boolean late = seed % 3 == 0;
      byte[] body = randomStream(r, late ? 40_000 + r.nextInt(80_000) : 1 + r.nextInt(3_000)).deflate();
      int flips = 1 + r.nextInt(2);
      for (int i = 0; i < flips; i++) {
        int at = late ? body.length / 2 + r.nextInt(body.length - body.length / 2) : r.nextInt(body.length);
        body[at] ^= (byte) (1 << r.nextInt(8));
      }
      // What zlib makes of it, and how much of the input it used.
      Inflater inf = new Inflater(true);
      ByteArrayOutputStream expect = new ByteArrayOutputStream();
      boolean zlibOk;
      int used = body.length;
      try {
        inf.setInput(body);
        byte[] buf = new byte[1 << 16];
        while (!inf.finished() && !inf.needsInput() && expect.size() < (16 << 20)) {
          expect.write(buf, 0, inf.inflate(buf));
        }
        zlibOk = inf.finished();
        if (zlibOk) {
          used = (int) inf.getBytesRead();
        }
      } catch (DataFormatException e) {
        zlibOk = false;
      } finally {
        inf.end();
      }
      byte[] gz = Gz.member(expect.toByteArray(), Arrays.copyOf(body, used), 0);
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      try {
        LayerIndexer.index(new Trickle(gz, r), Compression.GZIP, 4096, sink::write);
        assertThat(zlibOk).as("seed %d: we decoded a stream zlib rejects", seed).isTrue();
        assertBytes("seed " + seed, sink.toByteArray(), expect.toByteArray());
        accepted++;
      } catch (SociException e) {
        assertThat(zlibOk).as("seed %d: we rejected a stream zlib decodes: %s", seed, e.getMessage()).isFalse();
        assertThat(e).as("seed %d", seed).isInstanceOf(CorruptStreamException.class);
        rejected++;
      }
    }
    assertThat(rejected).isGreaterThan(100);
    assertThat(accepted).isGreaterThan(20);
  }

  /** A random stream of about {@code target} bytes of output in random blocks of every type. */
  private static Stream randomStream(Random r, int target) {
    DeflateWriter w = new DeflateWriter();
    int mode = r.nextInt(3); // 0: binary-like, 1: text-like, 2: runs and short periods
    do {
      int kind = r.nextInt(20);
      boolean last = w.plainSize() >= target;
      int count = switch (r.nextInt(6)) {
        case 0 -> 0;
        case 1 -> 1;
        case 2 -> 1 + r.nextInt(4);
        case 3 -> 1 + r.nextInt(40);
        case 4 -> 100 + r.nextInt(3000);
        default -> 1000 + r.nextInt(20_000);
      };
      List<Long> syms = symbols(r, count, w.plainSize(), mode);
      if (kind < 3) {
        w.stored(w.expand(syms), last);
      } else if (kind < 8) {
        w.fixed(syms, last);
      } else {
        w.dynamic(syms, last, r, kind < 11);
      }
      if (last) {
        break;
      }
    } while (true);
    return new Stream(w.finish(), w.plain(), w.boundaries());
  }

  private static List<Long> symbols(Random r, int count, int history, int mode) {
    List<Long> out = new ArrayList<>(count);
    int have = history;
    for (int i = 0; i < count; i++) {
      int pMatch = mode == 0 ? 3 : mode == 1 ? 5 : 7;
      if (have == 0 || r.nextInt(10) >= pMatch) {
        int b = mode == 1 ? "etaoin shrdlu\n{}();".charAt(r.nextInt(19)) : r.nextInt(mode == 0 ? 256 : 4);
        out.add(DeflateWriter.literal(b));
        have++;
        continue;
      }
      int len = switch (r.nextInt(5)) {
        case 0 -> 258;
        case 1 -> 3 + r.nextInt(256);
        default -> 3 + r.nextInt(12);
      };
      int maxDist = Math.min(have, 32_768);
      int dist = switch (r.nextInt(6)) {
        case 0 -> 1 + r.nextInt(Math.min(maxDist, 8));
        case 1 -> maxDist;
        case 2 -> 1 + r.nextInt(Math.min(maxDist, 64));
        default -> 1 + r.nextInt(maxDist);
      };
      out.add(DeflateWriter.match(len, dist));
      have += len;
    }
    return out;
  }

  /** The reference's checkpoint rule (FORMATS.md 1.2) applied to the writer's block starts. */
  private static List<Checkpoint> expectedCheckpoints(Stream s, long span) {
    List<Checkpoint> cps = new ArrayList<>();
    long last = 0;
    for (DeflateWriter.Boundary b : s.blocks()) {
      if (b.out() != 0 && b.out() - last <= span) {
        continue;
      }
      long bit = HEADER_BITS + b.bit();
      long in = (bit + 7) >>> 3;
      byte[] window = new byte[Checkpoint.WINDOW_SIZE];
      int n = (int) Math.min(b.out(), window.length);
      System.arraycopy(s.plain(), (int) b.out() - n, window, window.length - n, n);
      cps.add(new Checkpoint(in, b.out(), (int) (in * 8 - bit), window));
      last = b.out();
    }
    return cps;
  }

  private static byte[] zlib(byte[] deflate) throws IOException {
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(deflate);
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      byte[] buf = new byte[1 << 16];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
          throw new IOException("zlib: stream ends early");
        }
        o.write(buf, 0, n);
      }
      return o.toByteArray();
    } catch (DataFormatException e) {
      throw new IOException("zlib rejects the stream: " + e.getMessage(), e);
    } finally {
      inf.end();
    }
  }

  private static void assertBytes(String what, byte[] got, byte[] expected) {
    int at = Arrays.mismatch(got, expected);
    if (at >= 0) {
      throw new AssertionError(what + ": " + got.length + " bytes, " + expected.length
          + " expected, first difference at byte " + at);
    }
  }

  /** Hands out its bytes in random reads of 1 byte to 100 KiB, most of them short. */
  private static final class Trickle extends InputStream {
    private final byte[] b;
    private final Random r;
    private int pos;

    Trickle(byte[] b, Random r) {
      this.b = b;
      this.r = new Random(r.nextLong());
    }

    @Override
    public int read() {
      return pos < b.length ? b[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] dst, int off, int len) {
      if (pos >= b.length) {
        return -1;
      }
      int max = switch (r.nextInt(4)) {
        case 0 -> 1 + r.nextInt(16);
        case 1 -> 1 + r.nextInt(600);
        default -> 1 + r.nextInt(100_000);
      };
      int n = Math.min(Math.min(len, max), b.length - pos);
      System.arraycopy(b, pos, dst, off, n);
      pos += n;
      return n;
    }
  }
}
