package dev.soci.oci.layout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive writer's headers for blobs of 8 GiB and more are read back by the reader. */
class TarLargeEntryTest {
  @TempDir Path tmp;

  @Test
  void sizesAboveElevenOctalDigitsRoundTrip() throws Exception {
    long size = (9L << 30) + 3; // 9 GiB: more than the 8 GiB - 1 of an octal size field
    Path tar = tmp.resolve("big.tar");
    // A sparse file: the header, then (9 GiB later) the padding and end-of-archive marker.
    try (FileChannel ch = FileChannel.open(tar, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
      ch.write(ByteBuffer.wrap(TarWriter.rawHeader("blobs/sha256/x", '0', size, 0644)), 0);
      long end = 512 + ((size + 511) / 512) * 512;
      ch.write(ByteBuffer.allocate(1024), end);
    }
    try (FileChannel ch = FileChannel.open(tar, StandardOpenOption.READ)) {
      Map<String, TarReader.Entry> entries = TarReader.index(ch, tar);
      assertThat(entries.get("blobs/sha256/x").size()).isEqualTo(size);
    }
  }
}
