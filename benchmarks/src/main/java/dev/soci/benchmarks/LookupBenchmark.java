package dev.soci.benchmarks;

import dev.soci.ztoc.BenchZtocAccess;
import dev.soci.ztoc.PathTooLongException;
import dev.soci.ztoc.SymlinkLoopException;
import dev.soci.ztoc.SyntheticZtoc;
import dev.soci.ztoc.TocEntry;
import dev.soci.ztoc.ZtocFormatException;
import dev.soci.ztoc.ZtocView;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Target 4 (open and lookup): opening a zTOC of 100 000 entries and resolving 1 000 random paths
 * should cost at most a tenth of parsing the whole zTOC into objects.
 *
 * <p>Each operation starts from the raw bytes, as a process that just fetched the zTOC would:
 * opening includes the up-front validation, and the first lookup builds the name index, so both
 * are inside the measured time. {@link #openOnly} splits the fixed cost from the per-lookup one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LookupBenchmark {
  @Param({"100000"})
  public int entries;

  @Param({"1000"})
  public int lookups;

  private byte[] ztoc;
  private String[] paths;

  /** Encodes the synthetic zTOC and picks the random paths once per trial. */
  @Setup(Level.Trial)
  public void setUp() throws ZtocFormatException {
    ztoc = SyntheticZtoc.encoded(entries, 2024);
    List<TocEntry> all = ZtocView.open(ztoc).entries();
    SplittableRandom rnd = new SplittableRandom(99);
    paths = new String[lookups];
    for (int i = 0; i < lookups; i++) {
      // Absolute paths, as a filesystem layer would ask for them; the view normalises them.
      paths[i] = "/" + all.get(rnd.nextInt(all.size())).name();
    }
    // Fail the trial loudly rather than time a lookup that silently finds nothing.
    ZtocView v = ZtocView.open(ztoc);
    for (String p : paths) {
      if (v.lookup(p).isEmpty()) {
        throw new IllegalStateException("synthetic path not found: " + p);
      }
    }
  }

  /** Open (validate) the bytes, then look up each path without following links. */
  @Benchmark
  public long openAndLookup() throws ZtocFormatException {
    ZtocView v = ZtocView.open(ztoc);
    long sum = 0;
    for (String p : paths) {
      sum += v.lookup(p).orElse(-1);
    }
    return sum;
  }

  /** Like {@link #openAndLookup} but following symbolic and hard links (what a reader does). */
  @Benchmark
  public long openAndResolve() throws ZtocFormatException, SymlinkLoopException, PathTooLongException {
    ZtocView v = ZtocView.open(ztoc);
    long sum = 0;
    for (String p : paths) {
      OptionalInt i = v.resolve(p);
      sum += i.orElse(-1);
    }
    return sum;
  }

  /** Fixed cost alone: open and validate, no lookups (hence no name index). */
  @Benchmark
  public void openOnly(Blackhole bh) throws ZtocFormatException {
    bh.consume(ZtocView.open(ztoc));
  }

  /** Baseline: the full parse into model objects (every entry, string and the zinfo copied). */
  @Benchmark
  public void fullParse(Blackhole bh) throws ZtocFormatException {
    bh.consume(BenchZtocAccess.toModel(ZtocView.open(ztoc)));
  }
}
