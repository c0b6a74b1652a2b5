package dev.soci.oci;

import dev.soci.oci.internal.Referrers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformTest {
  @Test
  void normalisesLikeContainerd() {
    assertThat(Platform.parse("linux/x86_64").toString()).isEqualTo("linux/amd64");
    assertThat(Platform.parse("Linux/AMD64").toString()).isEqualTo("linux/amd64");
    assertThat(Platform.parse("linux/aarch64").toString()).isEqualTo("linux/arm64");
    assertThat(Platform.parse("linux/arm64/v8").toString()).isEqualTo("linux/arm64");
    assertThat(Platform.parse("linux/arm64/8").toString()).isEqualTo("linux/arm64");
    assertThat(Platform.parse("linux/arm").toString()).isEqualTo("linux/arm/v7");
    assertThat(Platform.parse("linux/arm/6").toString()).isEqualTo("linux/arm/v6");
    assertThat(Platform.parse("linux/armhf").toString()).isEqualTo("linux/arm/v7");
    assertThat(Platform.parse("linux/armel").toString()).isEqualTo("linux/arm/v6");
    assertThat(Platform.parse("linux/i386").toString()).isEqualTo("linux/386");
  }

  @Test
  void normaliseIsIdempotentAndToStringParsesBack() {
    for (String s : List.of("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6",
        "windows/amd64", "linux/386", "linux/s390x", "linux/arm64/v9")) {
      Platform p = Platform.parse(s);
      assertThat(p.normalize()).isEqualTo(p);
      assertThat(Platform.parse(p.toString())).isEqualTo(p);
      assertThat(p.toString()).isEqualTo(s);
    }
  }

  @Test
  void matchesComparesNormalisedForms() {
    assertThat(Platform.of("linux", "arm64", "v8").matches(Platform.parse("linux/arm64"))).isTrue();
    assertThat(Platform.of("linux", "arm", "").matches(Platform.parse("linux/arm/v7"))).isTrue();
    assertThat(Platform.of("linux", "amd64", "").matches(Platform.parse("linux/arm64"))).isFalse();
    assertThat(Platform.of("linux", "arm", "v6").matches(Platform.parse("linux/arm"))).isFalse();
  }

  @Test
  void rejectsMalformedSpecs() {
    for (String s : List.of("", "linux", "linux/", "/amd64", "linux/arm/v7/x", "linux//v7")) {
      assertThatThrownBy(() -> Platform.parse(s)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void layerCompressionFromMediaType() {
    assertThat(LayerCompression.of(MediaTypes.OCI_LAYER_TAR_GZIP)).isEqualTo(LayerCompression.GZIP);
    assertThat(LayerCompression.of(MediaTypes.DOCKER_LAYER_TAR_GZIP))
        .isEqualTo(LayerCompression.GZIP);
    assertThat(LayerCompression.of(MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP))
        .isEqualTo(LayerCompression.GZIP);
    assertThat(LayerCompression.of(MediaTypes.OCI_LAYER_TAR))
        .isEqualTo(LayerCompression.UNCOMPRESSED);
    assertThat(LayerCompression.of(MediaTypes.OCI_LAYER_TAR_ZSTD)).isEqualTo(LayerCompression.ZSTD);
    assertThat(LayerCompression.of(MediaTypes.DOCKER_LAYER_TAR).indexable()).isFalse();
    assertThat(LayerCompression.of(MediaTypes.OCI_CONFIG)).isEqualTo(LayerCompression.NOT_A_LAYER);
  }

  @Test
  void referrersFallbackTagAndFilter() throws Exception {
    Digest d = Digest.parse("sha256:" + "ab".repeat(32));
    assertThat(Referrers.fallbackTag(d)).isEqualTo("sha256-" + "ab".repeat(32));
    Descriptor v1 = Descriptor.builder(MediaTypes.OCI_MANIFEST, d, 1)
        .artifactType(MediaTypes.SOCI_INDEX_V1).build();
    Descriptor other = Descriptor.builder(MediaTypes.OCI_MANIFEST, d, 2)
        .artifactType("application/x-sig").build();
    ImageIndex r = Referrers.response(List.of(v1, other), MediaTypes.SOCI_INDEX_V1);
    assertThat(r.manifests()).containsExactly(v1);
    assertThat(r.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(Referrers.filter(ImageIndex.parse(Referrers.response(List.of(v1, other), null)
        .toJson()), "application/x-sig").manifests()).containsExactly(other);
  }
}
