package dev.soci.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.build.ConvertResult;
import dev.soci.oci.build.SociConverter;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.index.SociIndexVersion;
import dev.soci.oci.store.InMemoryStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Opening an image: manifest and SOCI index choice, whole-layer fetches, bounds, closing. */
class OpeningTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void theIndexEntryForThePlatformIsPickedAndAMissingOneListsWhatThereIs() throws Exception {
    InMemoryStore store = new InMemoryStore("mem");
    Descriptor amd = TestImages.image(store, null, List.of(new LayerTar().file("arch", "amd64").gzip()));
    Descriptor arm = TestImages.image(store, null, List.of(new LayerTar().file("arch", "arm64").gzip()));
    Descriptor index = TestImages.index(store, "multi", List.of(amd, arm), List.of(AMD64, ARM64));
    try (SociImage image = SociImage.open(store, index, Platform.parse("linux/aarch64"))) {
      assertThat(image.manifest().digest()).isEqualTo(arm.digest());
      assertThat(image.platform()).contains(ARM64);
      assertThat(new String(image.readFile("arch"), StandardCharsets.UTF_8)).isEqualTo("arm64");
      assertThat(image.hasSociIndex()).isFalse();
    }
    assertThatThrownBy(() -> SociImage.open(store, index, Platform.parse("linux/s390x")))
        .isInstanceOfSatisfying(PlatformNotFoundException.class,
            e -> assertThat(e.available()).containsExactly(AMD64, ARM64))
        .hasMessageContaining("has no manifest for linux/s390x; it has [linux/amd64, linux/arm64]");
    try (SociImage image = SociImage.open(store, amd, Platform.parse("linux/s390x"))) {
      assertThat(image.platform()).as("a manifest is taken as is").isEmpty();
      assertThat(image.manifest()).isEqualTo(amd);
    }
  }

  @Test
  void aV1IndexFromCreateServesItsLayersAndSmallLayersAreFetchedWhole() throws Exception {
    ForwardingStore store = new ForwardingStore(new InMemoryStore("mem"));
    byte[] big = random(400_000, 1);
    Descriptor m = TestImages.image(store, "t", List.of(
        new LayerTar().file("big", big, 0644, 0, 0).gzip(),
        new LayerTar().file("small", "s").gzip()));
    TestImages.index(store, m, 100_000, 1 << 16);
    store.blobOpens.clear(); // the index creator read the layers
    try (SociImage image = SociImage.open(store, m, null)) {
      assertThat(image.hasSociIndex()).isTrue();
      assertThat(image.sociIndex().orElseThrow().index().version()).isEqualTo(SociIndexVersion.V1);
      assertThat(image.layers()).extracting(ImageLayer::hasZtoc).containsExactly(true, false);
      assertThat(store.opens(image.layers().get(1).layer())).as("nothing fetched to open").isZero();
      assertThat(image.readFile("big")).isEqualTo(big);
      assertThat(new String(image.readFile("small"), StandardCharsets.UTF_8)).isEqualTo("s");
      assertThat(image.readFile("small")).hasSize(1);
      assertThat(store.opens(image.layers().get(1).layer())).as("the small layer, once").isEqualTo(1);
      assertThat(store.opens(image.layers().get(0).layer())).as("the indexed layer: ranges only")
          .isZero();
    }
  }

  @Test
  void aV2IndexIsPreferredToAV1One() throws Exception {
    InMemoryStore src = new InMemoryStore("src");
    Descriptor m = TestImages.image(src, "t", List.of(new LayerTar().file("f", "v").gzip()));
    InMemoryStore dst = new InMemoryStore("dst");
    SociOptions o = SociOptions.builder().minLayerSize(0).allPlatforms(true).build();
    ConvertResult r = new SociConverter(o, s -> { }).convert(src, m, dst, "soci");
    try (SociImage image = SociImage.open(dst, r.imageIndex(), AMD64)) {
      assertThat(image.sociIndex().orElseThrow().index().version()).isEqualTo(SociIndexVersion.V2);
      assertThat(image.layers().get(0).hasZtoc()).isTrue();
      assertThat(new String(image.readFile("f"), StandardCharsets.UTF_8)).isEqualTo("v");
      Descriptor converted = image.manifest();
      // A v1 index for the same manifest too: the v2 one still wins.
      TestImages.index(dst, converted, 0, 1 << 16);
      try (SociImage again = SociImage.open(dst, converted, null)) {
        assertThat(again.sociIndex().orElseThrow().index().version()).isEqualTo(SociIndexVersion.V2);
      }
    }
  }

  @Test
  void wholeLayerFetchesCanBeRefused() throws Exception {
    InMemoryStore store = new InMemoryStore("mem");
    Descriptor m = TestImages.image(store, "t", List.of(
        new LayerTar().file("big", random(300_000, 2), 0644, 0, 0).gzip(),
        new LayerTar().file("small", "s").gzip()));
    assertThatThrownBy(() -> SociImage.builder(store, m).fetchWholeLayers(false).open())
        .isInstanceOf(WholeLayerFetchRefusedException.class)
        .hasMessageContaining("the image has no SOCI index and whole-layer fetches are off")
        .hasMessageContaining("layer 0 (sha256:").hasMessageContaining("layer 1 (sha256:");
    TestImages.index(store, m, 100_000, 1 << 16);
    assertThatThrownBy(() -> SociImage.builder(store, m).fetchWholeLayers(false).open())
        .isInstanceOf(WholeLayerFetchRefusedException.class)
        .hasMessageContaining("no zTOC for 1 of 2 layers").hasMessageNotContaining("layer 0");
  }

  @Test
  void aLayerFetchedWholeIsReadOnceWhenItsFilesAreKeptAndAgainPerReadWhenNot() throws Exception {
    ForwardingStore store = new ForwardingStore(new InMemoryStore("mem"));
    Descriptor m = TestImages.image(store, "t", List.of(
        new LayerTar().file("a", "aaaa").file("b", "bbbb").gzip()));
    Descriptor layer = store.delegate.readManifest(m).layers().get(0);
    try (SociImage image = SociImage.builder(store, m).wholeLayerMemoryBytes(4).open()) {
      assertThat(image.readFile("a")).hasSize(4);
      assertThat(store.opens(layer)).isEqualTo(1);
      assertThat(image.readFile("a")).hasSize(4);
      assertThat(store.opens(layer)).as("a was kept").isEqualTo(1);
      try (InputStream in = image.openFile("b")) {
        assertThat(in.readAllBytes()).isEqualTo("bbbb".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(store.opens(layer)).as("b was over the bound: streamed again").isEqualTo(2);
    }
  }

  @Test
  void aStoreThatServesOtherBytesOnASecondFetchIsCaught() throws Exception {
    InMemoryStore mem = new InMemoryStore("mem");
    byte[] good = new LayerTar().file("f", "original").gzip();
    byte[] evil = new LayerTar().file("f", "replaced").gzip();
    Descriptor m = TestImages.image(mem, "t", List.of(good));
    Descriptor layer = mem.readManifest(m).layers().get(0);
    ForwardingStore swapping = new ForwardingStore(mem) {
      @Override
      public InputStream openBlob(Descriptor blob) throws IOException {
        if (blob.digest().equals(layer.digest()) && opens(blob) > 0) {
          return new ByteArrayInputStream(evil); // unverified, as a broken store would
        }
        return super.openBlob(blob);
      }
    };
    try (SociImage image = SociImage.builder(swapping, m).wholeLayerMemoryBytes(0).open()) {
      assertThat(image.list("")).hasSize(1);
      assertThatThrownBy(() -> image.readFile("f")).isInstanceOf(BlobMismatchException.class)
          .hasMessageContaining("now gives other bytes for /f");
    }
  }

  @Test
  void uncompressedLayersAreReadWithAndWithoutZtocAndZstdWithoutOneIsRefused() throws Exception {
    InMemoryStore store = new InMemoryStore("mem");
    Descriptor plain = store.putBlob(MediaTypes.OCI_LAYER_TAR, new LayerTar().file("p", "plain").tar());
    Descriptor m = TestImages.manifest(store, "t", List.of(plain));
    try (SociImage image = SociImage.open(store, m, null)) {
      assertThat(new String(image.readFile("p"), StandardCharsets.UTF_8)).isEqualTo("plain");
    }
    TestImages.indexAll(store, m);
    try (SociImage image = SociImage.open(store, m, null)) {
      assertThat(image.layers().get(0).hasZtoc()).isTrue();
      assertThat(new String(image.readFile("p"), StandardCharsets.UTF_8)).isEqualTo("plain");
    }
    Descriptor zstd = store.putBlob(MediaTypes.OCI_LAYER_TAR_ZSTD, new byte[] {40, -75, 47, -3});
    Descriptor mz = TestImages.manifest(store, "z", List.of(plain, zstd));
    assertThatThrownBy(() -> SociImage.open(store, mz, null)).isInstanceOf(ImageTreeException.class)
        .hasMessageContaining("layer 1 (").hasMessageContaining("tar+zstd");
  }

  @Test
  void theTreeIsBounded() throws Exception {
    InMemoryStore store = new InMemoryStore("mem");
    LayerTar many = new LayerTar();
    for (int i = 0; i < 50; i++) {
      many.file("f" + i, "x");
    }
    Descriptor m = TestImages.image(store, "t", List.of(many.gzip()));
    try (SociImage image = SociImage.builder(store, m).maxEntries(20).open()) {
      assertThatThrownBy(() -> image.list("")).isInstanceOf(ImageTreeException.class)
          .hasMessageContaining("more tar entries than the 20").hasMessageContaining("maxEntries");
    }
    try (SociImage image = SociImage.builder(store, m).maxEntries(50).open()) {
      assertThat(image.list("")).hasSize(50);
    }
    Descriptor deep = TestImages.image(store, "deep", List.of(new LayerTar()
        .file("a/b/c/d/e/f/g/h/i/j/k", "x").gzip()));
    try (SociImage image = SociImage.builder(store, deep).maxEntries(5).open()) {
      assertThatThrownBy(() -> image.list("")).as("implied directories count")
          .isInstanceOf(ImageTreeException.class);
    }
    TestImages.indexAll(store, m);
    assertThatThrownBy(() -> SociImage.builder(store, m).maxEntries(20).open())
        .as("zTOC entries are counted at open").isInstanceOf(ImageTreeException.class)
        .hasMessageContaining("the zTOCs list 50 entries");
    assertThatThrownBy(() -> SociImage.builder(store, m).maxZtocBytes(10).open())
        .isInstanceOf(ImageTreeException.class).hasMessageContaining("more than the bound of 10");
  }

  @Test
  void namesLongerThanAPathMayBeAreRefusedAndSoAreSuchLookups() throws Exception {
    InMemoryStore store = new InMemoryStore("mem");
    String longName = "d/".repeat(2100) + "f";
    Descriptor m = TestImages.image(store, "t", List.of(new LayerTar().file(longName, "x").gzip()));
    try (SociImage image = SociImage.open(store, m, null)) {
      assertThatThrownBy(() -> image.list("")).isInstanceOf(ImageTreeException.class)
          .hasMessageContaining("longer than 4096 bytes");
    }
    Descriptor ok = TestImages.image(store, "ok", List.of(new LayerTar().file("f", "x").gzip()));
    try (SociImage image = SociImage.open(store, ok, null)) {
      assertThatThrownBy(() -> image.resolve("x/".repeat(2049)))
          .isExactlyInstanceOf(ImagePathException.class).hasMessageContaining("more than 4096 bytes");
      assertThat(image.entry("é".repeat(2048))).isEmpty();
    }
  }

  @Test
  void aClosedImageRefusesEverything() throws Exception {
    InMemoryStore store = new InMemoryStore("mem");
    Descriptor m = TestImages.image(store, "t", List.of(new LayerTar().file("f", "x").gzip()));
    TestImages.indexAll(store, m);
    SociImage image = SociImage.open(store, m, null);
    ImageEntry f = image.resolve("f");
    assertThat(image.readFile("f")).hasSize(1);
    image.close();
    image.close();
    assertThatThrownBy(() -> image.resolve("f")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
    assertThatThrownBy(() -> image.read(f, 0, java.nio.ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSociIndexManifestIsNotAnImage() throws Exception {
    InMemoryStore store = new InMemoryStore("mem");
    Descriptor m = TestImages.image(store, "t", List.of(new LayerTar().file("f", "x").gzip()));
    TestImages.indexAll(store, m);
    Descriptor soci = store.referrers(m.digest(), null).get(0);
    assertThatThrownBy(() -> SociImage.open(store, soci, null))
        .isInstanceOf(dev.soci.oci.OciException.class)
        .hasMessageContaining("is not an image manifest or index");
    ImageManifest parsed = store.readManifest(m);
    assertThat(parsed.layers()).hasSize(1);
  }

  @Test
  @Timeout(120)
  void manyThreadsReadManyFilesOfManyLayersThroughOneSmallCache() throws Exception {
    InMemoryStore store = new InMemoryStore("mem");
    List<byte[]> layers = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    for (int l = 0; l < 4; l++) {
      LayerTar t = new LayerTar();
      for (int f = 0; f < 8; f++) {
        byte[] c = random(30_000 + f * 9_000, l * 100 + f);
        contents.add(c);
        t.file("l" + l + "/f" + f, c, 0644, 0, 0);
      }
      layers.add(t.gzip());
    }
    Descriptor m = TestImages.image(store, "t", layers);
    TestImages.index(store, m, 0, 1 << 15);
    try (SociImage image = SociImage.builder(store, m).cacheBytes(100_000).threads(3).open()) {
      ExecutorService readers = Executors.newFixedThreadPool(8);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          int seed = t;
          done.add(readers.submit(() -> {
            Random r = new Random(seed);
            for (int i = 0; i < 40; i++) {
              int k = r.nextInt(contents.size());
              assertThat(image.readFile("l" + k / 8 + "/f" + k % 8)).isEqualTo(contents.get(k));
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(100, TimeUnit.SECONDS);
        }
      } finally {
        readers.shutdownNow();
      }
    }
  }
}
