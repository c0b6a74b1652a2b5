package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.Compression;
import dev.soci.core.SociException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The whole one-pass build, layer in, zTOC bytes out, against the reference's zTOCs. */
class ZtocBuilderVectorTest {
  private static final Path VECTORS = Path.of(System.getProperty("soci.testdata", "../testdata"), "vectors");

  static Stream<Arguments> manifest() throws IOException {
    List<String> lines = Files.readAllLines(VECTORS.resolve("MANIFEST.tsv"));
    return lines.stream().skip(1).map(l -> l.split("\t"))
        .map(f -> Arguments.of(f[0], f[1], Long.parseLong(f[2]), f[3], Long.parseLong(f[4]),
            Long.parseLong(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7])));
  }

  @ParameterizedTest(name = "{0} span {2}")
  @MethodSource("manifest")
  void buildsTheReferenceZtocFromTheLayerAlone(String layer, String compression, long spanSize,
      String digest, long size, long uncompressedSize, int files, int spans) throws Exception {
    Path layerFile = VECTORS.resolve("layers").resolve(layer);
    byte[] expected = Files.readAllBytes(VECTORS.resolve("ztoc").resolve(layer + "." + spanSize + ".ztoc"));

    // Hashing inline and on a helper thread must give the same bytes.
    for (boolean parallel : new boolean[] {false, true}) {
      BuiltZtoc built = ZtocBuilder.create()
          .spanSize(spanSize)
          .buildToolIdentifier("AWS SOCI CLI v0.2")
          .parallelHashing(parallel)
          .build(layerFile);

      assertThat(built.bytes()).isEqualTo(expected);
      assertThat(built.digest()).isEqualTo(digest);
      assertThat(built.size()).isEqualTo(size);
      assertThat(built.ztoc().uncompressedArchiveSize()).isEqualTo(uncompressedSize);
      assertThat(built.ztoc().entries()).hasSize(files);
      assertThat(built.layer().spanCount()).isEqualTo(spans);
      assertThat(built.layer().compression().name().toLowerCase()).isEqualTo(compression);

      byte[] blob = Files.readAllBytes(layerFile);
      assertThat(built.layerDigest()).isEqualTo(sha256(blob));
      byte[] tar = compression.equals("gzip") ? new GZIPInputStream(new ByteArrayInputStream(blob)).readAllBytes() : blob;
      assertThat(built.diffId()).isEqualTo(sha256(tar));
    }
  }

  @Test
  void explicitCompressionMustMatchTheLayer() {
    Path plain = VECTORS.resolve("layers/small-plain.tar");
    assertThatThrownBy(() -> ZtocBuilder.create().compression(Compression.GZIP).build(plain))
        .isInstanceOf(SociException.class)
        .hasMessageContaining("gzip");
  }

  @Test
  void aGzipLayerReadAsUncompressedIsNotATar() {
    Path gz = VECTORS.resolve("layers/tiny.tar.gz");
    assertThatThrownBy(() -> ZtocBuilder.create().compression(Compression.UNCOMPRESSED).build(gz))
        .isInstanceOf(SociException.class);
  }

  @Test
  void optionsAreValidatedAndImmutable() {
    ZtocBuilder base = ZtocBuilder.create();
    ZtocBuilder small = base.spanSize(4096);
    assertThat(base.spanSize()).isEqualTo(ZtocBuilder.DEFAULT_SPAN_SIZE);
    assertThat(small.spanSize()).isEqualTo(4096);
    assertThat(base.buildToolIdentifier()).startsWith("soci-java v").doesNotContain("${");
    assertThatThrownBy(() -> base.spanSize(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void outputDoesNotDependOnTheDefaultLocale() throws Exception {
    // Locales whose digits are not ASCII: mod_time strings must still be Go's ASCII rendering.
    java.util.Locale saved = java.util.Locale.getDefault();
    Path layer = VECTORS.resolve("layers/go-pax.tar.gz");
    byte[] expected = Files.readAllBytes(VECTORS.resolve("ztoc/go-pax.tar.gz.4194304.ztoc"));
    try {
      for (String tag : new String[] {"ar-EG", "th-TH-u-nu-thai", "hi-IN-u-nu-deva"}) {
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag(tag));
        assertThat(ZtocBuilder.create().buildToolIdentifier("AWS SOCI CLI v0.2").build(layer).bytes())
            .as(tag).isEqualTo(expected);
      }
    } finally {
      java.util.Locale.setDefault(saved);
    }
  }

  private static String sha256(byte[] b) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
