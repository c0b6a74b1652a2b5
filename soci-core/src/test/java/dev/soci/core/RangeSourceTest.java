package dev.soci.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RangeSourceTest {
  private static final byte[] DATA = new byte[10_000];

  static {
    new Random(7).nextBytes(DATA);
  }

  @Test
  void memoryAndFileSourcesReturnTheSameRanges(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("blob"), DATA);
    try (RangeSource mem = RangeSource.of(DATA);
        RangeSource disk = RangeSource.of(file)) {
      assertThat(mem.size()).isEqualTo(DATA.length);
      assertThat(disk.size()).isEqualTo(DATA.length);
      Random r = new Random(1);
      for (int i = 0; i < 200; i++) {
        int off = r.nextInt(DATA.length);
        int len = r.nextInt(DATA.length - off + 1);
        ByteBuffer a = ByteBuffer.allocate(len);
        ByteBuffer b = ByteBuffer.allocate(len);
        mem.readFully(off, a);
        disk.readFully(off, b);
        assertThat(a.array()).isEqualTo(b.array());
        assertThat(a.array()).isEqualTo(java.util.Arrays.copyOfRange(DATA, off, off + len));
      }
    }
  }

  @Test
  void rangesPastTheEndFailWithEof(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("blob"), DATA);
    try (RangeSource mem = RangeSource.of(DATA);
        RangeSource disk = RangeSource.of(file)) {
      for (RangeSource s : new RangeSource[] {mem, disk}) {
        assertThatThrownBy(() -> s.readFully(DATA.length - 5, ByteBuffer.allocate(6)))
            .isInstanceOf(EOFException.class)
            .hasMessageContaining("outside a blob of 10000 bytes");
        assertThatThrownBy(() -> s.readFully(-1, ByteBuffer.allocate(1)))
            .isInstanceOf(EOFException.class);
      }
    }
  }

  @Test
  void bufferSourceDoesNotDisturbTheCallersBuffer() throws Exception {
    ByteBuffer buf = ByteBuffer.wrap(DATA, 100, 50);
    RangeSource s = RangeSource.of(buf);
    assertThat(s.size()).isEqualTo(50);
    ByteBuffer dst = ByteBuffer.allocate(10);
    s.readFully(0, dst);
    assertThat(dst.array()).isEqualTo(java.util.Arrays.copyOfRange(DATA, 100, 110));
    assertThat(buf.position()).isEqualTo(100);
    assertThat(buf.limit()).isEqualTo(150);
  }

  /**
   * One thread interrupted over and over while it reads must not break the source for the
   * others: a bare FileChannel closes for everyone, and every later read fails with
   * ClosedChannelException.
   */
  @Test
  void anInterruptedReaderDoesNotBreakTheSourceForOthers(@TempDir Path dir) throws Exception {
    byte[] data = new byte[4 << 20];
    new Random(3).nextBytes(data);
    Path file = Files.write(dir.resolve("blob"), data);
    try (RangeSource src = RangeSource.of(file)) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicInteger goodReads = new AtomicInteger();
      AtomicInteger interruptedReads = new AtomicInteger();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        long seed = t;
        readers.add(new Thread(() -> {
          Random r = new Random(seed);
          try {
            while (!stop.get()) {
              int off = r.nextInt(data.length);
              int len = Math.min(data.length - off, 1 + r.nextInt(256 << 10));
              ByteBuffer b = ByteBuffer.allocate(len);
              src.readFully(off, b);
              if (!java.util.Arrays.equals(b.array(), 0, len, data, off, off + len)) {
                throw new AssertionError("wrong bytes at " + off);
              }
              goodReads.incrementAndGet();
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }));
      }
      Thread victim = new Thread(() -> {
        Random r = new Random(99);
        while (!stop.get()) {
          int off = r.nextInt(data.length - 65536);
          try {
            src.readFully(off, ByteBuffer.allocate(65536));
          } catch (InterruptedIOException e) {
            if (!Thread.currentThread().isInterrupted()) {
              failure.compareAndSet(null, new AssertionError("interrupt status lost", e));
            }
            interruptedReads.incrementAndGet();
            Thread.interrupted(); // clear it and read on
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }
      });
      readers.forEach(Thread::start);
      victim.start();
      long end = System.nanoTime() + 1_500_000_000L;
      while (System.nanoTime() < end && failure.get() == null) {
        victim.interrupt();
        Thread.sleep(0, 200_000);
      }
      stop.set(true);
      victim.interrupt();
      victim.join();
      for (Thread t : readers) {
        t.join();
      }
      if (failure.get() != null) {
        throw new AssertionError("a read failed", failure.get());
      }
      assertThat(interruptedReads.get()).isPositive();
      assertThat(goodReads.get()).isPositive();
      // And after all that, the source still reads correctly on this thread.
      ByteBuffer b = ByteBuffer.allocate(1000);
      src.readFully(12345, b);
      assertThat(b.array()).isEqualTo(java.util.Arrays.copyOfRange(data, 12345, 13345));
      assertThat(src.size()).isEqualTo(data.length);
    }
  }

  @Test
  void anInterruptedThreadFailsWithInterruptedIoAndKeepsItsStatus(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("blob"), DATA);
    try (RangeSource src = RangeSource.of(file)) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> src.readFully(0, ByteBuffer.allocate(10)))
            .isInstanceOf(InterruptedIOException.class)
            .hasMessageContaining(file.toString());
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
      ByteBuffer b = ByteBuffer.allocate(10);
      src.readFully(5, b);
      assertThat(b.array()).isEqualTo(java.util.Arrays.copyOfRange(DATA, 5, 15));
    }
  }

  @Test
  void aClosedFileSourceStaysClosedAndSaysSo(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("blob"), DATA);
    RangeSource src = RangeSource.of(file);
    src.close();
    assertThatThrownBy(() -> src.readFully(0, ByteBuffer.allocate(10)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is closed");
    assertThatThrownBy(src::size).isInstanceOf(IOException.class).hasMessageContaining("is closed");
  }
}
