package dev.soci.oci.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.store.BlobMismatchException;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zTOCs reached through a SOCI index are trusted only as far as they can be checked: their
 * digest (layout directory and archive), and that they describe the layer they are reused for.
 */
class ReuseChecksTest {
  @TempDir Path tmp;
  private Path layoutDir;
  private final AtomicInteger builds = new AtomicInteger();
  private final List<String> log = new ArrayList<>();
  private final ZtocFactory counting = (req, in) -> {
    builds.incrementAndGet();
    return ZtocFactory.standard().build(req, in);
  };

  /** An uncompressed tar holding one file of {@code size} bytes of {@code fill}. */
  private static byte[] layer(String name, int size, int fill) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(size);
      t.putArchiveEntry(e);
      byte[] b = new byte[size];
      java.util.Arrays.fill(b, (byte) fill);
      t.write(b);
      t.closeArchiveEntry();
    }
    return out.toByteArray();
  }

  /** A layout holding one manifest with two uncompressed layers of the same size. */
  @BeforeEach
  void makeLayout() throws Exception {
    layoutDir = tmp.resolve("layout");
    try (OciLayoutWriter w = OciLayoutWriter.create(layoutDir, OciLayoutWriter.Format.DIRECTORY)) {
      Descriptor l1 = w.putBlob(MediaTypes.OCI_LAYER_TAR, layer("a", 3000, 'a'));
      Descriptor l2 = w.putBlob(MediaTypes.OCI_LAYER_TAR, layer("b", 3000, 'b'));
      assertThat(l1.size()).isEqualTo(l2.size());
      Descriptor config = w.putBlob(MediaTypes.OCI_CONFIG,
          "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8));
      ImageManifest m = new ImageManifest(2, MediaTypes.OCI_MANIFEST, "", config,
          List.of(l1, l2), null, java.util.Map.of());
      Descriptor md = w.putBlob(MediaTypes.OCI_MANIFEST, m.toJson());
      w.commit(ImageIndex.of(List.of(md)));
    }
  }

  private SociOptions options() {
    return SociOptions.builder().spanSize(1 << 20).minLayerSize(0).allPlatforms(true).build();
  }

  private List<Descriptor> create() throws Exception {
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      return new SociIndexCreator(counting, options(), log::add).create(layout);
    }
  }

  /** Replaces the SOCI index {@code index} by one whose zTOC blobs 0 and 1 are swapped. */
  private void swapZtocs(Descriptor index) throws Exception {
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      ImageManifest m = layout.readManifest(index);
      List<Descriptor> z = new ArrayList<>(m.layers());
      Descriptor a = z.get(0);
      Descriptor b = z.get(1);
      z.set(0, a.toBuilder().content(b.digest(), b.size()).build());
      z.set(1, b.toBuilder().content(a.digest(), a.size()).build());
      ImageManifest swapped = new ImageManifest(m.schemaVersion(), m.mediaType(),
          m.artifactType(), m.config(), z, m.subject(), m.annotations());
      Descriptor sd = layout.putBlob(MediaTypes.OCI_MANIFEST, swapped.toJson());
      List<Descriptor> entries = new ArrayList<>();
      for (Descriptor e : layout.index().manifests()) {
        entries.add(e.digest().equals(index.digest())
            ? e.toBuilder().content(sd.digest(), sd.size()).build() : e);
      }
      layout.writeIndexJson(layout.index().withManifests(entries));
    }
  }

  @Test
  void theZtocOfAnEmptyLayerHasNoSpanToCompareAndIsReused() throws Exception {
    layoutDir = tmp.resolve("empty-layer");
    try (OciLayoutWriter w = OciLayoutWriter.create(layoutDir, OciLayoutWriter.Format.DIRECTORY)) {
      Descriptor empty = w.putBlob(MediaTypes.OCI_LAYER_TAR, new byte[0]);
      Descriptor config = w.putBlob(MediaTypes.OCI_CONFIG,
          "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8));
      Descriptor md = w.putBlob(MediaTypes.OCI_MANIFEST, new ImageManifest(2,
          MediaTypes.OCI_MANIFEST, "", config, List.of(empty), null, java.util.Map.of()).toJson());
      w.commit(ImageIndex.of(List.of(md)));
    }
    create();
    assertThat(builds).hasValue(1);
    create(); // the zTOC has zero spans: nothing to hash, and no IndexOutOfBoundsException
    assertThat(builds).hasValue(1);
    assertThat(log).noneMatch(l -> l.contains("not reusing"));
  }

  @Test
  void swappedZtocDescriptorsAreDetectedAndRebuilt() throws Exception {
    List<Descriptor> first = create();
    assertThat(builds).hasValue(2);
    swapZtocs(first.get(0));
    log.clear();

    List<Descriptor> second = create();
    assertThat(builds).as("both rebuilt").hasValue(4);
    assertThat(log).filteredOn(s -> s.contains("does not belong to this layer")
        && s.contains("first span's digest")).hasSize(2);
    assertThat(second).as("the same index as a clean build").isEqualTo(first);
  }

  @Test
  void aGoodCandidateListedAfterABadOneIsReused() throws Exception {
    List<Descriptor> first = create();
    List<Descriptor> other;
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      other = new SociIndexCreator(counting, SociOptions.builder().spanSize(1 << 20)
          .minLayerSize(0).allPlatforms(true).force(true).buildToolIdentifier("other").build(), log::add)
          .create(layout);
    }
    assertThat(other.get(0).digest()).isNotEqualTo(first.get(0).digest());
    assertThat(builds).hasValue(4);
    swapZtocs(first.get(0)); // the first listed index now pairs each layer with the other's
    log.clear();

    create();
    assertThat(builds).as("the second index's zTOCs are reused").hasValue(4);
    assertThat(log).filteredOn(s -> s.contains("does not belong")).hasSize(2);
    assertThat(log).filteredOn(s -> s.contains("reusing zTOC")).hasSize(2);
  }

  @Test
  void aZtocOfAnotherSizeOrSpanSizeIsNotReused() throws Exception {
    List<Descriptor> first = create();
    // Claim the zTOCs were built with another span size: their zinfo says otherwise.
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      ImageManifest m = layout.readManifest(first.get(0));
      List<Descriptor> z = new ArrayList<>();
      for (Descriptor d : m.layers()) {
        z.add(d.toBuilder().annotation(MediaTypes.ANNOTATION_SPAN_SIZE, "2097152").build());
      }
      Descriptor sd = layout.putBlob(MediaTypes.OCI_MANIFEST, new ImageManifest(
          m.schemaVersion(), m.mediaType(), m.artifactType(), m.config(), z, m.subject(),
          m.annotations()).toJson());
      layout.writeIndexJson(layout.index().withManifests(List.of(
          layout.index().manifests().get(0),
          first.get(0).toBuilder().content(sd.digest(), sd.size()).build())));
    }
    log.clear();
    try (OciLayout layout = OciLayout.open(layoutDir)) {
      new SociIndexCreator(counting, SociOptions.builder().spanSize(2 << 20).minLayerSize(0)
          .allPlatforms(true).build(), log::add).create(layout);
    }
    assertThat(builds).hasValue(4);
    assertThat(log).filteredOn(s -> s.contains("its span size is 1048576, not 2097152"))
        .hasSize(2);
  }

  @Test
  void aDamagedZtocInALayoutArchiveIsNamed() throws Exception {
    Path tar = tmp.resolve("once.tar");
    try (OciLayout in = OciLayout.open(layoutDir)) {
      new SociConverter(counting, options(), log::add)
          .convert(in, tar, OciLayoutWriter.Format.TAR);
    }
    Descriptor ztoc;
    byte[] ztocBytes;
    try (OciLayout in = OciLayout.open(tar)) {
      ztoc = in.blobs().stream().filter(d -> {
        try {
          return dev.soci.ztoc.ZtocView.open(in.readBlob(d)) != null;
        } catch (Exception e) {
          return false;
        }
      }).findFirst().orElseThrow();
      ztocBytes = in.readBlob(ztoc);
    }
    // Flip one byte of the zTOC inside the archive (same size: only the digest can tell).
    byte[] archive = Files.readAllBytes(tar);
    int at = indexOf(archive, ztocBytes);
    assertThat(at).isPositive();
    archive[at + ztocBytes.length - 1] ^= 1;
    Files.write(tar, archive);

    try (OciLayout in = OciLayout.open(tar)) {
      Descriptor d = ztoc;
      assertThatThrownBy(() -> in.readBlob(d)).isInstanceOf(BlobMismatchException.class)
          .hasMessageContaining(ztoc.digest().toString())
          .hasMessageContaining(tar.toString());
      // convert copies every blob, verified: the damaged one stops it, named, and no output.
      assertThatThrownBy(() -> new SociConverter(counting, options(), log::add)
          .convert(in, tmp.resolve("twice"), OciLayoutWriter.Format.DIRECTORY))
          .isInstanceOf(BlobMismatchException.class)
          .hasMessageContaining(ztoc.digest().toString());
    }
    assertThat(tmp.resolve("twice")).doesNotExist();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
