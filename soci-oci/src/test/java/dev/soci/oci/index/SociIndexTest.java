package dev.soci.oci.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.testing.Vectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SociIndexTest {

  /** Rebuilds an index from its parts (not from its own bytes) and compares bytes. */
  private static byte[] rebuild(ImageManifest expected, ImageManifest image, SociIndexVersion v)
      throws Exception {
    SociIndex.Builder b = SociIndex.builder(v)
        .buildToolIdentifier(SociIndex.REFERENCE_BUILD_TOOL_IDENTIFIER);
    for (Descriptor z : expected.layers()) {
      String layerDigest = z.annotations().get(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST);
      Descriptor layer = image.layers().stream()
          .filter(l -> l.digest().toString().equals(layerDigest)).findFirst().orElseThrow();
      long span = Long.parseLong(z.annotations().get(MediaTypes.ANNOTATION_SPAN_SIZE));
      b.addZtoc(SociIndex.ztocDescriptor(z.digest(), z.size(), layer, span, false));
    }
    if (v == SociIndexVersion.V1) {
      b.subject(Descriptor.forContent(image.mediaType(), imageBytes(image)));
    }
    return b.build().toJson();
  }

  private static byte[] imageBytes(ImageManifest m) {
    // the v1 subject is the input manifest as stored in the layout
    return Vectors.read(Vectors.layout().resolve("blobs/sha256/"
        + "1412bd83e6eeda02ae62646aad8eba48278a4a590befce70d49d0bc005fd60ea"));
  }

  private static ImageManifest layoutManifest(String hex) throws OciException {
    return ImageManifest.parse(Vectors.read(Vectors.layout().resolve("blobs/sha256/" + hex)));
  }

  @Test
  void v1IndexFromPartsIsByteIdentical() throws Exception {
    Path dir = Vectors.expected("create-amd64-span1m-min0");
    byte[] expected = Vectors.read(dir.resolve("soci-index-v1.json"));
    ImageManifest image =
        layoutManifest("1412bd83e6eeda02ae62646aad8eba48278a4a590befce70d49d0bc005fd60ea");
    byte[] built = rebuild(ImageManifest.parse(expected), image, SociIndexVersion.V1);
    assertThat(new String(built, StandardCharsets.UTF_8))
        .isEqualTo(new String(expected, StandardCharsets.UTF_8));
    // and it is stored under its digest, next to the {} config
    Digest d = Digest.of(built);
    assertThat(dir.resolve("blobs/sha256/" + d.hex())).exists();
    assertThat(Vectors.read(dir.resolve("blobs/sha256/"
        + SociIndex.configDescriptor(SociIndexVersion.V1).digest().hex())))
        .isEqualTo(SociIndex.configBytes());
    assertThat(SociIndex.fromManifest(ImageManifest.parse(expected)).subject().digest().hex())
        .startsWith("1412bd83");
  }

  static Stream<Path> v2Indexes() {
    return Stream.of("convert-default-span4m-min1m", "convert-all-span1m-min0")
        .flatMap(n -> Vectors.files(Vectors.expected(n).resolve("blobs")).stream())
        .filter(Vectors::isJson)
        .filter(p -> new String(Vectors.read(p), StandardCharsets.UTF_8)
            .contains("\"config\":{\"mediaType\":\"" + MediaTypes.SOCI_INDEX_V2 + "\""));
  }

  @ParameterizedTest
  @MethodSource("v2Indexes")
  void v2IndexesFromPartsAreByteIdentical(Path p) throws Exception {
    byte[] expected = Vectors.read(p);
    ImageManifest idx = ImageManifest.parse(expected);
    // find the image manifest this index belongs to through the converted image index
    Path blobs = p.getParent();
    ImageManifest image = null;
    for (Path q : Vectors.files(blobs)) {
      String s = new String(Vectors.read(q), StandardCharsets.UTF_8);
      if (s.contains("\"manifests\"")) {
        for (Descriptor d : ImageIndex.parse(Vectors.read(q)).manifests()) {
          if (d.digest().equals(Digest.of(expected))) {
            Digest m = Digest.parse(
                d.annotations().get(MediaTypes.ANNOTATION_IMAGE_MANIFEST_DIGEST));
            image = ImageManifest.parse(Vectors.read(blobs.resolve(m.hex())));
          }
        }
      }
    }
    assertThat(image).isNotNull();
    assertThat(rebuild(idx, image, SociIndexVersion.V2)).isEqualTo(expected);
    assertThat(SociIndex.fromManifest(idx).version()).isEqualTo(SociIndexVersion.V2);
  }

  @Test
  void disableXattrsAnnotation() throws Exception {
    Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, Digest.of(new byte[1]), 1);
    Descriptor z = SociIndex.ztocDescriptor(Digest.of(new byte[2]), 2, layer, 4194304, true);
    assertThat(z.annotations()).containsEntry(MediaTypes.ANNOTATION_DISABLE_XATTRS, "true")
        .containsEntry(MediaTypes.ANNOTATION_SPAN_SIZE, "4194304");
    assertThat(new String(z.toBuilder().build().annotations().keySet().toString()))
        .contains("disable-xattrs");
  }

  @Test
  void v1NeedsSubjectAndV2RefusesOne() {
    assertThatThrownBy(() -> SociIndex.builder(SociIndexVersion.V1).build())
        .isInstanceOf(IllegalStateException.class);
    Descriptor s = Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.of(new byte[0]), 0);
    assertThatThrownBy(() -> SociIndex.builder(SociIndexVersion.V2).subject(s).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void prefetchJsonAndMerging() throws Exception {
    PrefetchArtifact a = new PrefetchArtifact(List.of(
        new PrefetchArtifact.SpanRange(5, 6), new PrefetchArtifact.SpanRange(0, 1),
        new PrefetchArtifact.SpanRange(2, 3), new PrefetchArtifact.SpanRange(9, 9),
        new PrefetchArtifact.SpanRange(6, 7)), 0);
    String json = new String(a.toJson(), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo("{\"version\":\"1.0\",\"prefetch_spans\":["
        + "{\"start_span\":0,\"end_span\":3},{\"start_span\":5,\"end_span\":7},"
        + "{\"start_span\":9,\"end_span\":9}]}");
    assertThat(PrefetchArtifact.parse(a.toJson())).isEqualTo(a);
    PrefetchArtifact p = new PrefetchArtifact(List.of(new PrefetchArtifact.SpanRange(1, 2)), 3);
    assertThat(new String(p.toJson(), StandardCharsets.UTF_8)).endsWith(",\"priority\":3}");
    assertThat(PrefetchArtifact.parse(p.toJson())).isEqualTo(p);
    assertThatThrownBy(() -> PrefetchArtifact.parse(
        "{\"prefetch_spans\":[{\"start_span\":\"x\"}]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OciException.class);
    assertThatThrownBy(() -> PrefetchArtifact.parse(
        "{\"prefetch_spans\":7}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(OciException.class);
    Descriptor layer = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, Digest.of(new byte[1]), 1);
    Descriptor pd = SociIndex.prefetchDescriptor(p.toJson(), layer);
    assertThat(pd.mediaType()).isEqualTo(MediaTypes.SOCI_PREFETCH);
    assertThat(pd.annotations()).containsOnlyKeys(MediaTypes.ANNOTATION_IMAGE_LAYER_DIGEST);
  }
}
