package dev.soci.oci.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.OciException;
import dev.soci.oci.Platform;
import dev.soci.oci.index.SociIndexVersion;
import dev.soci.oci.store.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one platform rule of create and convert ({@link ManifestChoice}), the one "is a SOCI
 * index" rule ({@link SociIndexVersion#of}) as convert applies it, and {@link
 * FoundSociIndex#findAll} on stores that can and cannot list their content.
 */
class ManifestChoiceTest {
  private static final SociOptions AMD64 = SociOptions.builder()
      .platforms(List.of(Platform.parse("linux/amd64"))).build();

  private static Descriptor manifest(int n, Platform p) {
    return Descriptor.builder(MediaTypes.OCI_MANIFEST, Digest.of(new byte[] {(byte) n}), 100 + n)
        .platform(p).build();
  }

  @Test
  void anEntryIsChosenByItsNormalisedPlatformAndNeverWithoutOne() {
    assertThat(ManifestChoice.chosen(AMD64, manifest(1, Platform.of("linux", "x86_64", ""))))
        .isTrue();
    assertThat(ManifestChoice.chosen(AMD64, manifest(2, Platform.parse("linux/arm64"))))
        .isFalse();
    assertThat(ManifestChoice.chosen(AMD64, manifest(3, null))).isFalse();
    SociOptions all = SociOptions.builder().allPlatforms(true).build();
    assertThat(ManifestChoice.chosen(all, manifest(3, null))).isTrue();
    // At the top of a layout's index.json, an entry naming no platform is an image by itself.
    assertThat(ManifestChoice.chosenAtTop(AMD64, manifest(3, null))).isTrue();
    assertThat(ManifestChoice.chosenAtTop(AMD64, manifest(2, Platform.parse("linux/arm64"))))
        .isFalse();
  }

  @Test
  void anImageIndexGivesItsChosenManifestsOnceInOrderAndNoSociIndex() {
    Descriptor amd = manifest(1, Platform.parse("linux/amd64"));
    Descriptor arm = manifest(2, Platform.parse("linux/arm64"));
    Descriptor v1 = manifest(4, Platform.parse("linux/amd64")).toBuilder()
        .artifactType(SociIndexVersion.V1.artifactType()).build();
    Descriptor v2 = manifest(5, Platform.parse("linux/amd64")).toBuilder()
        .artifactType(SociIndexVersion.V2.artifactType()).build();
    Descriptor nested = Descriptor.of(MediaTypes.OCI_INDEX, Digest.of(new byte[] {6}), 10)
        .toBuilder().platform(Platform.parse("linux/amd64")).build();
    ImageIndex index = ImageIndex.of(List.of(v1, amd, arm, v2, nested, amd));
    assertThat(ManifestChoice.of(index, AMD64)).containsExactly(amd);
    assertThat(ManifestChoice.of(index, SociOptions.builder().allPlatforms(true).build()))
        .containsExactly(amd, arm);
  }

  @Test
  void eitherVersionIsASociIndexAndNeitherIsAnImageManifest() {
    Descriptor plain = manifest(1, null);
    Descriptor v1 = plain.toBuilder().artifactType(SociIndexVersion.V1.artifactType()).build();
    Descriptor v2 = plain.toBuilder().artifactType(SociIndexVersion.V2.artifactType()).build();
    Descriptor other = plain.toBuilder().artifactType("application/vnd.example+json").build();
    assertThat(SociIndexVersion.of(v1)).isEqualTo(SociIndexVersion.V1);
    assertThat(SociIndexVersion.of(v2)).isEqualTo(SociIndexVersion.V2);
    assertThat(SociIndexVersion.of(plain)).isNull();
    assertThat(SociIndexVersion.of(other)).isNull();
    assertThat(List.of(plain, v1, v2, other)).filteredOn(SociIndexVersion::isImageManifest)
        .containsExactly(plain, other);
    Descriptor index = Descriptor.of(MediaTypes.OCI_INDEX, Digest.of(new byte[] {2}), 10);
    assertThat(SociIndexVersion.isImageManifest(index)).isFalse();
  }

  @Test
  void convertKeepsAV1IndexListedInTheImageIndexAndAppendsTheV2One() throws Exception {
    InMemoryStore mem = StoreFlowsTest.vectorImageInMemory();
    Descriptor image = mem.resolve("app");
    Descriptor v1 = new SociIndexCreator(StoreFlowsTest.CREATE_AMD64, s -> { })
        .create(mem, image).get(0).toBuilder().platform(Platform.parse("linux/amd64")).build();
    ImageIndex original = mem.readImageIndex(image);
    List<Descriptor> withV1 = new ArrayList<>(original.manifests());
    withV1.add(v1);
    ImageIndex mixed = original.withManifests(withV1);
    byte[] json = mixed.toJson();
    Descriptor mixedImage = Descriptor.forContent(MediaTypes.OCI_INDEX, json);
    mem.putManifest(mixedImage, json, "mixed");

    InMemoryStore out = new InMemoryStore("out");
    ConvertResult r = new SociConverter(StoreFlowsTest.CREATE_AMD64, s -> { })
        .convert(mem, mixedImage, out, "mixed-soci");

    List<Descriptor> entries = out.readImageIndex(r.imageIndex()).manifests();
    assertThat(entries).contains(v1);
    assertThat(r.sociIndexes()).hasSize(1);
    // The v2 index is appended: only a v2 index of the same platform would be replaced.
    assertThat(entries.get(entries.size() - 1)).isEqualTo(r.sociIndexes().get(0));
    assertThat(entries.indexOf(v1)).isEqualTo(original.manifests().size());
  }

  @Test
  void findAllNeedsAStoreThatListsItsContent() throws Exception {
    InMemoryStore mem = StoreFlowsTest.vectorImageInMemory();
    assertThat(mem.listing()).isEmpty();
    assertThatThrownBy(() -> FoundSociIndex.findAll(mem)).isInstanceOf(OciException.class)
        .hasMessageContaining("cannot list its content");
  }
}
