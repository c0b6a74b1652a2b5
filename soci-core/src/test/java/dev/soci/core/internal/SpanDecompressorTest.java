package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.CheckpointMismatchException;
import dev.soci.core.Compression;
import dev.soci.core.TruncatedStreamException;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.EmptyBlockPrefix;
import dev.soci.core.internal.LayerIndex;
import dev.soci.core.internal.LayerIndexer;
import dev.soci.core.internal.SpanDecompressor;
import dev.soci.testing.Vectors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpanDecompressorTest {

  interface Engine {
    int run(SpanDecompressor.Slice s, Checkpoint cp, long skip, byte[] dst, int off, int len) throws Exception;
  }

  private static final Engine ZLIB =
      (s, cp, skip, dst, off, len) -> SpanDecompressor.withZlib(s, cp, skip, dst, off, len, false);
  private static final Engine JAVA = SpanDecompressor::withJava;

  static Stream<Path> layers() throws IOException {
    return Vectors.gzipLayers().stream();
  }

  /** Every span, both engines, compared with a straight full decompression. */
  private static java.util.Set<Integer> checkAllSpans(byte[] gz, long spanSize) throws Exception {
    java.util.Set<Integer> residues = new java.util.TreeSet<>();
    byte[] full = Gz.jdk(gz);
    LayerIndex idx = LayerIndexer.index(new ByteArrayInputStream(gz), Compression.GZIP, spanSize, null);
    List<Checkpoint> cps = idx.checkpoints();
    for (int i = 0; i < cps.size(); i++) {
      Checkpoint cp = cps.get(i);
      int from = (int) cp.compressedStart();
      int to = i + 1 < cps.size() ? (int) cps.get(i + 1).in() : gz.length;
      int outEnd = i + 1 < cps.size() ? (int) cps.get(i + 1).out() : full.length;
      int want = outEnd - (int) cp.out();
      byte[] expected = Arrays.copyOfRange(full, (int) cp.out(), outEnd);
      for (Engine e : new Engine[] {ZLIB, JAVA}) {
        byte[] dst = new byte[want];
        int n = e.run(new SpanDecompressor.Slice(gz, from, to), cp, 0, dst, 0, want);
        assertThat(n).as("span %d", i).isEqualTo(want);
        assertThat(dst).as("span %d bits %d", i, cp.bits()).isEqualTo(expected);
        if (want > 10) { // a sub-range with a skip
          int skip = want / 3;
          int len = Math.min(want - skip, 5000);
          byte[] part = new byte[len];
          assertThat(e.run(new SpanDecompressor.Slice(gz, from, to), cp, skip, part, 0, len)).isEqualTo(len);
          assertThat(part).isEqualTo(Arrays.copyOfRange(expected, skip, skip + len));
        }
      }
      byte[] viaApi = new byte[want];
      ByteBuffer direct = ByteBuffer.allocateDirect(to - from).put(gz, from, to - from).flip();
      assertThat(SpanDecompressor.decompress(direct, cp, viaApi, 0, want)).isEqualTo(want);
      assertThat(viaApi).isEqualTo(expected);
      if (i + 1 < cps.size()) {
        // A whole span ending at a checkpoint: exactly its length passes, one more or one less
        // byte is a checkpoint mismatch (the bytes of another place), never silent.
        byte[] exact = new byte[want];
        SpanDecompressor.decompressSpan(direct, cp, exact, 0, want);
        assertThat(exact).isEqualTo(expected);
        for (int wrong : new int[] {want - 1, want + 1}) {
          if (wrong >= 0) {
            assertThatThrownBy(() -> SpanDecompressor.decompressSpan(direct, cp, new byte[wrong], 0, wrong))
                .as("span %d claimed %d of %d bytes", i, wrong, want)
                .isInstanceOf(CheckpointMismatchException.class)
                .hasMessageContaining("compressed offset " + cp.compressedStart());
          }
        }
      }
      residues.add(cp.bits());
    }
    return residues;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  void everyCheckpointOfEveryVectorLayer(Path layer) throws Exception {
    checkAllSpans(Files.readAllBytes(layer), 65536);
  }

  @Test
  void generatedLayersWithManyUnalignedCheckpoints() throws Exception {
    Random r = new Random(11);
    byte[] a = Gz.mixed(r, 800_000);
    byte[] b = Gz.text(r, 300_000);
    byte[] t = Gz.text(r, 2_000_000);
    java.util.Set<Integer> residues = new java.util.TreeSet<>();
    // small span sizes -> a checkpoint at almost every block, so every bits residue shows up
    residues.addAll(checkAllSpans(Gz.gzip(a, 6), 10_000));
    residues.addAll(checkAllSpans(Gz.gzip(t, 1), 1));
    residues.addAll(checkAllSpans(Gz.gzip(t, 9), 1));
    residues.addAll(checkAllSpans(Gz.member(a, Gz.deflate(a, 9, Deflater.FILTERED, 3000, Deflater.SYNC_FLUSH), 8), 5_000));
    // a span crossing member boundaries (huge span: one span covers all members)
    residues.addAll(checkAllSpans(
        Gz.concat(Gz.gzip(a, 1), Gz.gzip(new byte[0], 6), Gz.member(b, Gz.deflate(b, 6, 0, 0, 0), 31 & ~1)), 1L << 40));
    residues.addAll(checkAllSpans(Gz.concat(Gz.gzip(a, 1), Gz.gzip(b, 9)), 20_000));
    // members (one empty) crossed inside spans that must end exactly at their checkpoints
    residues.addAll(checkAllSpans(
        Gz.concat(Gz.gzip(a, 1), Gz.gzip(new byte[0], 6), Gz.gzip(b, 9), Gz.gzip(a, 6)), 7_000));
    // the spans above started at every possible bit offset within a byte, through both engines
    assertThat(residues).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }

  /**
   * Proof of the prefix construction: for every residue 1..7, a raw deflate stream shifted to start
   * {@code bits} bits before the end of its first byte (with junk in the low bits) decodes right.
   */
  @ParameterizedTest(name = "bits {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
  void synthesizedPrefixMakesEveryResidueByteAligned(int bits) throws Exception {
    Random r = new Random(bits);
    byte[] data = Gz.text(r, 20_000);
    byte[] raw = Gz.deflate(data, 6, Deflater.DEFAULT_STRATEGY, 0, 0);
    for (int junk : new int[] {0x00, 0xFF, 0x5A}) {
      // shift the stream left by (8 - bits) bits so it begins at bit (8 - bits) of byte 0
      byte[] shifted = new byte[raw.length + 1];
      int sh = 8 - bits;
      int lowMask = (1 << sh) - 1;
      shifted[0] = (byte) (junk & lowMask);
      for (int i = 0; i < raw.length; i++) {
        int v = (raw[i] & 0xFF) << sh;
        shifted[i] |= (byte) v;
        shifted[i + 1] |= (byte) (v >>> 8);
      }
      Checkpoint cp = new Checkpoint(1, 0, bits, new byte[Checkpoint.WINDOW_SIZE]);
      for (Engine e : new Engine[] {ZLIB, JAVA}) {
        byte[] dst = new byte[data.length];
        assertThat(e.run(new SpanDecompressor.Slice(shifted, 0, shifted.length), cp, 0, dst, 0, dst.length))
            .isEqualTo(data.length);
        assertThat(dst).isEqualTo(data);
      }
      // the prefix itself: whole bytes, (length*8 - bits) bits of empty blocks
      byte[] p = EmptyBlockPrefix.forBits(bits, shifted[0]);
      assertThat((p[p.length - 1] & 0xFF) >>> sh).isEqualTo((shifted[0] & 0xFF) >>> sh);
    }
  }

  @Test
  void truncatedSpanIsATypedError() throws Exception {
    byte[] data = Gz.text(new Random(13), 100_000);
    byte[] gz = Gz.gzip(data, 6);
    LayerIndex idx = LayerIndexer.index(new ByteArrayInputStream(gz), null, 1 << 20, null);
    Checkpoint cp = idx.checkpoints().get(0);
    ByteBuffer cut = ByteBuffer.wrap(gz, (int) cp.in(), 100);
    assertThatThrownBy(() -> SpanDecompressor.decompress(cut, cp, new byte[data.length], 0, data.length))
        .isInstanceOf(TruncatedStreamException.class);
    byte[] dst = new byte[data.length];
    assertThatThrownBy(() -> JAVA.run(new SpanDecompressor.Slice(gz, (int) cp.in(), (int) cp.in() + 100), cp, 0, dst, 0, dst.length))
        .isInstanceOf(TruncatedStreamException.class);
  }

  @Test
  void askingPastTheEndOfTheStreamReturnsWhatExists() throws Exception {
    byte[] data = Gz.text(new Random(14), 10_000);
    byte[] gz = Gz.gzip(data, 6);
    Checkpoint cp = LayerIndexer.index(new ByteArrayInputStream(gz), null, 1 << 20, null).checkpoints().get(0);
    for (Engine e : new Engine[] {ZLIB, JAVA}) {
      byte[] dst = new byte[data.length + 50];
      assertThat(e.run(new SpanDecompressor.Slice(gz, 10, gz.length), cp, 0, dst, 0, dst.length)).isEqualTo(data.length);
      assertThat(Arrays.copyOf(dst, data.length)).isEqualTo(data);
    }
  }
}
