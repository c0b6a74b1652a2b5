package dev.soci.oci.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.testing.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ParallelBuildTest {
  @TempDir Path tmp;

  @Test
  @Timeout(60)
  void layersAreIndexedConcurrentlyAndInLayerOrder() throws Exception {
    // Each build waits until a second one has started: with one thread this would time out.
    CountDownLatch bothStarted = new CountDownLatch(2);
    List<String> started = Collections.synchronizedList(new ArrayList<>());
    ZtocFactory overlapping = (req, in) -> {
      started.add(req.layer().digest().toString());
      bothStarted.countDown();
      try {
        if (!bothStarted.await(20, TimeUnit.SECONDS)) {
          throw new IOException("builds did not overlap");
        }
      } catch (InterruptedException e) {
        throw new java.io.InterruptedIOException();
      }
      return ZtocFactory.standard().build(req, in);
    };
    SociOptions options = SociOptions.builder().spanSize(1 << 20).minLayerSize(0).threads(2)
        .buildToolIdentifier("AWS SOCI CLI v0.2").build();
    Path out = tmp.resolve("out");
    try (OciLayout in = OciLayout.open(Vectors.layout())) {
      new SociConverter(overlapping, options, s -> { }).convert(in, out, OciLayoutWriter.Format.DIRECTORY);
    }
    assertThat(started).hasSize(4);
    // Whatever order the threads ran in, the zTOCs are the reference's, in the reference's order.
    dev.soci.oci.ImageManifest reference = dev.soci.oci.ImageManifest.parse(Files.readAllBytes(
        Vectors.expected("create-amd64-span1m-min0").resolve("soci-index-v1.json")));
    try (OciLayout result = OciLayout.open(out)) {
      dev.soci.oci.ImageIndex image = result.readImageIndex(result.image());
      dev.soci.oci.Descriptor soci = image.manifests().get(image.manifests().size() - 1);
      dev.soci.oci.ImageManifest index = result.readManifest(soci);
      assertThat(index.layers()).extracting(d -> d.digest())
          .containsExactlyElementsOf(reference.layers().stream().map(d -> d.digest()).toList());
    }
  }

  @Test
  void aLayerSharedByTwoManifestsIsBuiltOnce() throws Exception {
    AtomicInteger builds = new AtomicInteger();
    ZtocFactory counting = (req, in) -> {
      builds.incrementAndGet();
      return ZtocFactory.standard().build(req, in);
    };
    SociOptions options = SociOptions.builder().spanSize(1 << 20).minLayerSize(0)
        .allPlatforms(true).buildToolIdentifier("AWS SOCI CLI v0.2").build();
    try (OciLayout in = OciLayout.open(Vectors.layout())) {
      new SociConverter(counting, options, s -> { }).convert(in, tmp.resolve("out"), OciLayoutWriter.Format.DIRECTORY);
    }
    // amd64 has go-pax, pystd-named, tiny, small-plain; arm64 has go-pax and tiny again.
    assertThat(builds).hasValue(4);
  }

  @Test
  void aFailedBuildFailsTheWholeConversionAndLeavesNothing() throws Exception {
    ZtocFactory failing = (req, in) -> {
      if (req.layer().size() < 5000) {
        throw new dev.soci.core.SociException("boom on " + req.layer().digest());
      }
      return ZtocFactory.standard().build(req, in);
    };
    SociOptions options = SociOptions.builder().minLayerSize(0).threads(3).build();
    Path out = tmp.resolve("out");
    try (OciLayout in = OciLayout.open(Vectors.layout())) {
      assertThatThrownBy(() -> new SociConverter(failing, options, s -> { })
          .convert(in, out, OciLayoutWriter.Format.DIRECTORY))
          .hasMessageContaining("boom");
    }
    assertThat(out).doesNotExist();
    try (var files = Files.list(tmp)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void threadsMustBePositive() {
    assertThatThrownBy(() -> SociOptions.builder().threads(0).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
