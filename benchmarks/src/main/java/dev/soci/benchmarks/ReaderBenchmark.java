package dev.soci.benchmarks;

import dev.soci.core.RangeSource;
import dev.soci.core.internal.EmptyBlockPrefix;
import dev.soci.core.internal.Checkpoint;
import dev.soci.ztoc.BenchZtocAccess;
import dev.soci.ztoc.LayerReader;
import dev.soci.ztoc.ZtocBuilder;
import dev.soci.ztoc.ZtocView;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Targets 2 and 3 (random access through {@link LayerReader}) on a realistic generated gzip layer
 * with 4 MiB spans.
 *
 * <p><b>Cold extraction</b>: {@link #coldRead4k} reads 4 KiB from a span that is not cached (a
 * reader with {@code cacheBytes(0)} keeps only the last span, and consecutive reads always hit a
 * different span), so each operation fetches the span, checks its SHA-256, inflates it whole and
 * copies 4 KiB out. {@link #coldZlibBaseline} is the floor that target is judged against: a
 * reused plain {@link Inflater} decoding the same span's compressed bytes from its checkpoint
 * (window as dictionary, the same empty-block prefix for a mid-byte start) into a reused buffer,
 * with no hashing, no allocation and no copy. Both walk the same random sequence of spans, never
 * span 0 (whose checkpoint is trivially byte-aligned and window-less).
 *
 * <p><b>Warm reads</b>: {@link #warmRead} reads sequentially through a 32 MiB region whose spans
 * are all cached, at 4 KiB, 64 KiB and 1 MiB per call (1 MiB reads regularly cross span
 * boundaries); {@link #warmMemcpy} copies the same sizes from a plain array, the ceiling.
 * {@link #warmRead4kTwoThreads} has two threads share one reader, to show lock contention.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ReaderBenchmark {
  /** Spans of the layer used for warm reads: 1..8, so 32 MiB at 4 MiB spans. */
  static final int WARM_FIRST = 1;
  static final int WARM_LAST = 8;

  /** The layer, its zTOC and a reader whose cache holds the warm region; shared by all threads. */
  @State(Scope.Benchmark)
  public static class Layer {
    /** Uncompressed size in MiB: 100 MiB gives 25 spans of 4 MiB (the DecodeBenchmark layer). */
    @Param({"100"})
    public int layerMiB;

    byte[] gz;
    ZtocView ztoc;
    List<Checkpoint> checkpoints;
    /** Random spans for cold reads: never span 0, never the same span twice in a row. */
    int[] coldSpans;
    /** For each entry of {@link #coldSpans}, the offset of the 4 KiB read inside that span. */
    long[] coldOffsets;
    LayerReader warm;
    long regionStart;
    /** The uncompressed bytes of the warm region, from GZIPInputStream: the expected answer. */
    byte[] region;

    /** Loads the layer, builds its zTOC, and checks both sides against GZIPInputStream. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
      gz = LayerCache.gzipLayer(layerMiB, 7);
      ztoc = ZtocView.open(ZtocBuilder.create().build(new ByteArrayInputStream(gz)).bytes());
      checkpoints = BenchZtocAccess.checkpoints(ztoc);
      if (ztoc.spanCount() <= WARM_LAST + 1) {
        throw new IllegalStateException("layer too small: " + ztoc.spanCount() + " spans");
      }
      SplittableRandom rnd = new SplittableRandom(2024);
      coldSpans = new int[4096];
      coldOffsets = new long[coldSpans.length];
      int usable = ztoc.spanCount() - 2; // spans 1 .. count-2: the last may be tiny or empty
      for (int i = 0; i < coldSpans.length; i++) {
        int s;
        do {
          s = 1 + rnd.nextInt(usable);
        } while (i > 0 && s == coldSpans[i - 1]);
        coldSpans[i] = s;
        long u0 = ztoc.spanUncompressedStart(s);
        long u1 = ztoc.spanUncompressedEnd(s);
        coldOffsets[i] = u0 + rnd.nextLong(u1 - u0 - 4096);
      }

      regionStart = ztoc.spanUncompressedStart(WARM_FIRST);
      long regionEnd = ztoc.spanUncompressedEnd(WARM_LAST);
      region = new byte[(int) (regionEnd - regionStart)];
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 1 << 16)) {
        in.skipNBytes(regionStart);
        in.readNBytes(region, 0, region.length);
      }
      // Time nothing that is wrong: the cached reader must return exactly these bytes.
      warm = LayerReader.builder(ztoc, RangeSource.of(gz)).cacheBytes(256L << 20).build();
      byte[] got = new byte[region.length];
      if (warm.read(regionStart, got, 0, got.length) != got.length || !Arrays.equals(got, region)) {
        throw new IllegalStateException("LayerReader returned wrong bytes for the warm region");
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      warm.close();
    }
  }

  /** Per-thread cold state: an uncaching reader, and the baseline's reusable inflater. */
  @State(Scope.Thread)
  public static class Cold {
    LayerReader reader;
    final byte[] dst = new byte[4096];
    int next;
    Inflater inflater;
    byte[] out;

    @Setup(Level.Trial)
    public void setUp(Layer l) throws IOException {
      reader = LayerReader.builder(l.ztoc, RangeSource.of(l.gz)).cacheBytes(0).build();
      inflater = new Inflater(true);
      out = new byte[(int) l.ztoc.spanSize() * 2];
      // The baseline must decode what the reader returns, or its time means nothing.
      for (int k = 0; k < 3; k++) {
        int s = l.coldSpans[k];
        int n = inflateSpan(l, s, this);
        long u0 = l.ztoc.spanUncompressedStart(s);
        if (n != l.ztoc.spanUncompressedEnd(s) - u0
            || !Arrays.equals(out, 0, 4096, read(reader, u0), 0, 4096)) {
          throw new IllegalStateException("baseline decoded span " + s + " differently");
        }
      }
    }

    private static byte[] read(LayerReader r, long at) throws IOException {
      byte[] b = new byte[4096];
      r.read(at, b, 0, b.length);
      return b;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      inflater.end();
      reader.close();
    }
  }

  /** Per-thread warm state: a sequential cursor over the warm region. */
  @State(Scope.Thread)
  public static class Warm {
    @Param({"4096", "65536", "1048576"})
    public int readBytes;

    byte[] dst;
    long pos;

    @Setup(Level.Trial)
    public void setUp() {
      dst = new byte[readBytes];
    }
  }

  /** Target 2, ours: 4 KiB from an uncached span, digest verification included. */
  @Benchmark
  public int coldRead4k(Layer l, Cold c) throws IOException {
    int i = c.next++ & (l.coldSpans.length - 1);
    return c.reader.read(l.coldOffsets[i], c.dst, 0, c.dst.length);
  }

  /** Target 2, baseline: zlib inflating the same span from its checkpoint, nothing else. */
  @Benchmark
  public int coldZlibBaseline(Layer l, Cold c) throws IOException {
    int i = c.next++ & (l.coldSpans.length - 1);
    return inflateSpan(l, l.coldSpans[i], c);
  }

  /** Target 3, ours: a sequential read of {@code readBytes} from cached spans. */
  @Benchmark
  public int warmRead(Layer l, Warm w) throws IOException {
    int n = l.warm.read(l.regionStart + w.pos, w.dst, 0, w.readBytes);
    w.pos = advance(w.pos, w.readBytes, l.region.length);
    return n;
  }

  /** Target 3, ceiling: copying the same sizes out of one plain array. */
  @Benchmark
  public int warmMemcpy(Layer l, Warm w) {
    System.arraycopy(l.region, (int) w.pos, w.dst, 0, w.readBytes);
    w.pos = advance(w.pos, w.readBytes, l.region.length);
    return w.dst[0];
  }

  /** Target 3, information: two threads reading through one shared reader (contention). */
  @Benchmark
  @Threads(2)
  public int warmRead4kTwoThreads(Layer l, Cold c) throws IOException {
    // Cold's dst is a per-thread 4 KiB buffer; its cursor walks the warm region.
    long at = ((long) c.next++ * 4096) % (l.region.length - 4096);
    return l.warm.read(l.regionStart + at, c.dst, 0, 4096);
  }

  private static long advance(long pos, int step, int size) {
    long p = pos + step;
    return p + step > size ? 0 : p;
  }

  /** Inflates span {@code s} whole into {@code c.out} and returns how many bytes that gave. */
  static int inflateSpan(Layer l, int s, Cold c) throws IOException {
    Checkpoint cp = l.checkpoints.get(s);
    int from = (int) l.ztoc.spanCompressedStart(s);
    int to = (int) l.ztoc.spanCompressedEnd(s);
    int want = (int) (l.ztoc.spanUncompressedEnd(s) - l.ztoc.spanUncompressedStart(s));
    Inflater inf = c.inflater;
    inf.reset();
    boolean inPrefix = cp.bits() != 0;
    if (inPrefix) {
      inf.setInput(EmptyBlockPrefix.forBits(cp.bits(), l.gz[from]));
      from++;
    } else {
      inf.setInput(l.gz, from, to - from);
    }
    inf.setDictionary(cp.window());
    int got = 0;
    try {
      while (got < want) {
        int n = inf.inflate(c.out, got, want - got);
        got += n;
        if (n == 0) {
          if (inPrefix && inf.needsInput()) {
            inPrefix = false;
            inf.setInput(l.gz, from, to - from);
          } else if (inf.finished() || inf.needsInput()) {
            break;
          }
        }
      }
    } catch (DataFormatException e) {
      throw new IOException(e);
    }
    return got;
  }
}
