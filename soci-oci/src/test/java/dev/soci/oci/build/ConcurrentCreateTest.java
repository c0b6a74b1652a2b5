package dev.soci.oci.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.OciLayout;
import dev.soci.testing.Vectors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two creates on one layout, both started from the same index.json: both indexes survive. */
class ConcurrentCreateTest {
  @TempDir Path tmp;

  @Test
  void concurrentCreatesKeepEveryIndex() throws Exception {
    Path dir = tmp.resolve("layout");
    ConvertVectorsTest.copyTree(Vectors.layout(), dir);
    List<String> platforms = List.of("linux/amd64", "linux/arm64");
    CountDownLatch opened = new CountDownLatch(platforms.size());
    ExecutorService pool = Executors.newFixedThreadPool(platforms.size());
    try {
      List<Future<Descriptor>> results = new ArrayList<>();
      for (String p : platforms) {
        results.add(pool.submit(() -> {
          try (OciLayout layout = OciLayout.open(dir)) {
            // Both have read index.json before either commits: the lost-update schedule.
            opened.countDown();
            assertThat(opened.await(30, TimeUnit.SECONDS)).isTrue();
            return new SociIndexCreator(SociOptions.builder().minLayerSize(0)
                .platforms(List.of(Platform.parse(p))).build(), s -> { }).create(layout).get(0);
          }
        }));
      }
      List<Descriptor> created = new ArrayList<>();
      for (Future<Descriptor> f : results) {
        created.add(f.get(60, TimeUnit.SECONDS));
      }
      try (OciLayout layout = OciLayout.open(dir)) {
        assertThat(layout.index().manifests()).extracting(Descriptor::digest)
            .containsAll(created.stream().map(Descriptor::digest).toList())
            .hasSize(3); // the image and both SOCI indexes
        assertThat(FoundSociIndex.findAll(layout)).hasSize(2);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
