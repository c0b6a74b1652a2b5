package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.Compression;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.GzipZinfo;
import dev.soci.testing.Vectors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Span ranges from the zinfo (FORMATS.md 1.3, 1.4) and validation of the gzip checkpoints. */
class SpanTest {

  private static final int RECORD = 8 + 8 + 1 + Checkpoint.WINDOW_SIZE;

  static List<Vectors.Row> rows() {
    return Vectors.manifest();
  }

  @ParameterizedTest
  @MethodSource("rows")
  void dataSpansAreTheSpansHoldingAnEntrysFirstAndLastDataByte(Vectors.Row row) throws Exception {
    ZtocView view = ZtocView.open(row.ztocPath());
    int withData = 0;
    for (int i = 0; i < view.entryCount(); i++) {
      long offset = view.uncompressedOffset(i);
      long size = view.uncompressedSize(i);
      if (size > 0 && view.type(i).hasData()) {
        withData++;
        assertThat(view.firstDataSpan(i)).as("entry %d", i).isEqualTo(view.spanHolding(offset));
        assertThat(view.lastDataSpan(i)).as("entry %d", i).isEqualTo(view.spanHolding(offset + size - 1));
        assertThat(view.spanUncompressedStart(view.firstDataSpan(i))).isLessThanOrEqualTo(offset);
        assertThat(view.spanUncompressedEnd(view.lastDataSpan(i))).isGreaterThanOrEqualTo(offset + size);
      } else {
        assertThat(view.firstDataSpan(i)).as("entry %d", i).isEqualTo(-1);
        assertThat(view.lastDataSpan(i)).as("entry %d", i).isEqualTo(-1);
      }
    }
    assertThat(withData).isPositive();
  }

  @ParameterizedTest
  @MethodSource("rows")
  void compressedRangesReproduceTheSpanDigests(Vectors.Row row) throws Exception {
    ZtocView view = ZtocView.open(row.ztocPath());
    byte[] layer = Vectors.read(row.layerPath());
    assertThat(view.compressedArchiveSize()).isEqualTo(layer.length);
    assertThat(view.spanCount()).isEqualTo(row.numSpans());
    for (int i = 0; i < view.spanCount(); i++) {
      byte[] span =
          Arrays.copyOfRange(
              layer, (int) view.spanCompressedStart(i), (int) view.spanCompressedEnd(i));
      assertThat(Vectors.sha256(span)).as("span %d", i).isEqualTo(view.spanDigest(i));
    }
  }

  @ParameterizedTest
  @MethodSource("rows")
  void uncompressedRangesTileTheStream(Vectors.Row row) throws Exception {
    ZtocView view = ZtocView.open(row.ztocPath());
    long[] starts = view.spanStarts();
    assertThat(starts).hasSize(view.spanCount());
    assertThat(view.spanSize()).isEqualTo(row.spanSize());
    for (int i = 0; i < starts.length; i++) {
      assertThat(view.spanUncompressedStart(i)).isEqualTo(starts[i]);
      long end = view.spanUncompressedEnd(i);
      assertThat(end).isGreaterThan(starts[i]);
      if (i + 1 < starts.length) {
        assertThat(end).isEqualTo(starts[i + 1]);
      }
      assertThat(view.spanHolding(starts[i])).isEqualTo(i);
      assertThat(view.spanHolding(end - 1)).isEqualTo(i);
    }
    assertThat(starts[0]).isZero();
    if (view.compressionAlgorithm() == Compression.GZIP) {
      assertThat(view.tarZinfo()).isNull();
      GzipZinfo zinfo = view.gzipZinfo();
      assertThat(zinfo.checkpoints()).extracting(Checkpoint::out).containsExactly(box(starts));
      assertThat(view.spanUncompressedEnd(view.maxSpanId()))
          .isEqualTo(view.uncompressedArchiveSize());
    } else {
      assertThat(view.gzipZinfo()).isNull();
      assertThat(view.spanUncompressedEnd(view.maxSpanId())).isEqualTo(view.compressedArchiveSize());
    }
  }

  @Test
  void rejectsCheckpointsThatBreakSpanArithmetic() {
    assertRejected(b -> b.putLong(at(1), b.getLong(at(0))), "not after the previous");
    assertRejected(b -> b.putLong(at(2), 1L << 40), "not below the blob size");
    assertRejected(b -> b.putLong(at(2) + 8, b.getLong(at(1) + 8) - 1), "before the previous");
    assertRejected(b -> b.putLong(at(0), 9), "< 10");
    assertRejected(b -> b.putLong(at(0) + 8, 5), "!= 0");
    assertRejected(b -> b.put(at(1) + 16, (byte) 8), "bits");
    assertRejected(b -> b.putLong(4, 0), "span size");
  }

