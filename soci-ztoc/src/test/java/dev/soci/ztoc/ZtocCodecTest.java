package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.core.Compression;
import dev.soci.testing.Vectors;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ZtocCodecTest {

  static List<Vectors.Row> rows() {
    return Vectors.manifest();
  }

  @ParameterizedTest
  @MethodSource("rows")
  void vectorReEncodesByteForByte(Vectors.Row row) throws Exception {
    byte[] original = Vectors.read(row.ztocPath());
    assertThat(Vectors.sha256(original)).isEqualTo(row.ztocDigest());

    ZtocView view = ZtocView.open(original);
    Ztoc model = view.toModel();
    byte[] again = ZtocEncoder.encode(model);

    assertThat(again.length).isEqualTo(original.length);
    assertThat(again).isEqualTo(original);
    assertThat(Vectors.sha256(again)).isEqualTo(row.ztocDigest());
  }

  @ParameterizedTest
  @MethodSource("rows")
  void headlineFieldsMatchManifest(Vectors.Row row) throws Exception {
    ZtocView view = ZtocView.open(row.ztocPath());
    assertThat(view.version()).isEqualTo("0.9");
    assertThat(view.buildToolIdentifier()).isEqualTo("AWS SOCI CLI v0.2");
    assertThat(view.uncompressedArchiveSize()).isEqualTo(row.uncompressedArchiveSize());
    assertThat(view.entryCount()).isEqualTo(row.numFiles());
    assertThat(view.maxSpanId() + 1).isEqualTo(row.numSpans());
    assertThat(ZtocInfo.displayName(view.compressionAlgorithm())).isEqualTo(row.compression());
    assertThat(view.byteSize()).isEqualTo((int) row.ztocSize());
    if (view.compressionAlgorithm() == Compression.UNCOMPRESSED) {
      TarZinfo zinfo = view.tarZinfo();
      assertThat(zinfo.spanSize()).isEqualTo(row.spanSize());
      assertThat(zinfo.size()).isEqualTo(view.compressedArchiveSize());
      byte[] blob = new byte[view.checkpoints().remaining()];
      view.checkpoints().get(blob);
      assertThat(zinfo.toBytes()).isEqualTo(blob);
    }
  }
}
