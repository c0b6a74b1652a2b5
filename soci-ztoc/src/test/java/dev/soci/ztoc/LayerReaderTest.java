package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.soci.core.RangeSource;
import dev.soci.core.SociException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LayerReaderTest {
  private static final Path VECTORS = Path.of(System.getProperty("soci.testdata", "../testdata"), "vectors");
  private static final String[] LAYERS = {"go-pax.tar.gz", "pystd-named.tar.gz", "tiny.tar.gz", "small-plain.tar"};

  /** Every layer with its reference zTOCs, and with a zTOC of small spans built here (many checkpoints). */
  static Stream<Arguments> layersAndZtocs() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String layer : LAYERS) {
      try (Stream<Path> ztocs = Files.list(VECTORS.resolve("ztoc"))) {
        for (Path z : ztocs.filter(p -> p.getFileName().toString().startsWith(layer + ".")).sorted().toList()) {
          out.add(Arguments.of(layer, z.getFileName().toString(), Files.readAllBytes(z)));
        }
      }
      byte[] small = ZtocBuilder.create().spanSize(65536).build(VECTORS.resolve("layers").resolve(layer)).bytes();
      out.add(Arguments.of(layer, "built with 64 KiB spans", small));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("layersAndZtocs")
  void everyRegularFileReadsAsTheTarReaderSeesIt(String layer, String what, byte[] ztocBytes) throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers").resolve(layer));
    Map<String, byte[]> expected = regularFiles(blob, layer);
    assertThat(expected).isNotEmpty();
    try (LayerReader reader = LayerReader.open(ZtocView.open(ztocBytes), RangeSource.of(blob))) {
      for (Map.Entry<String, byte[]> e : expected.entrySet()) {
        assertThat(reader.readFile(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        try (InputStream in = reader.openFile(e.getKey())) {
          assertThat(in.readAllBytes()).as(e.getKey()).isEqualTo(e.getValue());
        }
        try (ReadableByteChannel ch = reader.openChannel(e.getKey())) {
          ByteBuffer buf = ByteBuffer.allocate(e.getValue().length + 1);
          while (ch.read(buf) > 0) { }
          assertThat(Arrays.copyOf(buf.array(), buf.position())).isEqualTo(e.getValue());
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("layersAndZtocs")
  void randomRangesMatchTheUncompressedStream(String layer, String what, byte[] ztocBytes) throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers").resolve(layer));
    ZtocView ztoc = ZtocView.open(ztocBytes);
    byte[] tar = Arrays.copyOf(uncompressed(blob, layer), (int) ztoc.uncompressedArchiveSize());
    Random rnd = new Random(layer.hashCode() ^ what.hashCode());
    try (LayerReader reader = LayerReader.builder(ztoc, RangeSource.of(blob)).cacheBytes(1 << 20).build()) {
      for (int i = 0; i < 60; i++) {
        int spanIdx = rnd.nextInt(ztoc.spanCount());
        // Start near a span boundary half of the time, so reads straddle spans.
        long base = i % 2 == 0 ? ztoc.spanUncompressedStart(spanIdx) - rnd.nextInt(100) : rnd.nextInt(tar.length);
        int off = (int) Math.max(0, Math.min(tar.length - 1, base));
        int len = rnd.nextInt(Math.min(3 << 20, tar.length - off) + 1);
        byte[] got = new byte[len];
        int n = reader.read(off, got, 0, len);
        assertThat(n).isEqualTo(len);
        assertThat(got).isEqualTo(Arrays.copyOfRange(tar, off, off + len));
      }
      assertThat(reader.read(tar.length, new byte[10], 0, 10)).isEqualTo(-1);
      byte[] tail = new byte[10];
      assertThat(reader.read(tar.length - 3, tail, 0, 10)).isEqualTo(3);
    }
  }

  @Test
  @Timeout(60)
  void sixteenThreadsReadConcurrentlyAndEachSpanLoadsOnce() throws Exception {
    Path layerFile = VECTORS.resolve("layers/go-pax.tar.gz");
    byte[] blob = Files.readAllBytes(layerFile);
    ZtocView ztoc = ZtocView.open(ZtocBuilder.create().spanSize(1 << 18).build(layerFile).bytes());
    Map<String, byte[]> expected = regularFiles(blob, "go-pax.tar.gz");
    List<String> names = new ArrayList<>(expected.keySet());
    CountingSource source = new CountingSource(RangeSource.of(blob));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (LayerReader reader = LayerReader.builder(ztoc, source).cacheBytes(1L << 30).build()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int seed = t;
        futures.add(pool.submit(() -> {
          Random r = new Random(seed);
          for (int i = 0; i < 40; i++) {
            String name = names.get(r.nextInt(names.size()));
            assertThat(reader.readFile(name)).as(name).isEqualTo(expected.get(name));
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      assertThat(source.reads.get()).isLessThanOrEqualTo(ztoc.spanCount());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aBoundedCacheStillServesCorrectBytes() throws Exception {
    Path layerFile = VECTORS.resolve("layers/pystd-named.tar.gz");
    byte[] blob = Files.readAllBytes(layerFile);
    ZtocView ztoc = ZtocView.open(ZtocBuilder.create().spanSize(1 << 17).build(layerFile).bytes());
    Map<String, byte[]> expected = regularFiles(blob, "pystd-named.tar.gz");
    try (LayerReader reader = LayerReader.builder(ztoc, RangeSource.of(blob)).cacheBytes(0).threads(2).build()) {
      for (Map.Entry<String, byte[]> e : expected.entrySet()) {
        assertThat(reader.readFile(e.getKey())).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void flippedLayerBytesNeverYieldWrongBytes() throws Exception {
    Path layerFile = VECTORS.resolve("layers/go-pax.tar.gz");
    byte[] blob = Files.readAllBytes(layerFile);
    ZtocView ztoc = ZtocView.open(ZtocBuilder.create().spanSize(1 << 18).build(layerFile).bytes());
    Map<String, byte[]> expected = regularFiles(blob, "go-pax.tar.gz");
    Random rnd = new Random(42);
    int mismatches = 0;
    for (int trial = 0; trial < 40; trial++) {
      byte[] bad = blob.clone();
      int pos = rnd.nextInt(bad.length);
      bad[pos] ^= (byte) (1 + rnd.nextInt(255));
      try (LayerReader reader = LayerReader.builder(ztoc, RangeSource.of(bad)).cacheBytes(0).build()) {
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
          try {
            assertThat(reader.readFile(e.getKey())).isEqualTo(e.getValue());
          } catch (SpanDigestMismatchException ex) {
            mismatches++;
            assertThat(ex.span()).isBetween(0, ztoc.spanCount() - 1);
          }
        }
      }
    }
    assertThat(mismatches).isPositive();
  }

  @Test
  void aTruncatedOrForeignLayerIsRefused() throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers/tiny.tar.gz"));
    ZtocView ztoc = ZtocView.open(VECTORS.resolve("ztoc/tiny.tar.gz.65536.ztoc"));
    assertThatThrownBy(() -> LayerReader.open(ztoc, RangeSource.of(Arrays.copyOf(blob, blob.length - 1))))
        .isInstanceOf(LayerMismatchException.class)
        .hasMessageContaining("1488 bytes");
    byte[] other = Files.readAllBytes(VECTORS.resolve("layers/small-plain.tar"));
    byte[] sameSize = Arrays.copyOf(other, blob.length);
    try (LayerReader reader = LayerReader.open(ztoc, RangeSource.of(sameSize))) {
      assertThatThrownBy(() -> reader.readFile("app/hello.txt"))
          .isInstanceOf(SpanDigestMismatchException.class)
          .hasMessageContaining("span 0");
    }
  }

  @Test
  void aSourceThatLiesAboutItsSizeGivesATypedError() throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers/tiny.tar.gz"));
    ZtocView ztoc = ZtocView.open(VECTORS.resolve("ztoc/tiny.tar.gz.65536.ztoc"));
    RangeSource lying = new RangeSource() {
      @Override
      public long size() {
        return blob.length;
      }

      @Override
      public void readFully(long offset, ByteBuffer dst) throws IOException {
        throw new EOFException("gone");
      }
    };
    try (LayerReader reader = LayerReader.open(ztoc, lying)) {
      assertThatThrownBy(() -> reader.readFile("app/hello.txt")).isInstanceOf(LayerMismatchException.class);
    }
  }

  @Test
  void pathsThatAreNotRegularFilesAreTypedErrors() throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers/go-pax.tar.gz"));
    ZtocView ztoc = ZtocView.open(VECTORS.resolve("ztoc/go-pax.tar.gz.4194304.ztoc"));
    try (LayerReader reader = LayerReader.open(ztoc, RangeSource.of(blob))) {
      assertThatThrownBy(() -> reader.readFile("no/such/file")).isInstanceOf(NoSuchEntryException.class)
          .hasMessageContaining("no such file");
      assertThatThrownBy(() -> reader.readFile("etc")).isInstanceOf(NoSuchEntryException.class)
          .hasMessageContaining("dir");
      assertThatThrownBy(() -> reader.readFile("dev/null")).isInstanceOf(NoSuchEntryException.class);
      // Hard and symbolic links read as their targets.
      assertThat(reader.readFile("usr/share/doc/hard-1")).isEqualTo(reader.readFile("usr/share/doc/file-1.txt"));
      assertThat(reader.readFile("/usr/share/doc/link-to-1")).isEqualTo(reader.readFile("./usr/share/doc/file-1.txt"));
    }
  }

  @Test
  @Timeout(120)
  void mutatedZtocsOnlyEverYieldTypedErrorsOrCorrectBytes() throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers/tiny.tar.gz"));
    byte[] good = Files.readAllBytes(VECTORS.resolve("ztoc/tiny.tar.gz.65536.ztoc"));
    Map<String, byte[]> expected = regularFiles(blob, "tiny.tar.gz");
    Random rnd = new Random(7);
    int opened = 0;
    for (int trial = 0; trial < 1500; trial++) {
      byte[] z = good.clone();
      int flips = 1 + rnd.nextInt(3);
      for (int f = 0; f < flips; f++) {
        // Bias towards the FlatBuffers structure at the ends, away from the 32 KiB window.
        int pos = rnd.nextBoolean() ? rnd.nextInt(Math.min(600, z.length)) : z.length - 1 - rnd.nextInt(1200);
        z[pos] ^= (byte) (1 + rnd.nextInt(255));
      }
      ZtocView view;
      try {
        view = ZtocView.open(z);
      } catch (ZtocFormatException e) {
        continue;
      }
      opened++;
      try (LayerReader reader = LayerReader.builder(view, RangeSource.of(blob)).cacheBytes(0).build()) {
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
          byte[] got;
          try {
            got = reader.readFile(e.getKey());
          } catch (SociException expectedFailure) {
            continue;
          }
          // A mutation that keeps the structure valid may retarget a name or change a size, but
          // whatever is returned must be real layer bytes at the claimed place.
          int idx = view.resolve(e.getKey()).getAsInt();
          byte[] tar = uncompressed(blob, "tiny.tar.gz");
          long off = view.uncompressedOffset(idx);
          assertThat(got).isEqualTo(Arrays.copyOfRange(tar, (int) off, (int) off + got.length));
        }
      } catch (SociException refused) {
        // the layer does not fit the mutated zTOC: fine
      } catch (RuntimeException unexpected) {
        fail("untyped failure after mutation " + trial + ": " + unexpected, unexpected);
      }
    }
    assertThat(opened).isPositive();
  }

  @Test
  @Timeout(30)
  void aReadRunningOnTheReadersOwnBoundedExecutorDoesNotDeadlock() throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers/small-plain.tar"));
    ZtocView ztoc = ZtocView.open(VECTORS.resolve("ztoc/small-plain.tar.4096.ztoc"));
    ExecutorService single = Executors.newSingleThreadExecutor();
    try (LayerReader reader = LayerReader.builder(ztoc, RangeSource.of(blob)).executor(single).build()) {
      byte[] buf = new byte[10_000]; // spans 0..2 of 4 KiB
      Future<Integer> n = single.submit(() -> reader.read(0, buf, 0, buf.length));
      assertThat(n.get()).isEqualTo(buf.length);
      assertThat(buf).isEqualTo(Arrays.copyOf(blob, buf.length));
    } finally {
      single.shutdownNow();
    }
  }

  @Test
  void aShutDownExecutorOnlyMeansTheCallerLoadsEverySpan() throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers/small-plain.tar"));
    ZtocView ztoc = ZtocView.open(VECTORS.resolve("ztoc/small-plain.tar.4096.ztoc"));
    ExecutorService dead = Executors.newSingleThreadExecutor();
    dead.shutdown();
    try (LayerReader reader = LayerReader.builder(ztoc, RangeSource.of(blob)).executor(dead).cacheBytes(0).build()) {
      byte[] buf = new byte[14_000];
      assertThat(reader.read(0, buf, 0, buf.length)).isEqualTo(buf.length);
      assertThat(buf).isEqualTo(Arrays.copyOf(blob, buf.length));
    }
  }

  @Test
  void checkRegularFileByEntryAcceptsEveryFileAndRefusesOtherEntries() throws Exception {
    byte[] blob = Files.readAllBytes(VECTORS.resolve("layers/tiny.tar.gz"));
    ZtocView ztoc = ZtocView.open(ZtocBuilder.create().build(VECTORS.resolve("layers/tiny.tar.gz")).bytes());
    try (LayerReader reader = LayerReader.open(ztoc, RangeSource.of(blob))) {
      int files = 0;
      for (int i = 0; i < ztoc.entryCount(); i++) {
        if (ztoc.type(i) == EntryType.REG) {
          reader.checkRegularFile(i);
          files++;
        } else {
          int entry = i;
          assertThatThrownBy(() -> reader.checkRegularFile(entry))
              .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a regular file");
        }
      }
      assertThat(files).isPositive();
      assertThatThrownBy(() -> reader.checkRegularFile(ztoc.entryCount()))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  static byte[] uncompressed(byte[] blob, String layer) throws IOException {
    return layer.endsWith(".gz") ? new GZIPInputStream(new ByteArrayInputStream(blob)).readAllBytes() : blob;
  }

  /** Regular files (including hard links, as their targets' content) as commons-compress reads them. */
  static Map<String, byte[]> regularFiles(byte[] blob, String layer) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    Map<String, String> hardLinks = new HashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(uncompressed(blob, layer)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        byte flag = e.getLinkFlag();
        if (flag == TarArchiveEntry.LF_LINK) {
          hardLinks.put(e.getName(), e.getLinkName());
        } else if ((flag == TarArchiveEntry.LF_NORMAL || flag == TarArchiveEntry.LF_OLDNORM) && !e.getName().endsWith("/")) {
          files.put(e.getName(), tar.readAllBytes());
        }
      }
    }
    hardLinks.forEach((name, target) -> files.put(name, files.get(target)));
    return files;
  }

  /** Counts fetches, to prove each span is fetched once while cached. */
  static final class CountingSource implements RangeSource {
    final RangeSource inner;
    final AtomicInteger reads = new AtomicInteger();

    CountingSource(RangeSource inner) {
      this.inner = inner;
    }

    @Override
    public long size() throws IOException {
      return inner.size();
    }

    @Override
    public void readFully(long offset, ByteBuffer dst) throws IOException {
      reads.incrementAndGet();
      inner.readFully(offset, dst);
    }
  }
}
