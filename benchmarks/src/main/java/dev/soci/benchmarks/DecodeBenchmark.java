package dev.soci.benchmarks;

import dev.soci.core.internal.BenchDecoderAccess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
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

/**
 * The "decoder vs GZIPInputStream" figure: soci-core's pure-Java inflater alone (gzip
 * framing and CRC32 checked, nothing hashed, output discarded) against the JDK's native zlib
 * inflater, on a ~100 MB layer. Both do the same work, so this is the decoder's raw speed; the
 * indexing target in {@link IndexBenchmark} then adds hashing and tar parsing on top.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DecodeBenchmark {
  /** Uncompressed size in MiB (100 MiB, about 105 MB). */
  @Param({"100"})
  public int layerMiB;

  private byte[] gz;

  /** Generates (or loads from the on-disk cache) the layer once per trial. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    gz = LayerCache.gzipLayer(layerMiB, 7);
    // Time nothing that is wrong: the decoder must produce every byte the trailer promises.
    long got = BenchDecoderAccess.inflate(new ByteArrayInputStream(gz));
    if (got != LayerCache.uncompressedSize(gz)) {
      throw new IllegalStateException("decoder produced " + got + " bytes, expected " + LayerCache.uncompressedSize(gz));
    }
  }

  /** Baseline: JDK GZIPInputStream (native zlib), 64 KiB buffers. */
  @Benchmark
  public long gzipInputStream() throws IOException {
    return IndexBenchmark.drainGzipInputStream(gz);
  }

  /** soci-core's DeflateDecoder with the gzip CRC check, no digests. */
  @Benchmark
  public long sociDecoder() throws IOException {
    return BenchDecoderAccess.inflate(new ByteArrayInputStream(gz));
  }
}
