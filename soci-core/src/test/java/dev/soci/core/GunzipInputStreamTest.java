package dev.soci.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.internal.Gz;
import dev.soci.testing.Vectors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class GunzipInputStreamTest {

  /** Reads {@code in} to its end with reads of random sizes (1 byte to 200 KiB, some single-byte read()s). */
  private static byte[] readRandomly(InputStream in, Random r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[200 * 1024 + 7];
    while (true) {
      if (r.nextInt(8) == 0) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        out.write(b);
        continue;
      }
      int len = r.nextBoolean() ? 1 + r.nextInt(64) : 1 + r.nextInt(buf.length - 7);
      int off = r.nextInt(7);
      int n = in.read(buf, off, len);
      if (n < 0) {
        break;
      }
      assertThat(n).isBetween(1, len);
      out.write(buf, off, n);
    }
    assertThat(in.read()).isEqualTo(-1);
    return out.toByteArray();
  }

  private static byte[] ours(byte[] gz, Random r) throws IOException {
    try (GunzipInputStream in = new GunzipInputStream(new ByteArrayInputStream(gz))) {
      return readRandomly(in, r);
    }
  }

  @Test
  void decodesWhatZlibDecodesWhateverTheReadSizes() throws IOException {
    Random r = new Random(42);
    for (int round = 0; round < 60; round++) {
      int size = switch (round % 4) {
        case 0 -> r.nextInt(100);
        case 1 -> r.nextInt(70_000);
        default -> r.nextInt(3 << 20);
      };
      byte[] data = switch (round % 3) {
        case 0 -> Gz.text(r, size);
        case 1 -> Gz.mixed(r, size);
        default -> Gz.random(r, size);
      };
      int level = r.nextInt(10);
      int strategy = r.nextInt(4) == 0 ? Deflater.HUFFMAN_ONLY : Deflater.DEFAULT_STRATEGY;
      int flush = r.nextInt(3) == 0 ? 1 + r.nextInt(100_000) : 0;
      byte[] gz = Gz.member(data, Gz.deflate(data, level, strategy, flush, Deflater.SYNC_FLUSH),
          r.nextInt(32) & 0x1E);
      byte[] got = ours(gz, r);
      assertThat(got).as("round %d: %d bytes, level %d", round, size, level).isEqualTo(Gz.jdk(gz));
      assertThat(got).isEqualTo(data);
    }
  }

  @Test
  void readsEveryMemberOfAConcatenatedStream() throws IOException {
    Random r = new Random(7);
    byte[] a = Gz.text(r, 300_000);
    byte[] b = new byte[0];
    byte[] c = Gz.mixed(r, 1_000_000);
    byte[] gz = Gz.concat(Gz.gzip(a, 6), Gz.gzip(b, 1), Gz.gzip(c, 9));
    byte[] want = Gz.concat(a, b, c);
    assertThat(ours(gz, r)).isEqualTo(want).isEqualTo(Gz.jdk(gz));
  }

  @Test
  void decodesTheVectorLayersAsZlibDoes() throws IOException {
    Random r = new Random(3);
    for (Path layer : Vectors.gzipLayers()) {
      byte[] gz = Files.readAllBytes(layer);
      assertThat(ours(gz, r)).as(layer.getFileName().toString()).isEqualTo(Gz.jdk(gz));
    }
  }

  @Test
  void aDamagedTrailerIsACorruptStreamAfterTheMembersBytes() throws IOException {
    byte[] data = Gz.text(new Random(1), 100_000);
    byte[] gz = Gz.gzip(data, 6);
    byte[] badCrc = gz.clone();
    badCrc[gz.length - 8] ^= 1;
    assertThatThrownBy(() -> ours(badCrc, new Random(1)))
        .isInstanceOf(CorruptStreamException.class).hasMessageContaining("CRC32 mismatch");
    byte[] badLength = gz.clone();
    badLength[gz.length - 1] ^= 1;
    assertThatThrownBy(() -> ours(badLength, new Random(1)))
        .isInstanceOf(CorruptStreamException.class).hasMessageContaining("length mismatch");
  }

  @Test
  void truncationAnywhereIsATypedErrorNeverShortOutput() {
    byte[] gz = Gz.gzip(Gz.mixed(new Random(5), 200_000), 6);
    Random r = new Random(9);
    for (int cut : new int[] {0, 1, 5, 10, 11, gz.length / 2, gz.length - 8, gz.length - 1}) {
      byte[] part = Arrays.copyOf(gz, cut);
      assertThatThrownBy(() -> ours(part, r)).as("cut at %d", cut)
          .isInstanceOf(TruncatedStreamException.class);
    }
  }

  @Test
  void everyCutIsATruncationAtTheEndOfTheInput() {
    // Small enough to cut at every length; the mixed data gives dynamic blocks whose zero-padded
    // tails decode to invalid codes and distances, which must still read as truncation.
    byte[] gz = Gz.gzip(Gz.mixed(new Random(5), 12_000), 6);
    Random r = new Random(12);
    for (int cut = 0; cut < gz.length; cut++) {
      byte[] part = Arrays.copyOf(gz, cut);
      assertThatThrownBy(() -> ours(part, r)).as("cut at %d of %d", cut, gz.length)
          .isInstanceOf(TruncatedStreamException.class)
          .extracting(e -> ((CorruptStreamException) e).compressedOffset())
          .isEqualTo((long) cut);
    }
  }

  @Test
  void anErrorIsThrownAgainByEveryLaterRead() throws IOException {
    byte[] data = Gz.text(new Random(8), 200_000);
    byte[] gz = Gz.gzip(data, 6);
    Random r = new Random(13);
    int failed = 0;
    for (int i = 0; i < 40; i++) {
      byte[] bad = gz.clone();
      bad[10 + r.nextInt(gz.length - 10)] ^= (byte) (1 << r.nextInt(8));
      GunzipInputStream in = new GunzipInputStream(new ByteArrayInputStream(bad));
      byte[] buf = new byte[8192];
      IOException first = null;
      try {
        while (in.read(buf) >= 0) {
          // drain
        }
      } catch (IOException e) {
        first = e;
      }
      if (first == null) {
        continue; // a flip zlib would also accept cannot pass the CRC: counted below
      }
      failed++;
      IOException thrown = first;
      assertThatThrownBy(() -> in.read(buf)).isSameAs(thrown);
      assertThatThrownBy(in::read).isSameAs(thrown);
      assertThat(in.available()).isZero();
    }
    assertThat(failed).isEqualTo(40);
  }

  @Test
  void bytesAfterTheLastMemberAreRefused() {
    byte[] gz = Gz.gzip(Gz.text(new Random(2), 10_000), 6);
    for (byte[] tail : new byte[][] {{0}, {0, 0, 0, 0}, {0x1f}, "garbage".getBytes()}) {
      byte[] withTail = Gz.concat(gz, tail);
      assertThatThrownBy(() -> ours(withTail, new Random(2)))
          .isInstanceOf(TrailingDataException.class)
          .extracting(e -> ((CorruptStreamException) e).compressedOffset())
          .isEqualTo((long) gz.length);
    }
  }

  @Test
  void garbageIsACorruptStream() {
    Random r = new Random(11);
    for (int i = 0; i < 200; i++) {
      byte[] junk = Gz.random(r, 1 + r.nextInt(5000));
      if (r.nextBoolean()) { // a valid header in front of random deflate data
        junk[0] = 0x1f;
        junk[1] = (byte) 0x8b;
        junk[2] = 8;
        junk[3] = 0;
      }
      assertThatThrownBy(() -> ours(junk, r)).isInstanceOf(SociException.class);
    }
  }

  @Test
  void availableCountsDecodedBytesAndAClosedStreamRefusesReads() throws IOException {
    byte[] data = Gz.text(new Random(4), 50_000);
    GunzipInputStream in = new GunzipInputStream(new ByteArrayInputStream(Gz.gzip(data, 6)));
    assertThat(in.available()).isZero();
    assertThat(in.read()).isEqualTo(data[0] & 0xFF);
    assertThat(in.available()).isPositive().isLessThan(data.length);
    assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1, data.length));
    assertThat(in.read(new byte[4], 0, 0)).isZero();
    in.close();
    in.close();
    assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("stream closed");
  }
}
