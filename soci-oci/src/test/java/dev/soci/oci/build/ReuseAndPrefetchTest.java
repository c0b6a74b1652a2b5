package dev.soci.oci.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.LayoutException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.oci.index.PrefetchArtifact;
import dev.soci.oci.index.SociIndex;
import dev.soci.oci.index.SociIndexVersion;
import dev.soci.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReuseAndPrefetchTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");

  @TempDir Path tmp;
  private Path layoutDir;
  private final AtomicInteger builds = new AtomicInteger();
  private final List<String> log = new ArrayList<>();

  /** The real factory, counting its calls. */
  private final ZtocFactory counting = (req, in) -> {
    builds.incrementAndGet();
    return ZtocFactory.standard().build(req, in);
  };

  @BeforeEach
  void copyLayout() throws Exception {
    layoutDir = tmp.resolve("layout");
    ConvertVectorsTest.copyTree(Vectors.layout(), layoutDir);
  }

  private SociOptions.Builder options() {
    return SociOptions.builder().spanSize(1 << 20).minLayerSize(0)
        .platforms(List.of(AMD64));
  }

  private List<Descriptor> create(SociOptions options) throws Exception {
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      return new SociIndexCreator(counting, options, log::add).create(layout);
    }
  }

  @Test
  void createReusesZtocsOfTheLayoutsIndexes() throws Exception {
    List<Descriptor> first = create(options().build());
    assertThat(first).hasSize(1);
    assertThat(builds).hasValue(4); // the amd64 manifest has 4 layers

    List<Descriptor> second = create(options().build());
    assertThat(builds).as("nothing rebuilt").hasValue(4);
    assertThat(second).isEqualTo(first);
    assertThat(log).filteredOn(s -> s.contains("reusing zTOC")).hasSize(4);
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      assertThat(layout.index().manifests()).hasSize(2); // image + one SOCI index, not two
    }

    create(options().force(true).build());
    assertThat(builds).as("force rebuilds").hasValue(8);

    create(options().spanSize(2 << 20).build());
    assertThat(builds).as("another span size is another zTOC").hasValue(12);
  }

  @Test
  void reusedZtocsCarryTheXattrOptimisation() throws Exception {
    List<Descriptor> plain = create(options().optimizeXattrs(true).build());
    create(options().buildToolIdentifier("other").optimizeXattrs(true).build());
    assertThat(builds).hasValue(4);
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      SociIndex a = SociIndex.fromManifest(layout.readManifest(plain.get(0)));
      List<FoundSociIndex> all = FoundSociIndex.findAll(layout);
      assertThat(all).hasSize(2);
      SociIndex b = all.get(1).index();
      assertThat(b.ztocs()).isEqualTo(a.ztocs());
      // go-pax has xattrs and an opaque whiteout; the others have neither
      assertThat(a.ztocs()).extracting(
          d -> d.annotations().containsKey(MediaTypes.ANNOTATION_DISABLE_XATTRS))
          .containsExactly(false, true, true, true);
    }
  }

  @Test
  void anUnusableExistingZtocIsRebuilt() throws Exception {
    List<Descriptor> first = create(options().build());
    Descriptor victim;
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      victim = layout.readManifest(first.get(0)).layers().get(3);
    }
    Path blob = layoutDir.resolve("blobs/sha256").resolve(victim.digest().hex());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 1;
    Files.write(blob, bytes);

    List<Descriptor> second = create(options().build());
    assertThat(builds).hasValue(5);
    assertThat(second).isEqualTo(first);
    assertThat(log).anyMatch(s -> s.contains(victim.digest() + " is unusable"));
  }

  @Test
  void convertReusesZtocsOfAConvertedInput() throws Exception {
    Path once = tmp.resolve("once");
    Path twice = tmp.resolve("twice");
    ConvertResult r1;
    ConvertResult r2;
    try (OciLayout in = OciLayout.open(layoutDir)) {
      r1 = new SociConverter(counting, options().build(), log::add)
          .convert(in, once, OciLayoutWriter.Format.DIRECTORY);
    }
    assertThat(builds).hasValue(4);
    try (OciLayout in = OciLayout.open(once)) {
      r2 = new SociConverter(counting, options().build(), log::add)
          .convert(in, twice, OciLayoutWriter.Format.DIRECTORY);
    }
    assertThat(builds).hasValue(4);
    assertThat(r2.sociIndexes()).extracting(Descriptor::digest)
        .isEqualTo(r1.sociIndexes().stream().map(Descriptor::digest).toList());
  }

  @Test
  void prefetchArtifactsForLayersHoldingThePaths() throws Exception {
    List<Descriptor> idx = create(options().prefetchPaths(List.of(
        "/app/greeting", "app/conf/app.properties", "usr/share/doc/file-17.txt", "no/such"))
        .build());
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      ImageManifest m = layout.readManifest(idx.get(0));
      SociIndex index = SociIndex.fromManifest(m);
      ImageManifest image = layout.readManifest(m.subject());
      // layers: go-pax (file-17), pystd (nothing), tiny and small-plain (app/...)
      assertThat(index.prefetches()).extracting(
          d -> d.annotations().get(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST))
          .containsExactly(image.layers().get(0).digest().toString(),
              image.layers().get(2).digest().toString(),
              image.layers().get(3).digest().toString());
      assertThat(m.layers().subList(0, 4)).allMatch(d -> d.mediaType().equals(MediaTypes.ZTOC));
      for (Descriptor p : index.prefetches()) {
        assertThat(p.mediaType()).isEqualTo(MediaTypes.SOCI_PREFETCH);
        assertThat(layout.hasBlob(p.digest())).isTrue();
      }
      // file-17: 4383878 bytes at an offset in span 4 of 1 MiB spans (reference info view)
      PrefetchArtifact goPax = PrefetchArtifact.parse(layout.readBlob(index.prefetches().get(0)));
      assertThat(goPax.spans()).hasSize(1);
      assertThat(goPax.spans().get(0).endSpan() - goPax.spans().get(0).startSpan())
          .isGreaterThanOrEqualTo(3);
      // greeting -> hello.txt and app.properties both sit in the single span of "tiny"
      assertThat(new String(layout.readBlob(index.prefetches().get(1)), StandardCharsets.UTF_8))
          .isEqualTo("{\"version\":\"1.0\",\"prefetch_spans\":[{\"start_span\":0,\"end_span\":0}]}");
    }
    assertThat(log).anyMatch(s -> s.equals(
        "prefetch path no/such matched no file in the indexed layers"));
  }

  @Test
  void noPrefetchArtifactWhenNothingMatches() throws Exception {
    List<Descriptor> idx = create(options().prefetchPaths(List.of("nothing/here")).build());
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      assertThat(SociIndex.fromManifest(layout.readManifest(idx.get(0))).prefetches()).isEmpty();
    }
  }

  @Test
  void createWholeLayoutChoosesPlatforms() throws Exception {
    List<Descriptor> all = create(options().allPlatforms(true).build());
    assertThat(all).hasSize(2);
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      List<FoundSociIndex> found = FoundSociIndex.findAll(layout);
      assertThat(found).extracting(f -> f.platform().toString())
          .containsExactly("linux/amd64", "linux/arm64");
      assertThat(found).allMatch(f -> f.index().version() == SociIndexVersion.V1);
      assertThat(found.get(0).imageManifest()).isEqualTo(found.get(0).index().subject().digest());
    }
    assertThatThrownBy(() -> create(options().platforms(List.of(Platform.parse("linux/s390x")))
        .build())).isInstanceOf(LayoutException.class).hasMessageContaining("linux/s390x");
  }

  @Test
  void failedCreateLeavesTheLayoutAsItWas() throws Exception {
    List<Path> before = Vectors.files(layoutDir);
    byte[] indexJson = Files.readAllBytes(layoutDir.resolve("index.json"));
    // Every layer of both manifests is attempted (the arm64 ones are shared with amd64, so
    // built once); the uncompressed one fails after the others may already have been built.
    ZtocFactory failsLate = (req, in) -> {
      builds.incrementAndGet();
      if (req.compression() == dev.soci.oci.LayerCompression.UNCOMPRESSED) {
        throw new dev.soci.core.SociException("boom");
      }
      return ZtocFactory.standard().build(req, in);
    };
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      assertThatThrownBy(() -> new SociIndexCreator(failsLate, options().allPlatforms(true)
          .build(), log::add).create(layout))
          .isInstanceOf(LayerIndexingException.class).hasMessageEndingWith(": boom");
    }
    assertThat(builds).hasValue(4);
    assertThat(Vectors.files(layoutDir)).isEqualTo(before);
    assertThat(Files.readAllBytes(layoutDir.resolve("index.json"))).isEqualTo(indexJson);
  }
}
