package dev.soci.benchmarks;

import dev.soci.ztoc.BuiltZtoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Target 6 (scaling): indexing every layer of a multi-layer image on a pool of N threads, one
 * layer per task, as an indexer of a whole image would. One operation is the whole image, so the
 * speedup is time(1 thread) / time(N threads).
 *
 * <p>The same image decoded with GZIPInputStream on the same pool is the reference for what the
 * machine itself allows: on a shared or throttled host neither can scale to the core count, and
 * comparing against it separates "our code does not scale" (shared state, allocation pressure,
 * GC) from "the cores were busy".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ScalingBenchmark {
  @Param({"1", "2"})
  public int threads;

  @Param({"4"})
  public int layers;

  /** Uncompressed size of each layer in MiB. */
  @Param({"50"})
  public int layerMiB;

  private byte[][] image;
  private ExecutorService pool;

  /** Loads the layers (distinct content per layer) and starts the pool once per trial. */
  @Setup(Level.Trial)
  public void setUp() {
    image = new byte[layers][];
    for (int i = 0; i < layers; i++) {
      image[i] = LayerCache.gzipLayer(layerMiB, 100 + i);
    }
    pool = Executors.newFixedThreadPool(threads);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdownNow();
  }

  /** Builds the complete zTOC of every layer, {@link #threads} layers at a time. */
  @Benchmark
  public void ztocBuild(Blackhole bh) throws Exception {
    List<Future<BuiltZtoc>> done = new ArrayList<>(layers);
    for (byte[] gz : image) {
      // Hashing inline: each layer is one thread's work, so the pool size alone sets the
      // parallelism (with a hashing thread per build, one layer would already use two cores).
      done.add(pool.submit(() -> ZtocBuilder.create().parallelHashing(false).build(new ByteArrayInputStream(gz))));
    }
    for (Future<BuiltZtoc> f : done) {
      bh.consume(f.get());
    }
  }

  /** Reference: decode every layer with GZIPInputStream on the same pool. */
  @Benchmark
  public void gzipInputStream(Blackhole bh) throws Exception {
    List<Future<Long>> done = new ArrayList<>(layers);
    for (byte[] gz : image) {
      done.add(pool.submit(() -> IndexBenchmark.drainGzipInputStream(gz)));
    }
    for (Future<Long> f : done) {
      bh.consume(f.get().longValue());
    }
  }
}
