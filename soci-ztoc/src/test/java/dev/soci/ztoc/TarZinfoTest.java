package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TarZinfoTest {

  @Test
  void spansAreFixedSlicesWithAShortLastOne() {
    TarZinfo z = new TarZinfo(4096, 10_000);
    assertThat(z.numSpans()).isEqualTo(3);
    assertThat(z.spanStart(2)).isEqualTo(8192);
    assertThat(z.spanEnd(1)).isEqualTo(8192);
    assertThat(z.spanEnd(2)).isEqualTo(10_000);
    assertThatThrownBy(() -> z.spanStart(3)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void theLastSpanEndsAtTheSizeWhereTheNextStartWouldOverflow() {
    long spanSize = Long.MAX_VALUE / 3 * 2;
    TarZinfo z = new TarZinfo(spanSize, Long.MAX_VALUE);
    assertThat(z.numSpans()).isEqualTo(2);
    assertThat(z.spanEnd(0)).isEqualTo(spanSize);
    assertThat(z.spanEnd(1)).isEqualTo(Long.MAX_VALUE); // (1 + 1) * spanSize is negative
  }

  @Test
  void aTinyBlobCanDeclareBillionsOfSpansWithoutCostingAnything() throws Exception {
    TarZinfo z = TarZinfo.parse(new TarZinfo(1, Integer.MAX_VALUE - 1L).toBytes());
    assertThat(z.numSpans()).isEqualTo(Integer.MAX_VALUE - 1);
    assertThat(z.spanEnd(z.numSpans() - 1)).isEqualTo(Integer.MAX_VALUE - 1L);
  }
}