  @Test
  void checkpointCountMustMatchMaxSpanId() throws Exception {
    Ztoc z = gzipModel();
    CompressionInfo ci = z.compressionInfo();
    CompressionInfo fewer =
        new CompressionInfo(
            ci.algorithm(), ci.maxSpanId() - 1, ci.spanDigests().subList(1, 3), ci.checkpoints());
    byte[] bytes = ZtocEncoder.encode(withInfo(z, fewer));
    assertThatThrownBy(() -> ZtocView.open(bytes))
        .isInstanceOf(ZtocFormatException.class)
        .hasMessageContaining("max_span_id");
  }

  @Test
  void checkpointBeyondTheTarEndIsAcceptedAndItsSpanIsEmpty() throws Exception {
    // Inside the zero padding after the end-of-archive marker (and within what deflate can give).
    long beyond = gzipModel().uncompressedArchiveSize() + 4096;
    ZtocView view =
        open(withBlob(gzipModel(), b -> b.putLong(at(2) + 8, beyond)));
    assertThat(view.spanUncompressedStart(2)).isEqualTo(beyond);
    assertThat(view.spanUncompressedEnd(2)).isEqualTo(beyond);
    assertThat(view.spanUncompressedEnd(1)).isEqualTo(beyond);
  }

  @Test
  void version1BlobsHaveAnImplicitFirstCheckpoint() throws Exception {
    Ztoc z = gzipModel();
    byte[] v2 = z.compressionInfo().checkpoints();
    assertThat(ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).getLong(12)).isEqualTo(10);
    byte[] v1 = new byte[v2.length - RECORD];
    System.arraycopy(v2, 0, v1, 0, 12);
    System.arraycopy(v2, 12 + RECORD, v1, 12, v1.length - 12);
    CompressionInfo ci = z.compressionInfo();
    ZtocView view =
        ZtocView.open(
            ZtocEncoder.encode(
                withInfo(
                    z,
                    new CompressionInfo(ci.algorithm(), ci.maxSpanId(), ci.spanDigests(), v1))));
    ZtocView original = ZtocView.open(ZtocEncoder.encode(z));
    assertThat(view.spanStarts()).isEqualTo(original.spanStarts());
    assertThat(view.spanCompressedStart(0)).isEqualTo(10);
    assertThat(view.gzipZinfo().version()).isEqualTo(GzipZinfo.VERSION_1);
    assertThat(ZtocInfo.of(view).files()).isEqualTo(ZtocInfo.of(original).files());
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Offset of checkpoint i's record in a v2 blob. */
  private static int at(int i) {
    return 12 + i * RECORD;
  }

  private static Ztoc gzipModel() throws Exception {
    Ztoc z =
        ZtocView.open(Vectors.dir().resolve("ztoc/go-pax.tar.gz.4194304.ztoc")).toModel();
    assertThat(z.compressionInfo().maxSpanId()).isEqualTo(2);
    return z;
  }

  private static Ztoc withInfo(Ztoc z, CompressionInfo ci) {
    return new Ztoc(
        z.version(),
        z.buildToolIdentifier(),
        z.compressedArchiveSize(),
        z.uncompressedArchiveSize(),
        z.entries(),
        ci);
  }

  private static Ztoc withBlob(Ztoc z, Consumer<ByteBuffer> edit) {
    CompressionInfo ci = z.compressionInfo();
    byte[] blob = ci.checkpoints();
    edit.accept(ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN));
    return withInfo(
        z, new CompressionInfo(ci.algorithm(), ci.maxSpanId(), ci.spanDigests(), blob));
  }

  private static ZtocView open(Ztoc z) throws ZtocFormatException {
    return ZtocView.open(ZtocEncoder.encode(z));
  }

  private static void assertRejected(Consumer<ByteBuffer> edit, String message) {
    assertThatThrownBy(() -> open(withBlob(gzipModel(), edit)))
        .isInstanceOf(ZtocFormatException.class)
        .hasMessageContaining(message);
  }

  private static Long[] box(long[] a) {
    return Arrays.stream(a).boxed().toArray(Long[]::new);
  }
}
