package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.store.TransferProgress;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {
  private static final Descriptor LAYER = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP,
      Digest.of(new byte[] {1}), 3L << 20);

  @Test
  void drawsAStatusLineAndOneLinePerFinishedBlob() throws Exception {
    StringWriter sink = new StringWriter();
    AtomicLong now = new AtomicLong();
    ProgressReporter p = new ProgressReporter(new PrintWriter(sink), now::get);
    byte[] data = new byte[3 << 20];
    try (InputStream in = p.watch(new ByteArrayInputStream(data),
        TransferProgress.Activity.INDEX, LAYER)) {
      byte[] buf = new byte[1 << 20];
      do {
        now.addAndGet(500_000_000L); // each read takes half a second
      } while (in.read(buf) > 0);
    }
    String out = sink.toString();
    assertThat(out).contains("\rindexing 1 blob: 0 B of 3.0 MiB")
        .contains("\rindexing 1 blob: 1.0 MiB of 3.0 MiB, 2.0 MiB/s");
    assertThat(out).contains("soci: indexed " + ProgressReporter.shortDigest(LAYER.digest())
        + " 3.0 MiB in 2.0 s (1.5 MiB/s)\n");
    // The status line is wiped before the finished line is written over it.
    assertThat(out.substring(out.lastIndexOf("soci: indexed") - 1)).startsWith("\r");
  }

  @Test
  void sizesAreHumanAndNothingIsReportedWithoutATerminal() {
    assertThat(ProgressReporter.size(512)).isEqualTo("512 B");
    assertThat(ProgressReporter.size(1536)).isEqualTo("1.5 KiB");
    assertThat(ProgressReporter.size(5L << 30)).isEqualTo("5.0 GiB");
    // Tests run with stderr on a pipe: no console, so no reporter.
    assertThat(ProgressReporter.forTerminal(new PrintWriter(new StringWriter()), false))
        .isSameAs(TransferProgress.NONE);
    assertThat(ProgressReporter.forTerminal(new PrintWriter(new StringWriter()), true))
        .isSameAs(TransferProgress.NONE);
  }
}
