package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.soci.core.Compression;
import dev.soci.core.CorruptZinfoException;
import dev.soci.core.SociException;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.GzipZinfo;
import dev.soci.core.internal.LayerIndex;
import dev.soci.core.internal.LayerIndexer;
import dev.soci.core.internal.Sha256;
import dev.soci.core.internal.SpanDecompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Coverage-guided fuzz targets (Jazzer) for the gzip/deflate engine: the decoder behind {@link
 * LayerIndexer}, {@link GzipZinfo} parsing and {@link SpanDecompressor}.
 *
 * <p>In a normal build each target runs once per committed input under {@code
 * src/test/resources/dev/soci/core/CoreFuzzTargetsTestInputs/<target>/} (regression mode); with
 * {@code JAZZER_FUZZ=1} one target is fuzzed (see {@code .ci/fuzz}). The contract of every target:
 * bad input ends in a {@link SociException} (which the targets catch); any other exception or
 * {@link Error}, a failed assertion, a timeout or running out of memory is a finding.
 */
class CoreFuzzTargetsTest {
  /** Small enough that a few KiB of fuzzer input spans several checkpoints. */
  private static final long SPAN_SIZE = 16 << 10;

  /**
   * Arbitrary bytes read as a gzip layer. When the indexer accepts them, every checkpoint must
   * restart decoding exactly, the digests must be those of the bytes, and a stream the JDK also
   * decodes must decode to the same bytes.
   */
  @FuzzTest(maxDuration = "60s")
  void gzipLayer(byte[] data) throws IOException {
    indexAndCheck(data);
  }

  /**
   * Arbitrary bytes read as raw deflate data, wrapped in a gzip header and, when zlib finds the
   * end of the deflate stream, a correct trailer: this gets the fuzzer past the magic and the
   * CRC. A stream zlib decodes must be decoded identically by this library.
   */
  @FuzzTest(maxDuration = "60s")
  void deflateBody(byte[] body) throws IOException {
    Inflater zlib = new Inflater(true);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    boolean zlibValid;
    int used;
    try {
      zlib.setInput(body);
      byte[] buf = new byte[64 << 10];
      while (!zlib.finished() && !zlib.needsInput() && expected.size() < (64 << 20)) {
        expected.write(buf, 0, zlib.inflate(buf));
      }
      zlibValid = zlib.finished();
      used = (int) zlib.getBytesRead();
    } catch (DataFormatException e) {
      zlibValid = false;
      used = body.length;
    } finally {
      zlib.end();
    }
    byte[] member = Gz.member(expected.toByteArray(), Arrays.copyOf(body, used), 0);
    byte[] decoded = indexAndCheck(member);
    if (zlibValid) {
      // Deflate data zlib accepts is what real layers hold: rejecting it is a bug too.
      assertThat(decoded).as("zlib decodes this deflate stream").isNotNull();
      assertBytes("decoded deflate stream vs zlib", decoded, expected.toByteArray());
    }
  }

  /** Arbitrary bytes parsed as a gzip zinfo blob (v1 or v2); what parses must round-trip. */
  @FuzzTest(maxDuration = "60s")
  void gzipZinfo(byte[] data) {
    GzipZinfo z;
    try {
      z = GzipZinfo.parse(ByteBuffer.wrap(data));
    } catch (CorruptZinfoException expected) {
      return;
    }
    byte[] again = z.toBytes();
    assertThat(again).hasSize(z.serializedSize());
    try {
      assertThat(GzipZinfo.parse(ByteBuffer.wrap(again))).isEqualTo(z);
    } catch (CorruptZinfoException e) {
      throw new AssertionError("a parsed zinfo does not parse again after writing", e);
    }
  }

