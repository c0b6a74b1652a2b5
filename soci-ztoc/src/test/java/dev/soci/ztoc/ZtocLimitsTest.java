package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.IndexLimitException;
import dev.soci.core.internal.LayerIndexer;
import dev.soci.testing.Vectors;
import dev.soci.ztoc.internal.TarTocBuilder;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a hostile layer can make the build hold is bounded, and over a limit it fails typed. */
class ZtocLimitsTest {

  private static BuiltZtoc build(ZtocBuilder b, byte[] layer) throws Exception {
    return b.build(new ByteArrayInputStream(layer));
  }

  @Test
  @Timeout(60)
  void aMillionEmptyBlocksStopAtTheSpanLimit() throws Exception {
    byte[] layer = HostileLayers.emptyBlocks(1_000_000, HostileLayers.emptyTar());
    assertThat(layer.length).isLessThan(1_300_000);
    assertThatThrownBy(() -> build(ZtocBuilder.create().maxSpans(5000), layer))
        .isInstanceOfSatisfying(IndexLimitException.class, e -> {
          assertThat(e.limitName()).isEqualTo("maxSpans");
          assertThat(e.limit()).isEqualTo(5000);
        })
        .hasMessageContaining("maxSpans=5000")
        .hasMessageContaining("ZtocBuilder.maxSpans");
  }

  @Test
  @Timeout(60)
  void aMillionEmptyBlocksFailWithTheDefaultLimits() throws Exception {
    byte[] layer = HostileLayers.emptyBlocks(1_000_000, HostileLayers.emptyTar());
    // Whichever default is smaller here: the fixed span limit, or the one the heap-derived size limit gives.
    assertThatThrownBy(() -> build(ZtocBuilder.create(), layer))
        .isInstanceOfSatisfying(IndexLimitException.class,
            e -> assertThat(e.limitName()).isIn("maxSpans", "maxZtocSize"))
        .hasMessageMatching("(?s).*(maxSpans=65536|maxZtocSize=" + ZtocBuilder.DEFAULT_MAX_ZTOC_SIZE + ").*");
  }

  @Test
  void aFewEmptyBlocksStillBuild() throws Exception {
    // The same shape under the limit: the checkpoints at offset 0 are all kept, as the reference does.
    BuiltZtoc z = build(ZtocBuilder.create().maxSpans(100), HostileLayers.emptyBlocks(99, HostileLayers.emptyTar()));
    assertThat(z.layer().spanCount()).isEqualTo(100);
    // They share one window array (equal contents, one allocation).
    assertThat(z.layer().checkpoints().get(1).window()).isSameAs(z.layer().checkpoints().get(99).window());
  }

  @Test
  @Timeout(60)
  void aHundredThousandEmptyMembersFailTyped() throws Exception {
    byte[] layer = HostileLayers.emptyMembers(100_000, HostileLayers.emptyTar());
    assertThatThrownBy(() -> build(ZtocBuilder.create().maxZtocSize(32L << 20), layer))
        .isInstanceOfSatisfying(IndexLimitException.class, e -> {
          assertThat(e.limitName()).isEqualTo("maxZtocSize");
          assertThat(e.limit()).isEqualTo(32L << 20);
        })
        .hasMessageContaining("maxZtocSize=" + (32L << 20))
        .hasMessageContaining("ZtocBuilder.maxZtocSize");
  }

  @Test
  void spanSizeOneOnAGzipLayerStopsAtTheSizeLimit() throws Exception {
    byte[] data = new byte[4 << 20];
    new Random(5).nextBytes(data);
    byte[] layer = HostileLayers.gzip(tarWith(data), 1024);
    assertThatThrownBy(() -> build(ZtocBuilder.create().spanSize(1).maxZtocSize(16L << 20), layer))
        .isInstanceOfSatisfying(IndexLimitException.class, e -> assertThat(e.limitName()).isEqualTo("maxZtocSize"))
        .hasMessageContaining("maxZtocSize=" + (16L << 20))
        .hasMessageContaining("at span size 1");
  }

  @Test
  void spanSizeOneOnAnUncompressedLayerStopsAtTheSpanLimit() throws Exception {
    byte[] tar = tarWith(new byte[3 << 20]);
    // The default span limit alone: 65,536 one-byte spans are far fewer than 3 MiB.
    assertThatThrownBy(() -> build(ZtocBuilder.create().spanSize(1), tar))
        .isInstanceOfSatisfying(IndexLimitException.class, e -> assertThat(e.limitName()).isEqualTo("maxSpans"))
        .hasMessageContaining("maxSpans=" + LayerIndexer.DEFAULT_MAX_SPANS);
    assertThatThrownBy(() -> build(ZtocBuilder.create().spanSize(1).maxSpans(1000), tar))
        .hasMessageContaining("maxSpans=1000");
  }

