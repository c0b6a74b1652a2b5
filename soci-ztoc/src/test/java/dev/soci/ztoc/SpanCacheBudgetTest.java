package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.RangeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Several readers charged to one {@link SpanCacheBudget}: one bound for all, evicting across. */
class SpanCacheBudgetTest {
  private static final Path LAYERS =
      Path.of(System.getProperty("soci.testdata", "../testdata"), "vectors", "layers");

  @Test
  void readersSharingABudgetStayWithinItTogetherAndGiveTheirSpansBackOnClose() throws Exception {
    Path layer = LAYERS.resolve("go-pax.tar.gz");
    byte[] blob = Files.readAllBytes(layer);
    ZtocView ztoc = ZtocView.open(ZtocBuilder.create().spanSize(1 << 18).build(layer).bytes());
    Map<String, byte[]> expected = LayerReaderTest.regularFiles(blob, "go-pax.tar.gz");
    long largestSpan = 0;
    for (int i = 0; i < ztoc.spanCount(); i++) {
      largestSpan = Math.max(largestSpan, ztoc.spanUncompressedEnd(i) - ztoc.spanUncompressedStart(i));
    }
    SpanCacheBudget budget = new SpanCacheBudget(3 * largestSpan);
    List<LayerReader> readers = new ArrayList<>();
    LayerReaderTest.CountingSource[] sources = new LayerReaderTest.CountingSource[3];
    for (int r = 0; r < 3; r++) {
      sources[r] = new LayerReaderTest.CountingSource(RangeSource.of(blob));
      readers.add(LayerReader.builder(ztoc, sources[r]).cacheBudget(budget).threads(2).build());
    }
    long peak = 0;
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      for (LayerReader reader : readers) {
        assertThat(reader.readFile(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        peak = Math.max(peak, budget.size());
      }
    }
    // Three readers with a bound of their own would hold up to three times as much; together
    // they stay within the shared bound (plus the span just loaded, which is always kept).
    assertThat(peak).isLessThanOrEqualTo(budget.maxBytes() + largestSpan);
    assertThat(peak).isGreaterThan(0);
    // A fourth pass over the same layer through reader 0 alone: its spans were evicted by the
    // other readers' loads, so it fetches again.
    int before = sources[0].reads.get();
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      readers.get(0).readFile(e.getKey());
    }
    assertThat(sources[0].reads.get()).isGreaterThan(before);
    for (LayerReader reader : readers) {
      reader.close();
    }
    assertThat(budget.size()).isZero();
  }

  @Test
  void aLoadInOneReaderEvictsTheStalestSpanOfAnother() throws Exception {
    Path layer = LAYERS.resolve("go-pax.tar.gz");
    byte[] blob = Files.readAllBytes(layer);
    ZtocView ztoc = ZtocView.open(ZtocBuilder.create().spanSize(1 << 18).build(layer).bytes());
    SpanCacheBudget budget = new SpanCacheBudget(0);
    LayerReaderTest.CountingSource a = new LayerReaderTest.CountingSource(RangeSource.of(blob));
    LayerReaderTest.CountingSource b = new LayerReaderTest.CountingSource(RangeSource.of(blob));
    try (LayerReader ra = LayerReader.builder(ztoc, a).cacheBudget(budget).build();
        LayerReader rb = LayerReader.builder(ztoc, b).cacheBudget(budget).build()) {
      byte[] one = new byte[16];
      ra.read(0, one, 0, one.length);
      ra.read(0, one, 0, one.length);
      assertThat(a.reads.get()).as("kept: the only span").isEqualTo(1);
      rb.read(0, one, 0, one.length);
      ra.read(0, one, 0, one.length);
      assertThat(a.reads.get()).as("evicted by the other reader's load").isEqualTo(2);
      long spanSize = ztoc.spanUncompressedEnd(0) - ztoc.spanUncompressedStart(0);
      assertThat(budget.size()).isEqualTo(spanSize);
    }
    assertThat(budget.size()).isZero();
  }

  @Test
  void aNegativeBudgetIsRefused() {
    assertThatThrownBy(() -> new SpanCacheBudget(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
