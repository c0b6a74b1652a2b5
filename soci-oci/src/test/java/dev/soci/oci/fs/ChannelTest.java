package dev.soci.oci.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.oci.Descriptor;
import dev.soci.oci.image.ForwardingStore;
import dev.soci.oci.image.LayerTar;
import dev.soci.oci.image.TestImages;
import dev.soci.oci.store.InMemoryStore;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Channels and streams over files of an indexed layer: positions, sizes, the end, concurrent
 * positional and relative reads through one channel, and many threads reading many files in
 * parallel through one file system fetching each span once (the image's span cache is shared).
 */
class ChannelTest {
  private static final int FILES = 24;
  private static final int FILE_SIZE = 300_000;
  private static InMemoryStore mem;
  private static Descriptor manifest;
  private static byte[][] data = new byte[FILES][];

  @BeforeAll
  static void build() throws Exception {
    mem = new InMemoryStore("mem");
    LayerTar t = new LayerTar();
    Random r = new Random(5);
    for (int i = 0; i < FILES; i++) {
      data[i] = new byte[FILE_SIZE];
      r.nextBytes(data[i]); // incompressible: ~7 MB of layer, ~110 spans of 64 KiB
      t.file("d/f" + i, data[i], 0644, 0, 0);
    }
    manifest = TestImages.image(mem, "t", List.of(t.gzip()));
    TestImages.index(mem, manifest, 0, 1 << 16);
  }

  @Test
  void positionsSizesAndTheEnd() throws Exception {
    try (SociFileSystem fs = SociFileSystems.open(mem, manifest, null);
        SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/d/f3"))) {
      assertThat(ch.size()).isEqualTo(FILE_SIZE);
      assertThat(ch.position()).isZero();
      ByteBuffer b = ByteBuffer.allocate(1000);
      assertThat(ch.read(b)).isEqualTo(1000);
      assertThat(ch.position()).isEqualTo(1000);
      assertThat(b.array()).isEqualTo(Arrays.copyOf(data[3], 1000));
      ch.position(FILE_SIZE - 10);
      b.clear();
      assertThat(ch.read(b)).isEqualTo(10);
      assertThat(Arrays.copyOf(b.array(), 10))
          .isEqualTo(Arrays.copyOfRange(data[3], FILE_SIZE - 10, FILE_SIZE));
      b.clear();
      assertThat(ch.read(b)).isEqualTo(-1);
      ch.position(FILE_SIZE + 5000);
      assertThat(ch.read(b)).isEqualTo(-1);
      assertThat(ch.position()).isEqualTo(FILE_SIZE + 5000);
      assertThatThrownBy(() -> ch.position(-1)).isInstanceOf(IllegalArgumentException.class);
      FileChannel fc = (FileChannel) ch;
      ByteBuffer direct = ByteBuffer.allocateDirect(4096);
      assertThat(fc.read(direct, 123_456)).isEqualTo(4096);
      byte[] got = new byte[4096];
      direct.flip().get(got);
      assertThat(got).isEqualTo(Arrays.copyOfRange(data[3], 123_456, 123_456 + 4096));
      assertThat(ch.position()).as("a positional read leaves the position").isEqualTo(
          FILE_SIZE + 5000);
      ByteBuffer[] parts = {ByteBuffer.allocate(7), ByteBuffer.allocate(0), ByteBuffer.allocate(9)};
      fc.position(100);
      assertThat(fc.read(parts)).isEqualTo(16);
      assertThat(parts[2].array()).isEqualTo(Arrays.copyOfRange(data[3], 107, 116));
      var sink = new java.io.ByteArrayOutputStream();
      assertThat(fc.transferTo(299_000, 5000, java.nio.channels.Channels.newChannel(sink)))
          .isEqualTo(1000);
      assertThat(sink.toByteArray()).isEqualTo(Arrays.copyOfRange(data[3], 299_000, FILE_SIZE));
      assertThat(Files.readAllBytes(fs.getPath("d/f3"))).isEqualTo(data[3]);
      try (InputStream in = Files.newInputStream(fs.getPath("d/f4"),
          java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.READ)) {
        assertThat(in.skip(FILE_SIZE - 3)).isEqualTo(FILE_SIZE - 3);
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data[4], FILE_SIZE - 3,
            FILE_SIZE));
      }
    }
  }

  @Test
  void oneChannelReadByManyThreads() throws Exception {
    try (SociFileSystem fs = SociFileSystems.open(mem, manifest, null);
        FileChannel ch = FileChannel.open(fs.getPath("/d/f7"))) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Boolean>> positional = new ArrayList<>();
        Random r = new Random(9);
        for (int i = 0; i < 200; i++) {
          int pos = r.nextInt(FILE_SIZE);
          int len = 1 + r.nextInt(20_000);
          positional.add(pool.submit(() -> {
            ByteBuffer b = ByteBuffer.allocate(len);
            int n = ch.read(b, pos);
            int want = Math.min(len, FILE_SIZE - pos);
            return n == want && Arrays.equals(Arrays.copyOf(b.array(), n),
                Arrays.copyOfRange(data[7], pos, pos + want));
          }));
        }
        for (Future<Boolean> f : positional) {
          assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
        }
        // Relative reads from 8 threads: each byte read exactly once, each chunk where it was.
        byte[] seen = new byte[FILE_SIZE];
        AtomicLong total = new AtomicLong();
        List<Future<?>> relative = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          relative.add(pool.submit(() -> {
            ByteBuffer b = ByteBuffer.allocate(3333);
            while (true) {
              long at;
              int n;
              synchronized (seen) { // pair the position with the read it belongs to
                at = ch.position();
                b.clear();
                n = ch.read(b);
              }
              if (n < 0) {
                return null;
              }
              System.arraycopy(b.array(), 0, seen, (int) at, n);
              total.addAndGet(n);
            }
          }));
        }
        for (Future<?> f : relative) {
          f.get(60, TimeUnit.SECONDS);
        }
        assertThat(total.get()).isEqualTo(FILE_SIZE);
        assertThat(seen).isEqualTo(data[7]);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aCorruptSpanIsAnIoExceptionNeverWrongBytes() throws Exception {
    ForwardingStore corrupting = new ForwardingStore(mem) {
      @Override
      public dev.soci.core.RangeSource openRanges(Descriptor blob) throws java.io.IOException {
        dev.soci.core.RangeSource inner = super.openRanges(blob);
        return new dev.soci.core.RangeSource() {
          @Override
          public long size() throws java.io.IOException {
            return inner.size();
          }

          @Override
          public void readFully(long offset, ByteBuffer dst) throws java.io.IOException {
            int at = dst.position();
            inner.readFully(offset, dst);
            dst.put(at + 100, (byte) (dst.get(at + 100) ^ 1)); // one bit of every range
          }

          @Override
          public void close() throws java.io.IOException {
            inner.close();
          }
        };
      }
    };
    try (SociFileSystem fs = SociFileSystems.open(corrupting, manifest, null)) {
      assertThatThrownBy(() -> Files.readAllBytes(fs.getPath("/d/f5")))
          .isInstanceOf(java.io.IOException.class).hasMessageContaining("span");
      try (FileChannel ch = FileChannel.open(fs.getPath("/d/f6"))) {
        assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(10), 1000))
            .isInstanceOf(java.io.IOException.class);
      }
    }
  }

  @Test
  void parallelReadersShareTheSpanCacheAndFetchEachSpanOnce() throws Exception {
    ForwardingStore counting = new ForwardingStore(mem);
    try (SociFileSystem fs = SociFileSystems.open(counting, manifest, null)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Boolean>> reads = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
          for (int i = 0; i < FILES; i++) {
            Path p = fs.getPath("/d/f" + i);
            int k = i;
            reads.add(pool.submit(() -> Arrays.equals(Files.readAllBytes(p), data[k])));
          }
        }
        for (Future<Boolean> f : reads) {
          assertThat(f.get(120, TimeUnit.SECONDS)).isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
      Set<Long> offsets = new HashSet<>();
      long bytes = 0;
      for (ForwardingStore.Range r : counting.ranges) {
        assertThat(offsets.add(r.offset())).as("span at %d fetched once", r.offset()).isTrue();
        bytes += r.length();
      }
      Descriptor layer = fs.image().layers().get(0).layer();
      assertThat(bytes).as("every span once, nothing more").isLessThanOrEqualTo(layer.size());
      assertThat(bytes).isGreaterThan(layer.size() * 9 / 10);
      assertThat(counting.opens(layer)).as("no whole-layer fetch").isZero();
    }
  }
}
