package dev.soci.benchmarks;

import dev.soci.core.GunzipInputStream;
import dev.soci.core.Compression;
import dev.soci.core.internal.LayerIndexer;
import dev.soci.ztoc.ZtocBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Target 1 (indexing): building a complete zTOC in one pass versus just decompressing the same
 * layer with {@link GZIPInputStream}, single-threaded, on a realistic layer of at least 200 MB
 * uncompressed. {@link #layerIndexer} isolates decode + checkpoints + the three SHA-256 digests
 * (no tar parsing, no encoding) and {@link #sociDecoder} pure decoding, so the gaps between the
 * methods show where the build's time goes.
 *
 * <p>Every method reads the same in-memory gzip bytes, so the ratio of average times is the
 * inverse ratio of throughputs. Mode is average time per whole layer because one operation is
 * long (around a second), far above timer resolution.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class IndexBenchmark {
  /** Uncompressed (tar) size in MiB; 256 MiB = 268 MB, above the target's 200 MB floor. */
  @Param({"256"})
  public int layerMiB;

  private byte[] gz;

  /** Generates (or loads from the on-disk cache) the layer once per trial. */
  @Setup(Level.Trial)
  public void setUp() {
    gz = LayerCache.gzipLayer(layerMiB, 42);
  }

  /** Baseline: the JDK's zlib-backed inflater, with buffers large enough not to handicap it. */
  @Benchmark
  public long gzipInputStream() throws IOException {
    return drainGzipInputStream(gz);
  }

  /**
   * The complete zTOC build with the defaults: inflate, checkpoints, digests (on a helper thread
   * when there is more than one processor), tar parsing, FlatBuffers encoding.
   */
  @Benchmark
  public void ztocBuild(Blackhole bh) throws IOException {
    bh.consume(ZtocBuilder.create().build(new ByteArrayInputStream(gz)));
  }

  /** The complete zTOC build on the calling thread only (digests inline). */
  @Benchmark
  public void ztocBuildSingleThread(Blackhole bh) throws IOException {
    bh.consume(ZtocBuilder.create().parallelHashing(false).build(new ByteArrayInputStream(gz)));
  }

  /** Decode + checkpoints + span/blob/diffId SHA-256 inline, uncompressed bytes discarded. */
  @Benchmark
  public void layerIndexer(Blackhole bh) throws IOException {
    bh.consume(LayerIndexer.index(new ByteArrayInputStream(gz), Compression.GZIP, ZtocBuilder.DEFAULT_SPAN_SIZE, null,
        false));
  }

  /**
   * Pure decode (inflate + CRC32) of the same layer: with {@link #layerIndexer} and {@link
   * #ztocBuild} it splits the build's time into decode, hashing, and tar parsing plus encoding,
   * all on identical input in one run.
   */
  @Benchmark
  public long sociDecoder() throws IOException {
    return drainGunzipInputStream(gz);
  }

  /**
   * Reads a gzip stream to its end through GZIPInputStream and returns the byte count (returned,
   * so JMH consumes it and the loop cannot be optimised away).
   */
  static long drainGzipInputStream(byte[] gz) throws IOException {
    // 64 KiB input buffer: the 512-byte default would make the baseline look slower than it is.
    return drain(new GZIPInputStream(new ByteArrayInputStream(gz), 1 << 16));
  }

  /**
   * The same through soci-core's public {@link GunzipInputStream} (which reads its input 64 KiB
   * at a time), with the same 64 KiB reads: both sides copy every byte into the caller's buffer.
   */
  static long drainGunzipInputStream(byte[] gz) throws IOException {
    return drain(new GunzipInputStream(new ByteArrayInputStream(gz)));
  }

  private static long drain(InputStream stream) throws IOException {
    try (InputStream in = stream) {
      byte[] buf = new byte[1 << 16];
      long total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
      }
      return total;
    }
  }
}
