package dev.soci.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
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
}