  @Test
  void tooManyEntriesFailBeforeTheyAreStored() throws Exception {
    byte[] layer = HostileLayers.gzip(HostileLayers.tarOfEmptyFiles(5000), 0);
    assertThatThrownBy(() -> build(ZtocBuilder.create().maxEntries(1000), layer))
        .isInstanceOfSatisfying(IndexLimitException.class, e -> {
          assertThat(e.limitName()).isEqualTo("maxEntries");
          assertThat(e.limit()).isEqualTo(1000);
        })
        .hasMessageContaining("maxEntries=1000")
        .hasMessageContaining("ZtocBuilder.maxEntries");
    assertThat(build(ZtocBuilder.create().maxEntries(5000), layer).ztoc().entries()).hasSize(5000);
  }

  @Test
  void entriesAreHeldToTheSizeLimitWhileStreaming() throws Exception {
    byte[] layer = HostileLayers.gzip(HostileLayers.tarOfEmptyFiles(5000), 0);
    assertThatThrownBy(() -> build(ZtocBuilder.create().maxZtocSize(200_000), layer))
        .isInstanceOfSatisfying(IndexLimitException.class, e -> assertThat(e.limitName()).isEqualTo("maxZtocSize"))
        .hasMessageContaining("tar entries")
        .hasMessageContaining("maxZtocSize=200000");
  }

  @Test
  void checkpointsAndEntriesTogetherAreHeldToTheSizeLimit() throws Exception {
    // About as many bytes of entries as of checkpoints, each part below the limit, their sum above.
    byte[] tar = HostileLayers.tarOfEmptyFiles(3000);
    byte[] layer = HostileLayers.gzip(tar, 4096);
    ZtocBuilder b = ZtocBuilder.create().spanSize(96 << 10);
    BuiltZtoc full = build(b, layer);
    TarTocBuilder t = new TarTocBuilder();
    t.write(tar, 0, tar.length);
    long entries = t.encodedEntryBytes();
    long spans = (long) full.layer().spanCount() * (32785 + 83);
    assertThat(Math.min(entries, spans)).isGreaterThan(Math.max(entries, spans) / 2);
    long limit = Math.max(entries, spans) + Math.min(entries, spans) / 2;
    assertThatThrownBy(() -> build(b.maxZtocSize(limit), layer))
        .isInstanceOf(IndexLimitException.class)
        .hasMessageContaining("maxZtocSize=" + limit)
        .hasMessageContaining(full.layer().spanCount() + " spans, 3000 entries");
  }

  @Test
  void theSizeBoundIsCloseToTheRealSize() throws Exception {
    // The limit counts upper bounds of the encoded size: never below the real size (a limit one
    // byte short fails), and close to it (measured: 1 to 29% above, the most for the smallest).
    for (Vectors.Row r : Vectors.manifest()) {
      ZtocBuilder b = ZtocBuilder.create().spanSize(r.spanSize()).buildToolIdentifier("AWS SOCI CLI v0.2");
      long size = b.build(r.layerPath()).size();
      assertThat(size).isEqualTo(r.ztocSize());
      BuiltZtoc tight = b.maxZtocSize(size + size / 4 + 4096).build(r.layerPath());
      assertThat(tight.size()).as(r.toString()).isEqualTo(size);
      assertThat(tight.digest()).isEqualTo(r.ztocDigest());
      assertThatThrownBy(() -> b.maxZtocSize(size - 1).build(r.layerPath())).as(r.toString())
          .isInstanceOf(IndexLimitException.class);
    }
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> ZtocBuilder.create().maxSpans(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ZtocBuilder.create().maxZtocSize(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ZtocBuilder.create().maxEntries(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(ZtocBuilder.create().maxZtocSize(Long.MAX_VALUE).maxZtocSize())
        .isEqualTo(ZtocBuilder.MAX_ENCODABLE_ZTOC_SIZE);
  }

  /**
   * The hostile layers, built with the default limits in a JVM of 256 MiB: each fails with the
   * typed error, none runs out of memory.
   */
  @Test
  @Timeout(180)
  void hostileLayersFailTypedUnderA256MiBHeap(@TempDir Path dir) throws Exception {
    Path blocks = Files.write(dir.resolve("blocks.gz"), HostileLayers.emptyBlocks(1_000_000, HostileLayers.emptyTar()));
    Path members = Files.write(dir.resolve("members.gz"), HostileLayers.emptyMembers(100_000, HostileLayers.emptyTar()));
    Path bomb = dir.resolve("bomb.gz");
    try (OutputStream out = Files.newOutputStream(bomb)) {
      HostileLayers.gzipBomb(600_000, out); // 300 MiB of tar headers
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), HostileLayerMain.class.getName()));
    cmd.add(blocks.toString());
    cmd.add(members.toString());
    cmd.add(bomb.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(150, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> lines = out.lines().toList();
    assertThat(lines).as(out).hasSize(3);
    assertThat(lines.get(0)).startsWith("LIMIT maxZtocSize ");
    assertThat(lines.get(1)).startsWith("LIMIT maxZtocSize ");
    assertThat(lines.get(2)).startsWith("LIMIT maxEntries ");
  }

  private static byte[] tarWith(byte[] data) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry e = new TarArchiveEntry("data.bin");
      e.setSize(data.length);
      out.putArchiveEntry(e);
      out.write(data);
      out.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }
}
