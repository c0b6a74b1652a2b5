package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.Compression;
import dev.soci.core.CorruptStreamException;
import dev.soci.core.SociException;
import dev.soci.core.TrailingDataException;
import dev.soci.core.TruncatedStreamException;
import dev.soci.core.internal.Huffman;
import dev.soci.core.internal.LayerIndex;
import dev.soci.core.internal.LayerIndexer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad input must give a typed SociException naming the offset, never another exception or a hang. */
class CorruptionTest {
  private static final byte[] DATA = Gz.mixed(new Random(21), 60_000);
  private static final byte[] GZ = Gz.gzip(DATA, 6);

  private static LayerIndex index(byte[] gz) throws IOException {
    return LayerIndexer.index(new ByteArrayInputStream(gz), Compression.GZIP, 4096, null);
  }

  @Test
  void notGzip() {
    byte[] tar = new byte[1024];
    assertThatThrownBy(() -> index(tar)).isInstanceOf(CorruptStreamException.class).hasMessageContaining("magic");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void truncatedAtManyOffsets() {
    for (int cut = 0; cut < GZ.length; cut += cut < 300 ? 1 : 97) {
      byte[] t = Arrays.copyOf(GZ, cut);
      assertThatThrownBy(() -> index(t)).as("cut at %d", cut).isInstanceOf(TruncatedStreamException.class);
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void randomByteFlipsGiveRightOutputOrATypedError() throws IOException {
    byte[] data = Gz.text(new Random(22), 30_000);
    byte[][] inputs = {
      Gz.gzip(data, 6), Gz.gzip(data, 1), Gz.member(data, Gz.deflate(data, 0, 0, 0, 0), 30),
      Gz.member(data, Gz.deflate(data, 9, Deflater.HUFFMAN_ONLY, 0, 0), 0),
    };
    Random r = new Random(23);
    int errors = 0;
    for (int i = 0; i < 4000; i++) {
      byte[] gz = inputs[i % inputs.length].clone();
      int flips = 1 + r.nextInt(3);
      for (int k = 0; k < flips; k++) {
        gz[r.nextInt(gz.length)] ^= (byte) (1 + r.nextInt(255));
      }
      try {
        assertThat(Gz.ours(gz)).isEqualTo(data);
      } catch (SociException expected) {
        errors++;
        assertThat(expected).isInstanceOf(CorruptStreamException.class);
      }
    }
    assertThat(errors).isGreaterThan(3000);
  }

  @Test
  void crcMismatch() {
    byte[] gz = GZ.clone();
    gz[gz.length - 8] ^= 1;
    assertThatThrownBy(() -> index(gz)).isInstanceOf(CorruptStreamException.class).hasMessageContaining("CRC32");
  }

  @Test
  void isizeMismatch() {
    byte[] gz = GZ.clone();
    gz[gz.length - 1] ^= 1;
    assertThatThrownBy(() -> index(gz)).isInstanceOf(CorruptStreamException.class).hasMessageContaining("ISIZE");
  }

  @Test
  void trailingBytesThatAreNotAMember() {
    for (byte[] tail : new byte[][] {new byte[512], {0x1f}, "garbage".getBytes(), {0x1f, 0x00, 1}}) {
      byte[] gz = Gz.concat(GZ, tail);
      assertThatThrownBy(() -> index(gz))
          .isInstanceOf(TrailingDataException.class)
          .hasMessageContaining("not a gzip member")
          .hasMessageContaining("reference implementation rejects")
          .hasMessageContaining("offset " + GZ.length);
    }
  }

  @Test
  void trailingTruncatedMember() {
    byte[] gz = Gz.concat(GZ, Arrays.copyOf(GZ, 40));
    assertThatThrownBy(() -> index(gz)).isInstanceOf(TruncatedStreamException.class);
  }

  @Test
  void badHeaders() {
    byte[] reserved = GZ.clone();
    reserved[3] = (byte) 0x20;
    assertThatThrownBy(() -> index(reserved)).isInstanceOf(CorruptStreamException.class).hasMessageContaining("reserved");
    byte[] method = GZ.clone();
    method[2] = 7;
    assertThatThrownBy(() -> index(method)).isInstanceOf(CorruptStreamException.class).hasMessageContaining("method");
    byte[] hcrc = Gz.member(DATA, Gz.deflate(DATA, 6, 0, 0, 0), 2 | 8);
    hcrc[11] ^= 1; // inside the file name, covered by the header CRC
    assertThatThrownBy(() -> index(hcrc)).isInstanceOf(CorruptStreamException.class).hasMessageContaining("header CRC");
  }

  @Test
  void invalidBlocks() {
    // BFINAL=1 BTYPE=3
    assertThatThrownBy(() -> index(Gz.member(new byte[0], new byte[] {0x07}, 0)))
        .isInstanceOf(CorruptStreamException.class).hasMessageContaining("invalid block type")
        .hasMessageContaining("offset 10");
    // stored block whose NLEN is not the complement of LEN
    assertThatThrownBy(() -> index(Gz.member(new byte[0], new byte[] {0x01, 0, 0, 0, 0}, 0)))
        .isInstanceOf(CorruptStreamException.class).hasMessageContaining("complement");
    // a stream compressed against a preset dictionary references bytes before its start
    byte[] dict = Gz.text(new Random(24), 1000);
    Deflater d = new Deflater(6, true);
    d.setDictionary(dict);
    d.setInput(Arrays.copyOf(dict, 500));
    d.finish();
    byte[] body = new byte[2000];
    int n = d.deflate(body);
    d.end();
    assertThatThrownBy(() -> index(Gz.member(Arrays.copyOf(dict, 500), Arrays.copyOf(body, n), 0)))
        .isInstanceOf(CorruptStreamException.class).hasMessageContaining("too far back");
  }

  @Test
  void zlibCodeRules() {
    int[] t = new int[Huffman.LIT_SIZE];
    int[] s = new int[32];
    int[] tmpl = Huffman.LIT_TEMPLATE;
    assertThat(Huffman.build(new byte[] {1, 1, 1}, 0, 3, t, 10, tmpl, true, s)).isEqualTo(Huffman.OVERSUBSCRIBED);
    assertThat(Huffman.build(new byte[] {2, 2, 2}, 0, 3, t, 10, tmpl, true, s)).isEqualTo(Huffman.INCOMPLETE);
    assertThat(Huffman.build(new byte[] {0, 1}, 0, 2, t, 10, tmpl, true, s)).isEqualTo(Huffman.OK);
    // the unused half of a single one-bit code decodes to an error entry
    assertThat((t[1] >>> 5) & 7).isEqualTo(Huffman.BAD);
    assertThat(t[0] >>> 16).isEqualTo(1);
    assertThat(Huffman.build(new byte[] {0, 1}, 0, 2, t, 10, tmpl, false, s)).isEqualTo(Huffman.INCOMPLETE);
    assertThat(Huffman.build(new byte[] {0, 0}, 0, 2, t, 10, tmpl, true, s)).isEqualTo(Huffman.EMPTY);
    assertThat((t[0] >>> 5) & 7).isEqualTo(Huffman.BAD);
  }
}
