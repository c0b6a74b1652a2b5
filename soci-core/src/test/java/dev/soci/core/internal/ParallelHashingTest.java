package dev.soci.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.Compression;
import dev.soci.core.internal.LayerIndex;
import dev.soci.core.internal.LayerIndexer;
import dev.soci.testing.Vectors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Hashing on a helper thread gives exactly the inline result, and fails and cleans up like it. */
class ParallelHashingTest {
  private static LayerIndex index(byte[] gz, long span, boolean parallel) throws IOException {
    return LayerIndexer.index(new ByteArrayInputStream(gz), null, span, null, parallel);
  }

  private static long digestThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("soci-digest")).count();
  }

  @Test
  void vectorsGiveTheSameIndexInBothModes() throws Exception {
    for (Path p : Vectors.gzipLayers()) {
      byte[] gz = Files.readAllBytes(p);
      for (long span : new long[] {1, 4096, 65_536, 1 << 20, 4L << 20}) {
        assertThat(index(gz, span, true)).as(p + " span " + span).isEqualTo(index(gz, span, false));
      }
    }
  }

  @Test
  void generatedLayersGiveTheSameIndexInBothModes() throws Exception {
    Random r = new Random(7);
    byte[] mixed = Gz.mixed(r, 3_000_000);
    byte[][] layers = {
      Gz.gzip(mixed, 6),
      Gz.gzip(mixed, 1),
      Gz.gzip(Gz.random(r, 1_500_000), 0), // stored blocks
      Gz.concat(Gz.gzip(Gz.text(r, 400_000), 9), Gz.gzip(new byte[0], 6), Gz.gzip(Gz.repetitive(900_000), 6)),
      Gz.member(mixed, Gz.deflate(mixed, 6, Deflater.DEFAULT_STRATEGY, 10_000, Deflater.SYNC_FLUSH), 0),
      Gz.gzip(new byte[0], 6),
    };
    for (int i = 0; i < layers.length; i++) {
      for (long span : new long[] {1, 1000, 65_536, 1 << 20}) {
        LayerIndex inline = index(layers[i], span, false);
        assertThat(index(layers[i], span, true)).as("layer " + i + " span " + span).isEqualTo(inline);
      }
    }
    // Odd read sizes move where input buffers end relative to the cuts.
    byte[] gz = layers[4];
    LayerIndex a = index(gz, 5000, false);
    LayerIndex b = LayerIndexer.index(new ByteArrayInputStream(gz) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, 1 + (int) (pos % 1013)));
      }
    }, null, 5000, null, true);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void decoderErrorsAreTheSameAndStopTheHelper() throws Exception {
    byte[] gz = Gz.gzip(Gz.mixed(new Random(3), 2_000_000), 6);
    byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
    byte[] corrupt = gz.clone();
    corrupt[gz.length / 2] ^= 0x55;
    for (byte[] bad : new byte[][] {truncated, corrupt}) {
      Throwable inline = catchIt(() -> index(bad, 65_536, false));
      Throwable parallel = catchIt(() -> index(bad, 65_536, true));
      assertThat(inline).isNotNull();
      assertThat(parallel).isInstanceOf(inline.getClass()).hasMessage(inline.getMessage());
    }
    assertThat(digestThreads()).isZero();
  }

  @Test
  void sinkErrorsPropagateAndStopTheHelper() {
    byte[] gz = Gz.gzip(Gz.mixed(new Random(4), 2_000_000), 6);
    long[] seen = new long[1];
    assertThatThrownBy(() -> LayerIndexer.index(new ByteArrayInputStream(gz), null, 65_536, (b, off, len) -> {
      seen[0] += len;
      if (seen[0] > 1_000_000) {
        throw new IOException("sink full");
      }
    }, true)).isInstanceOf(IOException.class).hasMessage("sink full");
    assertThat(digestThreads()).isZero();
  }

  @Test
  void interruptionStopsBothThreads() throws Exception {
    // A gzip header, then non-final stored blocks forever: the pass only ends by interruption.
    byte[] block = new byte[5 + 60_000];
    block[1] = (byte) 0x60;
    block[2] = (byte) 0xEA; // LEN = 60000
    block[3] = (byte) ~0x60;
    block[4] = (byte) ~0xEA;
    byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    AtomicReference<Throwable> error = new AtomicReference<>();
    Thread t = new Thread(() -> {
      InputStream endless = new InputStream() {
        long p;

        @Override
        public int read() {
          throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          byte[] src = p < header.length ? header : block;
          int at = (int) (p < header.length ? p : (p - header.length) % block.length);
          int n = Math.min(len, src.length - at);
          System.arraycopy(src, at, b, off, n);
          p += n;
          return n;
        }
      };
      try {
        LayerIndexer.index(endless, Compression.GZIP, 65_536, (b, off, len) -> { }, true);
      } catch (Throwable e) {
        error.set(e);
      }
    });
    t.start();
    Thread.sleep(300);
    t.interrupt();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(error.get()).isInstanceOf(InterruptedIOException.class);
    assertThat(digestThreads()).isZero();
  }

  private interface Call {
    void run() throws Exception;
  }

  private static Throwable catchIt(Call c) {
    try {
      c.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }
}
