package dev.soci.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.Platform;
import dev.soci.oci.internal.Referrers;
import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.build.SociConverter;
import dev.soci.oci.build.SociIndexCreator;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.oci.index.SociIndex;
import dev.soci.oci.index.SociIndexVersion;
import dev.soci.oci.store.ImageGraph;
import dev.soci.oci.store.ImageNotFoundException;
import dev.soci.testing.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Create and convert through {@link RegistryStore} against a real registry (distribution
 * 2.8.2): the bytes equal the layout flows' (and so the reference's) on the vector image.
 */
class RegistryStoreTest {
  private static final String REF = SociIndex.REFERENCE_BUILD_TOOL_IDENTIFIER;
  private static final SociOptions CONVERT_ALL = SociOptions.builder().buildToolIdentifier(REF)
      .spanSize(1 << 20).minLayerSize(0).allPlatforms(true).build();
  private static final SociOptions CREATE_AMD64 = SociOptions.builder().buildToolIdentifier(REF)
      .spanSize(1 << 20).minLayerSize(0).platforms(List.of(Platform.parse("linux/amd64")))
      .build();

  @TempDir static Path dir;
  @TempDir Path tmp;
  private static TestRegistry registry;
  private static RegistryClient client;

  @BeforeAll
  static void start() throws Exception {
    registry = TestRegistry.start(dir.resolve("registry"));
    client = RegistryClient.builder(registry.address()).plainHttp(true).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  /** Pushes the vector layout's image to {@code repo:tag}. */
  private static RegistryStore pushVectorImage(String repo, String tag) throws Exception {
    RegistryStore store = RegistryStore.of(client,
        ImageReference.parse(registry.address() + "/" + repo + ":" + tag));
    try (OciLayout layout = OciLayout.open(Vectors.layout())) {
      ImageGraph.copy(layout, layout.image(), store, tag);
    }
    return store;
  }

  private static Digest expectedImageIndex(String vector) throws Exception {
    return ImageIndex.parse(Vectors.read(Vectors.expected(vector).resolve("index.json")))
        .manifests().get(0).digest();
  }

  @Test
  void convertRegistryToRegistryGivesTheReferenceBytes() throws Exception {
    RegistryStore src = pushVectorImage("vec/app", "1");
    RegistryStore dst = RegistryStore.of(client,
        ImageReference.parse(registry.address() + "/vec/app-soci:1"));
    new SociConverter(CONVERT_ALL, s -> { }).convert(src, src.resolve(null), dst, "1");

    Digest want = expectedImageIndex("convert-all-span1m-min0");
    assertThat(client.headManifest("vec/app-soci", "1")).map(Descriptor::digest).contains(want);
    Path expected = Vectors.expected("convert-all-span1m-min0");
    for (Path p : Vectors.files(expected.resolve("blobs"))) {
      Digest d = Digest.parse("sha256:" + p.getFileName());
      byte[] bytes = Vectors.read(p);
      String type = documentType(bytes);
      byte[] got = type != null
          ? client.getManifest("vec/app-soci", d.toString()).orElseThrow().bytes()
          : dst.readBlob(Descriptor.of("application/octet-stream", d, bytes.length));
      assertThat(got).as("%s", p.getFileName()).isEqualTo(bytes);
    }
  }

  /** The media type of a manifest or index, null for other blobs. */
  private static String documentType(byte[] bytes) {
    try {
      Object t = dev.soci.oci.internal.GoJsonReader.readObject(bytes, "blob").get("mediaType");
      return t instanceof String s && (MediaTypes.isManifest(s) || MediaTypes.isIndex(s))
          ? s : null;
    } catch (Exception e) {
      return null; // not JSON: a layer or a zTOC
    }
  }

  @Test
  void convertLayoutToRegistryCarriesOnlyTheImagesBlobs() throws Exception {
    Path layoutDir = tmp.resolve("layout");
    copyTree(Vectors.layout(), layoutDir);
    byte[] unrelated = "not part of the image".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Descriptor stray;
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      stray = layout.putBlob("application/octet-stream", unrelated);
    }
    RegistryStore dst = RegistryStore.of(client,
        ImageReference.parse(registry.address() + "/vec/from-layout:1"));
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      new SociConverter(CONVERT_ALL, s -> { }).convert(layout, layout.image(), dst, "1");
    }
    assertThat(client.headManifest("vec/from-layout", "1")).map(Descriptor::digest)
        .contains(expectedImageIndex("convert-all-span1m-min0"));
    assertThat(dst.exists(stray)).as("a layout's other content stays local").isFalse();
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
    }
  }

  @Test
  void convertRegistryToLayoutEqualsTheLayoutConvert() throws Exception {
    RegistryStore src = pushVectorImage("vec/to-layout", "1");
    Path out = tmp.resolve("out");
    try (OciLayoutWriter w = OciLayoutWriter.create(out, OciLayoutWriter.Format.DIRECTORY)) {
      var r = new SociConverter(CONVERT_ALL, s -> { }).convert(src, src.resolve(null), w, null);
      w.commit(ImageIndex.of(List.of(r.imageIndex().withoutExtras())));
    }
    Path expected = Vectors.expected("convert-all-span1m-min0");
    assertThat(Files.readAllBytes(out.resolve("index.json")))
        .isEqualTo(Vectors.read(expected.resolve("index.json")));
    for (Path p : Vectors.files(expected.resolve("blobs"))) {
      assertThat(Files.readAllBytes(out.resolve("blobs/sha256").resolve(p.getFileName())))
          .isEqualTo(Vectors.read(p));
    }
  }

  @Test
  void createOnTheRegistryPublishesUnderTheFallbackTag() throws Exception {
    RegistryStore store = pushVectorImage("vec/create", "1");
    Descriptor image = store.resolve(null);
    List<Descriptor> made = new SociIndexCreator(CREATE_AMD64, s -> { }).create(store, image);
    byte[] expected = Vectors.read(Vectors.expected("create-amd64-span1m-min0")
        .resolve("soci-index-v1.json"));
    assertThat(made).extracting(Descriptor::digest).containsExactly(Digest.of(expected));

    Descriptor manifest = store.readImageIndex(image).manifests().stream()
        .filter(m -> m.platform() != null && m.platform().matches(Platform.parse("linux/amd64")))
        .findFirst().orElseThrow();
    Optional<RegistryClient.Manifest> tag = client.getManifest("vec/create",
        Referrers.fallbackTag(manifest.digest()));
    assertThat(tag).isPresent();
    List<Descriptor> listed = ImageIndex.parse(tag.get().bytes()).manifests();
    assertThat(listed).extracting(Descriptor::digest).containsExactly(Digest.of(expected));
    assertThat(listed.get(0).artifactType()).isEqualTo(SociIndexVersion.V1.artifactType());
    assertThat(client.getManifest("vec/create", Digest.of(expected).toString()))
        .map(RegistryClient.Manifest::bytes).contains(expected);

    List<FoundSociIndex> found = FoundSociIndex.find(store, image);
    assertThat(found).extracting(f -> f.descriptor().digest())
        .containsExactly(Digest.of(expected));

    // A second create reuses the zTOCs found through the referrers and lists nothing twice.
    List<String> log = new ArrayList<>();
    assertThat(new SociIndexCreator(CREATE_AMD64, log::add).create(store, image))
        .isEqualTo(made);
    assertThat(log).anyMatch(l -> l.contains("reusing zTOC"));
    assertThat(ImageIndex.parse(client.getManifest("vec/create",
        Referrers.fallbackTag(manifest.digest())).orElseThrow().bytes()).manifests()).hasSize(1);
  }

  @Test
  void createOnARegistryWithTheReferrersApiNeedsNoFallbackTag() throws Exception {
    try (ReferrersRegistry api = ReferrersRegistry.start()) {
      RegistryClient c = RegistryClient.builder(api.address()).plainHttp(true).build();
      RegistryStore store = RegistryStore.of(c, ImageReference.parse(api.address() + "/r/app:1"));
      try (OciLayout layout = OciLayout.open(Vectors.layout())) {
        ImageGraph.copy(layout, layout.image(), store, "1");
      }
      Descriptor image = store.resolve(null);
      List<Descriptor> made = new SociIndexCreator(CREATE_AMD64, s -> { }).create(store, image);
      byte[] expected = Vectors.read(Vectors.expected("create-amd64-span1m-min0")
          .resolve("soci-index-v1.json"));
      assertThat(made).extracting(Descriptor::digest).containsExactly(Digest.of(expected));
      assertThat(api.requestsTo("/manifests/sha256-")).as("no fallback tag touched").isZero();
      List<FoundSociIndex> found = FoundSociIndex.find(store, image);
      assertThat(found).singleElement().satisfies(f -> {
        assertThat(f.descriptor().digest()).isEqualTo(Digest.of(expected));
        assertThat(f.descriptor().artifactType()).isEqualTo(SociIndexVersion.V1.artifactType());
        assertThat(f.platform()).isEqualTo(Platform.parse("linux/amd64"));
      });
    }
  }

  @Test
  void blobsOfAnotherRepositoryOfTheRegistryAreMountedNotUploaded() throws Exception {
    RegistryStore a = pushVectorImage("mount/a", "1");
    RegistryStore b = RegistryStore.of(client, "mount/b");
    Descriptor layer = ImageGraph.walk(a, a.resolve(null)).blobs().stream()
        .filter(d -> dev.soci.oci.LayerCompression.of(d.mediaType()) != dev.soci.oci.LayerCompression.NOT_A_LAYER).findFirst().orElseThrow();
    assertThat(b.exists(layer)).isFalse();
    assertThat(b.mountBlob(layer, a)).isTrue();
    assertThat(b.exists(layer)).isTrue();
    assertThat(ImageGraph.copyBlob(a, b, layer)).as("present now: nothing to do").isFalse();
    try (OciLayout layout = OciLayout.open(Vectors.layout())) {
      assertThat(b.mountBlob(layer, layout)).as("a layout is not a repository").isFalse();
    }
  }

  /**
   * Convert and create through a proxy that starts answering 503 after {@code passing}
   * requests, for failures at many points of the publish: afterwards no tag and no referrers
   * entry names content the repository lacks.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {2, 8, 20, 40, 70, 110})
  void aPublishThatFailsPartWayLeavesNothingPointingAtMissingContent(int passing)
      throws Exception {
    String repo = "fail/p" + passing;
    RegistryStore direct = pushVectorImage(repo, "src");
    try (FaultProxy proxy = new FaultProxy(registry.address())) {
      RegistryClient proxied = RegistryClient.builder(proxy.address()).plainHttp(true)
          .timeout(java.time.Duration.ofSeconds(10)).build();
      RegistryStore via = RegistryStore.of(proxied,
          ImageReference.parse(proxy.address() + "/" + repo + ":src"));
      Descriptor image = via.resolve(null);
      proxy.injectAfter(FaultProxy.Fault.STATUS_503, passing);
      try {
        new SociConverter(CONVERT_ALL, s -> { }).convert(via, image, via, "converted");
      } catch (java.io.IOException expected) {
        // failed part-way: checked below
      }
      proxy.injectAfter(FaultProxy.Fault.STATUS_503, passing);
      try {
        new SociIndexCreator(CREATE_AMD64, s -> { }).create(via, image);
      } catch (java.io.IOException expected) {
        // failed part-way: checked below
      }
    }
    Optional<RegistryClient.Manifest> tagged = client.getManifest(repo, "converted");
    if (tagged.isPresent()) {
      assertComplete(direct, tagged.get().descriptor());
    }
    for (Descriptor m : direct.readImageIndex(direct.resolve(null)).manifests()) {
      Optional<RegistryClient.Manifest> fallback = client.getManifest(repo,
          Referrers.fallbackTag(m.digest()));
      if (fallback.isPresent()) {
        for (Descriptor r : ImageIndex.parse(fallback.get().bytes()).manifests()) {
          assertComplete(direct, r);
        }
      }
    }
  }

  /** Every manifest, index and blob of the graph below {@code root} is in {@code store}. */
  private static void assertComplete(RegistryStore store, Descriptor root) throws Exception {
    ImageGraph g = ImageGraph.walk(store, root); // fails if a manifest or index is missing
    for (Descriptor b : g.blobs()) {
      assertThat(store.exists(b)).as("blob %s below %s", b.digest(), root.digest()).isTrue();
    }
  }

  @Test
  void theLoggedRegistryCountsTheBytesItServes() throws Exception {
    try (TestRegistry logged = TestRegistry.startLogged(tmp.resolve("logged"))) {
      RegistryClient c = RegistryClient.builder(logged.address()).plainHttp(true).build();
      byte[] blob = new byte[100_000];
      new java.util.Random(1).nextBytes(blob);
      Descriptor d = Descriptor.forContent(MediaTypes.OCI_LAYER_TAR, blob);
      c.pushBlob("count/me", d, java.net.http.HttpRequest.BodyPublishers.ofByteArray(blob));
      logged.resetBytesServed();
      try (java.io.InputStream in = c.openBlob("count/me", d)) {
        assertThat(in.readAllBytes()).isEqualTo(blob);
      }
      java.nio.ByteBuffer part = java.nio.ByteBuffer.allocate(1000);
      c.openRanges("count/me", d).readFully(5000, part);
      assertThat(logged.bytesServed()).isEqualTo(101_000);
    }
  }

  @Test
  void unknownImagesAreOneClearError() throws Exception {
    RegistryStore store = RegistryStore.of(client,
        ImageReference.parse(registry.address() + "/nobody/here:1"));
    assertThatThrownBy(() -> store.resolve(null)).isInstanceOf(ImageNotFoundException.class)
        .hasMessageContaining("nobody/here:1");
    assertThat(store.exists(Descriptor.of(MediaTypes.OCI_LAYER_TAR,
        Digest.of(new byte[1]), 1))).isFalse();
  }
}
