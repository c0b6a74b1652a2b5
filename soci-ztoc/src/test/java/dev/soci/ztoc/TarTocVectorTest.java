package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.testing.Vectors;
import dev.soci.ztoc.internal.TarToc;
import dev.soci.ztoc.internal.TarTocBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The TOC our tar parser builds from each vector layer equals the one in the reference zTOC. */
class TarTocVectorTest {

  static List<Vectors.Row> rows() {
    return Vectors.manifest();
  }

  static InputStream uncompressed(Vectors.Row row) throws IOException {
    InputStream raw = Files.newInputStream(row.layerPath());
    return row.compression().equals("gzip") ? new GZIPInputStream(raw, 65536) : raw;
  }

  @ParameterizedTest
  @MethodSource("rows")
  void tocMatchesReference(Vectors.Row row) throws Exception {
    Ztoc reference = ZtocView.open(row.ztocPath()).toModel();
    TarTocBuilder builder = new TarTocBuilder();
    // Odd chunk sizes exercise every state boundary of the push parser.
    SplittableRandom random = new SplittableRandom(row.hashCode());
    try (InputStream in = uncompressed(row)) {
      byte[] buf = new byte[70000];
      int n;
      while ((n = in.read(buf, 0, 1 + random.nextInt(buf.length))) > 0) {
        builder.write(buf, 0, n);
      }
    }
    TarToc toc = builder.finish();
    assertThat(toc.endOffset()).isEqualTo(reference.uncompressedArchiveSize());
    assertThat(toc.entries()).hasSameSizeAs(reference.entries());
    for (int i = 0; i < toc.entries().size(); i++) {
      assertThat(toc.entries().get(i)).as("entry %d", i).isEqualTo(reference.entries().get(i));
    }
  }
}
