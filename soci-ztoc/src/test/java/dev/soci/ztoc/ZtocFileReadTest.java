package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.testing.Vectors;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ZtocView#open(Path)} reads to the end of what it is given, whatever its reported size. */
class ZtocFileReadTest {
  private static final Path ZTOC = Vectors.dir().resolve("ztoc/go-pax.tar.gz.1048576.ztoc");

  @Test
  void aFifoIsReadToItsEnd(@TempDir Path tmp) throws Exception {
    byte[] bytes = Files.readAllBytes(ZTOC);
    Path fifo = tmp.resolve("ztoc.fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mk.exitValue()).isZero();
    assertThat(Files.size(fifo)).isZero(); // the size that used to be taken as the length
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write(bytes);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    ZtocView view = ZtocView.open(fifo);
    writer.get(10, TimeUnit.SECONDS);
    ZtocView direct = ZtocView.open(bytes);
    assertThat(view.entryCount()).isEqualTo(direct.entryCount()).isPositive();
    assertThat(view.spanCount()).isEqualTo(direct.spanCount());
  }

  @Test
  void aRegularFileReadsAsItsBytes() throws Exception {
    ZtocView view = ZtocView.open(ZTOC, Vectors.sha256(Files.readAllBytes(ZTOC)));
    assertThat(view.entryCount()).isEqualTo(43);
  }
}
