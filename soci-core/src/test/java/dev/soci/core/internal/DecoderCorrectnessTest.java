package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.soci.core.Compression;
import dev.soci.core.internal.Checkpoint;
import dev.soci.core.internal.LayerIndex;
import dev.soci.core.internal.LayerIndexer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure-Java decoder against java.util.zip and system gzip on many kinds of input. */
class DecoderCorrectnessTest {
  private static final Random R = new Random(42);
  private static final byte[][] DATA = {
    new byte[0], new byte[] {7}, Gz.random(new Random(1), 300_000), Gz.text(new Random(2), 700_000),
    Gz.repetitive(400_000), Gz.mixed(new Random(3), 1_500_000),
  };

  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
  void everyLevelDecodesLikeTheJdk(int level) throws IOException {
    for (byte[] d : DATA) {
      byte[] gz = Gz.gzip(d, level);
      assertThat(Gz.ours(gz)).isEqualTo(d).isEqualTo(Gz.jdk(gz));
    }
  }

  @ParameterizedTest(name = "strategy {0}")
  @ValueSource(ints = {Deflater.FILTERED, Deflater.HUFFMAN_ONLY})
  void strategies(int strategy) throws IOException {
    for (byte[] d : DATA) {
      for (int level : new int[] {1, 6, 9}) {
        byte[] gz = Gz.member(d, Gz.deflate(d, level, strategy, 0, 0), 0);
        assertThat(Gz.ours(gz)).isEqualTo(d);
      }
    }
  }

  @ParameterizedTest(name = "flush mode {0}")
  @ValueSource(ints = {Deflater.SYNC_FLUSH, Deflater.FULL_FLUSH})
  void flushedBlocksIncludingEmptyStoredOnes(int mode) throws IOException {
    for (byte[] d : DATA) {
      for (int every : new int[] {1, 1000, 65536}) {
        if (d.length / every > 20_000) {
          continue;
        }
        byte[] gz = Gz.member(d, Gz.deflate(d, 6, Deflater.DEFAULT_STRATEGY, every, mode), 0);
        assertThat(Gz.ours(gz)).isEqualTo(d);
      }
    }
  }

  @Test
  void everyOptionalHeaderFieldCombination() throws IOException {
    byte[] d = Gz.text(R, 50_000);
    byte[] body = Gz.deflate(d, 6, Deflater.DEFAULT_STRATEGY, 0, 0);
    for (int flags = 0; flags < 32; flags++) {
      if ((flags & 1) != 0) {
        continue; // FTEXT is allowed but only a hint; covered by flags with bit 0 below
      }
      byte[] gz = Gz.member(d, body, flags);
      assertThat(Gz.ours(gz)).as("flags %d", flags).isEqualTo(d);
      assertThat(Gz.ours(Gz.member(d, body, flags | 1))).isEqualTo(d);
      // checkpoint 0 sits right after the header, whatever its length
      LayerIndex idx = LayerIndexer.index(new ByteArrayInputStream(gz), null, 1 << 20, null);
      assertThat(idx.checkpoints().get(0).in()).isEqualTo(gz.length - body.length - 8);
    }
  }

  @Test
  void concatenatedMembersKeepCountersRunning() throws IOException {
    byte[] a = Gz.mixed(new Random(5), 300_000);
    byte[] b = Gz.text(new Random(6), 200_000);
    byte[] empty = new byte[0];
    byte[] gz = Gz.concat(Gz.gzip(a, 6), Gz.gzip(empty, 6), Gz.member(b, Gz.deflate(b, 1, 0, 0, 0), 8 | 2));
    assertThat(Gz.ours(gz)).isEqualTo(Gz.jdk(gz)).isEqualTo(Gz.concat(a, b));
    LayerIndex idx = LayerIndexer.index(new ByteArrayInputStream(gz), null, 50_000, null);
    assertThat(idx.uncompressedSize()).isEqualTo(a.length + b.length);
    assertThat(idx.compressedSize()).isEqualTo(gz.length);
    List<Long> outs = new ArrayList<>();
    for (Checkpoint c : idx.checkpoints()) {
      outs.add(c.out());
    }
    assertThat(outs).isSorted();
    assertThat(outs.get(outs.size() - 1)).isGreaterThan(a.length); // checkpoints continue in member 3
  }

  @Test
  void emptyInputMember() throws IOException {
    byte[] gz = Gz.gzip(new byte[0], 6);
    LayerIndex idx = LayerIndexer.index(new ByteArrayInputStream(gz), null, 100, null);
    assertThat(idx.uncompressedSize()).isZero();
    assertThat(idx.checkpoints()).hasSize(1);
    assertThat(idx.checkpoints().get(0).in()).isEqualTo(10);
  }

  @Test
  void systemGzipAllLevels() throws Exception {
    Path gzip = Path.of("/usr/bin/gzip");
    assumeTrue(Files.isExecutable(gzip), "no /usr/bin/gzip");
    byte[] d = Gz.mixed(new Random(7), 600_000);
    Path tmp = Files.createTempFile("soci-gz", ".bin");
    try {
      Files.write(tmp, d);
      for (int level = 1; level <= 9; level++) {
        Process p = new ProcessBuilder(gzip.toString(), "-" + level, "-c", tmp.toString()).start();
        byte[] gz = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        assertThat(Gz.ours(gz)).as("gzip -%d", level).isEqualTo(d);
      }
    } finally {
      Files.delete(tmp);
    }
  }

  @Test
  void pigzWhenInstalled() throws Exception {
    Path pigz = Path.of("/usr/bin/pigz");
    assumeTrue(Files.isExecutable(pigz), "pigz not installed");
    byte[] d = Gz.mixed(new Random(8), 600_000);
    Path tmp = Files.createTempFile("soci-pigz", ".bin");
    try {
      Files.write(tmp, d);
      // -b 32: 32 KiB blocks, so pigz's sync-flushed independent blocks show up often
      Process p = new ProcessBuilder(pigz.toString(), "-c", "-b", "32", tmp.toString()).start();
      byte[] gz = p.getInputStream().readAllBytes();
      assertThat(p.waitFor()).isZero();
      assertThat(Gz.ours(gz)).isEqualTo(d);
    } finally {
      Files.delete(tmp);
    }
  }

  @Test
  void sinkSeesEveryByteAndDigestsMatch() throws Exception {
    byte[] d = Gz.mixed(new Random(9), 900_000);
    byte[] gz = Gz.gzip(d, 6);
    LayerIndex idx = LayerIndexer.index(new ByteArrayInputStream(gz), Compression.GZIP, 100_000, null);
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    assertThat(idx.diffId()).isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(md.digest(d)));
    assertThat(idx.layerDigest()).isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(md.digest(gz)));
    assertThat(idx.uncompressedSize()).isEqualTo(d.length);
    assertThat(idx.spanCount()).isEqualTo(idx.checkpoints().size()).isGreaterThan(5);
  }
}
