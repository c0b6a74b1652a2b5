package dev.soci.oci.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.Platform;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.index.SociIndexVersion;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.ImageGraph;
import dev.soci.oci.store.InMemoryStore;
import dev.soci.testing.Vectors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Create and convert on a store that is not a layout (memory), checked against the reference
 * vectors: the same bytes as the layout flows, published in a safe order.
 */
class StoreFlowsTest {
  static final SociOptions CONVERT_ALL = SociOptions.builder().buildToolIdentifier(ConvertVectorsTest.REF)
      .spanSize(1 << 20).minLayerSize(0).allPlatforms(true).build();
  static final SociOptions CREATE_AMD64 = SociOptions.builder()
      .buildToolIdentifier(ConvertVectorsTest.REF).spanSize(1 << 20).minLayerSize(0)
      .platforms(List.of(Platform.parse("linux/amd64"))).build();

  /** The vector layout's image copied into memory under the tag "app". */
  static InMemoryStore vectorImageInMemory() throws IOException {
    InMemoryStore mem = new InMemoryStore("memory");
    try (OciLayout layout = OciLayout.open(Vectors.layout())) {
      ImageGraph.copy(layout, layout.image(), mem, "app");
    }
    return mem;
  }

  static Digest expectedImageIndex(String vector) throws IOException {
    return ImageIndex.parse(Vectors.read(Vectors.expected(vector).resolve("index.json")))
        .manifests().get(0).digest();
  }

  @Test
  void convertBetweenMemoryStoresGivesTheReferenceBytes() throws Exception {
    InMemoryStore src = vectorImageInMemory();
    InMemoryStore dst = new InMemoryStore("target");
    ConvertResult r = new SociConverter(CONVERT_ALL, s -> { })
        .convert(src, src.resolve("app"), dst, "app-soci");
    Path expected = Vectors.expected("convert-all-span1m-min0");
    assertThat(r.imageIndex().digest()).isEqualTo(expectedImageIndex("convert-all-span1m-min0"));
    assertThat(dst.tags()).containsOnlyKeys("app-soci");
    assertThat(dst.resolve("app-soci").digest()).isEqualTo(r.imageIndex().digest());
    for (Path p : Vectors.files(expected.resolve("blobs"))) {
      Descriptor d = Descriptor.of("application/octet-stream",
          Digest.parse("sha256:" + p.getFileName()), Vectors.read(p).length);
      assertThat(dst.readBlob(d)).as("blob %s", p.getFileName()).isEqualTo(Vectors.read(p));
    }
    // The converted image is complete: every blob of its graph is in the target.
    ImageGraph g = ImageGraph.walk(dst, dst.resolve("app-soci"));
    for (Descriptor b : g.blobs()) {
      assertThat(dst.exists(b)).as("blob %s", b.digest()).isTrue();
    }
  }

  @Test
  void createInMemoryGivesTheReferenceIndexAndListsItAsAReferrer() throws Exception {
    InMemoryStore mem = vectorImageInMemory();
    Descriptor image = mem.resolve("app");
    int before = mem.blobCount();
    List<Descriptor> made = new SociIndexCreator(CREATE_AMD64, s -> { }).create(mem, image);
    byte[] expected = Vectors.read(Vectors.expected("create-amd64-span1m-min0")
        .resolve("soci-index-v1.json"));
    assertThat(made).hasSize(1);
    assertThat(made.get(0).digest()).isEqualTo(Digest.of(expected));
    assertThat(made.get(0).artifactType()).isEqualTo(SociIndexVersion.V1.artifactType());
    assertThat(mem.blobCount()).isGreaterThan(before);
    List<FoundSociIndex> found = FoundSociIndex.find(mem, image);
    assertThat(found).extracting(f -> f.descriptor().digest()).containsExactly(Digest.of(expected));
    assertThat(found.get(0).platform()).isEqualTo(Platform.parse("linux/amd64"));
    assertThat(mem.tags()).as("create adds no tag").containsOnlyKeys("app");

    // Again: every zTOC is reused (found through the referrers), same index.
    List<String> log = new ArrayList<>();
    List<Descriptor> again = new SociIndexCreator(CREATE_AMD64, log::add).create(mem, image);
    assertThat(again).isEqualTo(made);
    assertThat(log).anyMatch(l -> l.contains("reusing zTOC"));
  }

