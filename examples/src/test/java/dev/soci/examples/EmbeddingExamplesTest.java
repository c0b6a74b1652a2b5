package dev.soci.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
  }
}
