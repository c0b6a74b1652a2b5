package dev.soci.benchmarks;

import dev.soci.oci.Descriptor;
import dev.soci.oci.build.SociConverter;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.oci.registry.ImageReference;
import dev.soci.oci.registry.RegistryClient;
import dev.soci.oci.registry.RegistryStore;
import dev.soci.oci.registry.TestRegistry;
import dev.soci.oci.store.ImageGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Registry target: {@code convert} from a registry repository to another repository of the same
 * registry (the real distribution 2.8.2, on loopback) against the same convert between layout
 * directories, on a real layer ({@link RealLayers#jdkLib}). Both build the zTOC from a full
 * read of the layer; the registry side reads it over HTTP, checks what the target has and
 * mounts the layer instead of copying it, the layout side copies every blob.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ConvertBenchmark {
  private static final SociOptions OPTIONS = SociOptions.builder().threads(1).build();

  private Path work;
  private OciLayout layout;
  private TestRegistry registry;
  private RegistryClient client;
  private RegistryStore source;
  private Descriptor sourceImage;
  private int run;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    work = Files.createTempDirectory("soci-convert-bench");
    BenchImages.write(work.resolve("image"), List.of(RealLayers.jdkLib()));
    layout = OciLayout.open(work.resolve("image"));
    registry = TestRegistry.start(work.resolve("registry"));
    client = RegistryClient.builder(registry.address()).plainHttp(true).build();
    source = RegistryStore.of(client, ImageReference.parse(registry.address() + "/bench/app:1"));
    ImageGraph.copy(layout, layout.resolve(null), source, "1");
    sourceImage = source.resolve(null);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (registry != null) {
      registry.close();
    }
    delete(work);
  }

  /** Layout directory to a new layout directory. */
  @Benchmark
  public Object layoutToLayout() throws IOException {
    Path out = work.resolve("out-" + run++);
    try {
      return new SociConverter(OPTIONS, s -> { }).convert(layout, out,
          OciLayoutWriter.Format.DIRECTORY);
    } finally {
      delete(out);
    }
  }

  /** Registry repository to another repository of the same registry, under a new tag. */
  @Benchmark
  public Object registryToRegistry() throws IOException {
    RegistryStore target = RegistryStore.of(client, "bench/app-soci");
    return new SociConverter(OPTIONS, s -> { }).convert(source, sourceImage, target,
        "t" + run++);
  }

  private static void delete(Path p) throws IOException {
    if (p == null || !Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