  @Test
  void aBadReferrerIsPassedOverNotFatal() throws Exception {
    InMemoryStore mem = vectorImageInMemory();
    Descriptor image = mem.resolve("app");
    List<Descriptor> made = new SociIndexCreator(CREATE_AMD64, s -> { }).create(mem, image);
    // Anyone who can push can add a referrer: one whose artifactType claims a SOCI index but
    // whose config says otherwise (not a SOCI index when read).
    Descriptor manifest = mem.readImageIndex(image).manifests().stream()
        .filter(m -> m.platform() != null && m.platform().matches(Platform.parse("linux/amd64")))
        .findFirst().orElseThrow();
    Descriptor config = mem.putBlob(dev.soci.oci.MediaTypes.OCI_EMPTY, "{}".getBytes());
    Descriptor junkLayer = mem.putBlob(dev.soci.oci.MediaTypes.ZTOC, "junk".getBytes());
    byte[] junk = new dev.soci.oci.ImageManifest(2, dev.soci.oci.MediaTypes.OCI_MANIFEST,
        SociIndexVersion.V1.artifactType(), config, List.of(junkLayer), manifest.withoutExtras(),
        java.util.Map.of()).toJson();
    Descriptor jd = Descriptor.forContent(dev.soci.oci.MediaTypes.OCI_MANIFEST, junk);
    mem.putReferrer(jd, junk);
    assertThat(mem.referrers(manifest.digest(), SociIndexVersion.V1.artifactType())).hasSize(2);

    List<String> log = new ArrayList<>();
    List<FoundSociIndex> found = FoundSociIndex.find(mem, image, log::add);
    assertThat(found).extracting(f -> f.descriptor().digest())
        .containsExactly(made.get(0).digest());
    assertThat(log).singleElement().asString().contains(jd.digest().toString())
        .contains("passed over");
  }

  @Test
  void aConvertThatFailsPartWayLeavesNoTag() throws Exception {
    InMemoryStore src = vectorImageInMemory();
    InMemoryStore dst = new InMemoryStore("target");
    FailingStore failing = new FailingStore(dst, 3);
    assertThatThrownBy(() -> new SociConverter(CONVERT_ALL, s -> { })
        .convert(src, src.resolve("app"), failing, "app-soci"))
        .isInstanceOf(IOException.class).hasMessageContaining("injected");
    assertThat(dst.tags()).isEmpty();
  }

  @Test
  void aCreateThatFailsBeforePublishingListsNoReferrer() throws Exception {
    InMemoryStore mem = vectorImageInMemory();
    Descriptor image = mem.resolve("app");
    ZtocFactory broken = (req, in) -> {
      throw new IOException("injected build failure");
    };
    assertThatThrownBy(() -> new SociIndexCreator(broken, CREATE_AMD64, s -> { })
        .create(mem, image)).hasMessageContaining("injected");
    Descriptor manifest = mem.readImageIndex(image).manifests().get(0);
    assertThat(mem.referrers(manifest.digest(), null)).isEmpty();
  }

  /** Delegates to a store, failing the {@code failAt}-th manifest put. */
  private static final class FailingStore implements ContentStore {
    private final ContentStore delegate;
    private final int failAt;
    private final AtomicInteger puts = new AtomicInteger();

    FailingStore(ContentStore delegate, int failAt) {
      this.delegate = delegate;
      this.failAt = failAt;
    }

    @Override
    public String name() {
      return "failing " + delegate.name();
    }

    @Override
    public Descriptor resolve(String reference) throws IOException {
      return delegate.resolve(reference);
    }

    @Override
    public boolean exists(Descriptor blob) throws IOException {
      return delegate.exists(blob);
    }

    @Override
    public InputStream openBlob(Descriptor blob) throws IOException {
      return delegate.openBlob(blob);
    }

    @Override
    public dev.soci.core.RangeSource openRanges(Descriptor blob) throws IOException {
      return delegate.openRanges(blob);
    }

    @Override
    public void putBlob(Descriptor expected, InputStream content) throws IOException {
      delegate.putBlob(expected, content);
    }

    @Override
    public void putManifest(Descriptor descriptor, byte[] bytes, String tag) throws IOException {
      if (puts.incrementAndGet() == failAt) {
        throw new IOException("injected failure of manifest put " + failAt);
      }
      delegate.putManifest(descriptor, bytes, tag);
    }

    @Override
    public List<Descriptor> referrers(Digest subject, String artifactType) throws IOException {
      return delegate.referrers(subject, artifactType);
    }

    @Override
    public Descriptor putReferrer(Descriptor descriptor, byte[] bytes) throws IOException {
      return delegate.putReferrer(descriptor, bytes);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}
