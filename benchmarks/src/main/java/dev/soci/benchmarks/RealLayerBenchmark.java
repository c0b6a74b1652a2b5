package dev.soci.benchmarks;

import dev.soci.core.internal.BenchDecoderAccess;
import dev.soci.ztoc.ZtocBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Issue 10, targets 1 and 2 on real layers ({@link RealLayers#named}) and on the synthetic one:
 * pure decoding (inflate plus the gzip CRC32 check, nothing hashed, output discarded) against the
 * JDK's {@code GZIPInputStream} (native zlib), and the complete zTOC build with and without the
 * hashing thread, all on the same in-memory bytes in one fork per layer.
 *
 * <p>Synthetic data flatters a decoder (its matches and literals are more regular than real
 * binaries), so both kinds are kept: the goal is judged on each real layer. One operation is a
 * whole layer (0.1 to 1 s), so the mode is average time and a ratio of times is the inverse ratio
 * of throughputs.
 *
 * <p>Each method also counts the CPU time of its own thread ({@link Cpu}): on a shared machine
 * the wall time of a whole-layer operation depends on what else runs, the CPU time it consumed
 * much less, so the report shows both ratios (for the build with the hashing thread only the
 * wall time means anything: the helper's work is not on the calling thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class RealLayerBenchmark {
  /** A {@link RealLayers#named} layer, or {@code synthetic} (the 100 MiB layer of {@link DecodeBenchmark}). */
  @Param({"jdk-lib-gzip6", "jdk-lib-pigz", "so-gzip6", "so-pigz", "text-gzip6", "text-pigz", "synthetic"})
  public String layer;

  private byte[] gz;

  /** Builds (or loads from the on-disk cache) the layer once per trial and checks our decoder on it. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    gz = layer.equals("synthetic") ? LayerCache.gzipLayer(100, 7) : Files.readAllBytes(RealLayers.named(layer));
    long ours = BenchDecoderAccess.inflate(new ByteArrayInputStream(gz));
    long zlib = IndexBenchmark.drainGzipInputStream(gz);
    if (ours != zlib) {
      throw new IllegalStateException(layer + ": decoder produced " + ours + " bytes, GZIPInputStream " + zlib);
    }
    System.out.printf("%n[layer %s: %,d bytes compressed, %,d uncompressed]%n", layer, gz.length, zlib);
  }

  /**
   * CPU time of the benchmark thread, as two JMH secondary results per iteration: nanoseconds
   * and operations, whose quotient is the CPU time of one operation.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** CPU nanoseconds this thread spent in the measured operations. */
    public long cpuNanos;
    /** Operations counted in {@link #cpuNanos}. */
    public long cpuOps;

    long start() {
      return THREADS.getCurrentThreadCpuTime();
    }

    void stop(long start) {
      cpuNanos += THREADS.getCurrentThreadCpuTime() - start;
      cpuOps++;
    }
  }

  /** Baseline: JDK GZIPInputStream (native zlib), 64 KiB buffers. */
  @Benchmark
  public long gzipInputStream(Cpu cpu) throws IOException {
    long t = cpu.start();
    long n = IndexBenchmark.drainGzipInputStream(gz);
    cpu.stop(t);
    return n;
  }

  /** Target 1: soci-core's inflater with the gzip CRC check, no digests. */
  @Benchmark
  public long sociDecoder(Cpu cpu) throws IOException {
    long t = cpu.start();
    long n = BenchDecoderAccess.inflate(new ByteArrayInputStream(gz));
    cpu.stop(t);
    return n;
  }

  /** Target 2: the complete zTOC build with the defaults (a hashing thread on this 2-core machine). */
  @Benchmark
  public void ztocBuild(Blackhole bh, Cpu cpu) throws IOException {
    long t = cpu.start();
    bh.consume(ZtocBuilder.create().build(new ByteArrayInputStream(gz)));
    cpu.stop(t);
  }

  /** Target 2: the complete zTOC build on the calling thread only. */
  @Benchmark
  public void ztocBuildSingleThread(Blackhole bh, Cpu cpu) throws IOException {
    long t = cpu.start();
    bh.consume(ZtocBuilder.create().parallelHashing(false).build(new ByteArrayInputStream(gz)));
    cpu.stop(t);
  }
}
