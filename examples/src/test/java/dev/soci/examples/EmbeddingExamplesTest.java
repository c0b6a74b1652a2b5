package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.registry.ImageReference;
import dev.soci.oci.registry.RegistryClient;
import dev.soci.oci.registry.RegistryStore;
import dev.soci.oci.registry.TestRegistry;
import dev.soci.oci.index.SociIndexVersion;
import dev.soci.oci.store.ImageGraph;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingExamplesTest {
  private static final Path VECTORS = Path.of(System.getProperty("soci.testdata", "../testdata"), "vectors");

  @Test
  void theReadmeExamplesWork(@TempDir Path dir) throws Exception {
    Path layer = Files.copy(VECTORS.resolve("layers/go-pax.tar.gz"), dir.resolve("layer.tar.gz"));
    assertThat(EmbeddingExamples.buildZtoc(layer))
        .isEqualTo("sha256:aee4e6f665e388e22e40da9fce35777aa6bb5e54a5a01593f8d5b29d31036fc6");
    Path ztoc = dir.resolve("layer.tar.gz.ztoc");
    byte[] viaHardLink = EmbeddingExamples.readFile(layer, ztoc, "usr/share/doc/hard-1");
    assertThat(viaHardLink).isEqualTo(EmbeddingExamples.readFile(layer, ztoc, "usr/share/doc/file-1.txt"));
    long n = EmbeddingExamples.copyFile(layer, ztoc, "/usr/share/doc/link-to-1", dir.resolve("copy"));
    assertThat(Files.readAllBytes(dir.resolve("copy"))).hasSize((int) n).isEqualTo(viaHardLink);
    long tarBytes = EmbeddingExamples.gunzip(layer, dir.resolve("layer.tar"));
    try (InputStream jdk = new GZIPInputStream(Files.newInputStream(layer))) {
      assertThat(Files.readAllBytes(dir.resolve("layer.tar"))).hasSize((int) tarBytes)
          .isEqualTo(jdk.readAllBytes());
    }
  }

  @Test
  void theReadmeRegistryExamplesWork(@TempDir Path dir) throws Exception {
    try (TestRegistry registry = TestRegistry.start(dir.resolve("registry"))) {
      String ref = registry.address() + "/sample/app:1";
      RegistryClient c = RegistryClient.builder(registry.address()).plainHttp(true).build();
      try (OciLayout sample = OciLayout.open(Path.of("sample/layout"))) {
        ImageGraph.copy(sample, sample.resolve(null), RegistryStore.of(c,
            ImageReference.parse(ref)), "1");
      }
      List<FoundSociIndex> found = EmbeddingExamples.indexInRegistry(ref, "1-soci", true);
      assertThat(found).extracting(f -> f.index().version()).contains(SociIndexVersion.V1);
      assertThat(c.headManifest("sample/app", "1-soci")).isPresent();
      // The sample image's files, read through the SOCI index.
      String some = firstFile(c, ref);
      assertThat(EmbeddingExamples.readFromImage(ref, some, true)).isNotEmpty();
    }
  }

  /** A non-empty regular file of the sample image (from its tree, not hard-coded). */
  private static String firstFile(RegistryClient c, String ref) throws Exception {
    try (RegistryStore store = RegistryStore.of(c, ImageReference.parse(ref));
        dev.soci.oci.image.SociImage image = dev.soci.oci.image.SociImage.open(store,
            store.resolve(null), dev.soci.oci.Platform.parse("linux/amd64"))) {
      java.util.ArrayDeque<String> dirs = new java.util.ArrayDeque<>(List.of(""));
      while (!dirs.isEmpty()) {
        for (dev.soci.oci.image.ImageEntry e : image.list(dirs.pop())) {
          if (e.isFile() && e.size() > 0) {
            return e.path();
          }
          if (e.isDirectory()) {
            dirs.add(e.path());
          }
        }
      }
    }
    throw new AssertionError("the sample image has no file");
  }
}
