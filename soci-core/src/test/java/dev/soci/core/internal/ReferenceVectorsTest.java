package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.Compression;
import dev.soci.core.internal.GzipZinfo;
import dev.soci.core.internal.LayerIndex;
import dev.soci.core.internal.LayerIndexer;
import dev.soci.testing.Vectors;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reproduces, from the layer alone, what the reference stored in every vector zTOC. */
class ReferenceVectorsTest {

  static Stream<Path> ztocs() throws Exception {
    return Vectors.ztocs().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ztocs")
  void checkpointsSpanDigestsAndSizesMatchTheReference(Path ztocFile) throws Exception {
    String name = ztocFile.getFileName().toString(); // <layer>.<span>.ztoc
    String base = name.substring(0, name.length() - ".ztoc".length());
    int dot = base.lastIndexOf('.');
    String layerName = base.substring(0, dot);
    long span = Long.parseLong(base.substring(dot + 1));
    ZtocTestReader ztoc = new ZtocTestReader(Files.readAllBytes(ztocFile));
    Path layer = Vectors.layer(layerName);

    LayerIndex idx;
    try (InputStream in = Files.newInputStream(layer)) {
      idx = LayerIndexer.index(in, null, span, null);
    }

    assertThat(idx.compressedSize()).isEqualTo(ztoc.compressedArchiveSize()).isEqualTo(Files.size(layer));
    assertThat(idx.spanDigests()).isEqualTo(ztoc.spanDigests());
    assertThat(idx.spanCount() - 1).isEqualTo(ztoc.maxSpanId());
    if (layerName.endsWith(".gz")) {
      assertThat(idx.compression()).isEqualTo(Compression.GZIP);
      assertThat(ztoc.compressionAlgorithm()).isEqualTo(1);
      byte[] expected = ztoc.checkpoints();
      byte[] actual = new GzipZinfo(span, idx.checkpoints()).toBytes();
      assertThat(actual).hasSameSizeAs(expected);
      assertThat(actual).isEqualTo(expected);
      // and the codec reads the reference blob back to the same checkpoints
      GzipZinfo parsed = GzipZinfo.parse(ByteBuffer.wrap(expected));
      assertThat(parsed.version()).isEqualTo(GzipZinfo.VERSION_2);
      assertThat(parsed.checkpoints()).isEqualTo(idx.checkpoints());
    } else {
      assertThat(idx.compression()).isEqualTo(Compression.UNCOMPRESSED);
      assertThat(idx.checkpoints()).isEmpty();
      assertThat(idx.layerDigest()).isEqualTo(idx.diffId());
    }
  }
}