  /**
   * A fuzzer-chosen checkpoint (bit offset, window) and span data. Decompression ends in bytes
   * or a {@link SociException}; zlib and this library's decoder, which the decompressor uses in
   * turn, must agree on every span both can decode.
   */
  @FuzzTest(maxDuration = "60s")
  void spanDecompressor(FuzzedDataProvider d) throws IOException {
    int bits = d.consumeInt(0, 7);
    long in = d.consumeLong(bits == 0 ? 0 : 1, 1L << 40);
    long out = d.consumeLong(0, 1L << 40);
    byte[] window = new byte[Checkpoint.WINDOW_SIZE];
    byte[] history = d.consumeBytes(d.consumeInt(0, 2048));
    // Windows are zero-filled at the front when less history exists: put it at the end.
    System.arraycopy(history, 0, window, window.length - history.length, history.length);
    Checkpoint cp = new Checkpoint(in, out, bits, window);
    long skip = d.consumeLong(0, 1 << 20);
    int len = d.consumeInt(0, 1 << 20);
    byte[] span = d.consumeRemainingAsBytes();

    byte[] viaApi = new byte[len];
    int n;
    try {
      n = SpanDecompressor.decompress(ByteBuffer.wrap(span), cp, skip, viaApi, 0, len);
    } catch (SociException expected) {
      return;
    }
    assertThat(n).isBetween(0, len);
    if (len == 0) {
      // Nothing was asked for, so zlib looked at nothing (not even the skipped bytes): there is
      // no decoding to compare.
      return;
    }
    SpanDecompressor.Slice slice = new SpanDecompressor.Slice(span, 0, span.length);
    byte[] viaJava = new byte[len];
    int m;
    try {
      m = SpanDecompressor.withJava(slice, cp, skip, viaJava, 0, len);
    } catch (SociException e) {
      throw new AssertionError("zlib decoded the span (" + n + " bytes) but our decoder rejects it", e);
    }
    assertThat(m).as("bytes produced by our decoder vs zlib").isEqualTo(n);
    assertBytes("span bytes, our decoder vs zlib", Arrays.copyOf(viaJava, m), Arrays.copyOf(viaApi, n));
  }

  /**
   * Indexes {@code layer} as gzip and checks the result against the bytes; returns the
   * uncompressed stream, or null when the layer is rejected with a typed exception.
   */
  private static byte[] indexAndCheck(byte[] layer) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LayerIndex index;
    try {
      index = LayerIndexer.index(new ByteArrayInputStream(layer), Compression.GZIP, SPAN_SIZE, sink::write);
    } catch (SociException expected) {
      return null;
    }
    byte[] plain = sink.toByteArray();
    assertThat(index.compressedSize()).isEqualTo(layer.length);
    assertThat(index.uncompressedSize()).isEqualTo(plain.length);
    assertThat(index.layerDigest()).isEqualTo(Sha256.of(layer, 0, layer.length));
    assertThat(index.diffId()).isEqualTo(Sha256.of(plain, 0, plain.length));
    List<Checkpoint> cps = index.checkpoints();
    assertThat(cps).isNotEmpty();
    for (int i = 0; i < cps.size(); i++) {
      Checkpoint cp = cps.get(i);
      long end = i + 1 < cps.size() ? cps.get(i + 1).out() : plain.length;
      assertThat(cp.out()).isBetween(0L, end);
      assertThat(cp.compressedStart()).isBetween(0L, (long) layer.length);
      // Every span must decode from its checkpoint to exactly the bytes the whole pass produced.
      int len = (int) (end - cp.out());
      byte[] got = new byte[len];
      ByteBuffer span = ByteBuffer.wrap(layer, (int) cp.compressedStart(), layer.length - (int) cp.compressedStart());
      int n = SpanDecompressor.decompress(span, cp, got, 0, len);
      assertThat(n).as("span %d length", i).isEqualTo(len);
      assertBytes("span " + i + " decoded from its checkpoint", got, Arrays.copyOfRange(plain, (int) cp.out(), (int) end));
    }
    return plain;
  }

  /** Equal bytes, or a failure naming the first difference (not two long arrays). */
  private static void assertBytes(String what, byte[] got, byte[] expected) {
    int at = Arrays.mismatch(got, expected);
    if (at >= 0) {
      throw new AssertionError("wrong bytes: " + what + ": " + got.length + " bytes, " + expected.length
          + " expected, first difference at byte " + at);
    }
  }
}
