package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.Compression;
import dev.soci.core.internal.LayerIndex;
import dev.soci.core.internal.LayerIndexer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayerIndexerTest {
  private static String sha(byte[] b, int from, int to) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(b, from, to - from);
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  @Test
  void detection() {
    assertThat(Compression.detect(new byte[] {0x1f, (byte) 0x8b}, 2)).isEqualTo(Compression.GZIP);
    assertThat(Compression.detect(new byte[] {0x1f, (byte) 0x8b}, 1)).isEqualTo(Compression.UNCOMPRESSED);
    assertThat(Compression.detect(new byte[] {'u', 's'}, 2)).isEqualTo(Compression.UNCOMPRESSED);
    assertThat(Compression.detect(new byte[0], 0)).isEqualTo(Compression.UNCOMPRESSED);
  }

  @Test
  void uncompressedSpansAreFixedRanges() throws Exception {
    byte[] tar = Gz.random(new Random(41), 10_000);
    for (int span : new int[] {1000, 3000, 10_000, 20_000}) {
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      LayerIndex idx = LayerIndexer.index(new ByteArrayInputStream(tar), null, span, sink::write);
      assertThat(idx.compression()).isEqualTo(Compression.UNCOMPRESSED);
      assertThat(sink.toByteArray()).isEqualTo(tar);
      assertThat(idx.spanCount()).isEqualTo((tar.length + span - 1) / span);
      for (int i = 0; i < idx.spanCount(); i++) {
        assertThat(idx.spanDigests().get(i)).isEqualTo(sha(tar, i * span, Math.min((i + 1) * span, tar.length)));
      }
      assertThat(idx.layerDigest()).isEqualTo(idx.diffId()).isEqualTo(sha(tar, 0, tar.length));
      assertThat(idx.compressedSize()).isEqualTo(idx.uncompressedSize()).isEqualTo(tar.length);
    }
    LayerIndex empty = LayerIndexer.index(new ByteArrayInputStream(new byte[0]), null, 100, null);
    assertThat(empty.spanCount()).isZero();
    assertThat(empty.compressedSize()).isZero();
  }

  @Test
  void gzipSpanDigestsFollowTheCheckpoints() throws Exception {
    byte[] gz = Gz.gzip(Gz.mixed(new Random(42), 700_000), 6);
    LayerIndex idx = LayerIndexer.index(new ByteArrayInputStream(gz), null, 40_000, null);
    var cps = idx.checkpoints();
    for (int i = 0; i < cps.size(); i++) {
      int from = (int) cps.get(i).compressedStart();
      int to = i + 1 < cps.size() ? (int) cps.get(i + 1).in() : gz.length;
      assertThat(idx.spanDigests().get(i)).isEqualTo(sha(gz, from, to));
    }
    // checkpoint rule: every gap exceeds the span size
    for (int i = 1; i < cps.size(); i++) {
      assertThat(cps.get(i).out() - cps.get(i - 1).out()).isGreaterThan(40_000);
    }
  }

  @Test
  void oneByteReadsGiveTheSameIndex() throws Exception {
    byte[] gz = Gz.gzip(Gz.mixed(new Random(43), 200_000), 6);
    LayerIndex a = LayerIndexer.index(new ByteArrayInputStream(gz), null, 20_000, null);
    LayerIndex b = LayerIndexer.index(new ByteArrayInputStream(gz) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, 1 + (int) (pos % 7)));
      }
    }, null, 20_000, null);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void spanSizeMustBePositive() {
    assertThatThrownBy(() -> LayerIndexer.index(new ByteArrayInputStream(new byte[0]), null, 0, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
