package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code soci create} in another process waits for the layout's lock (held here, as a
 * concurrent create would hold it while committing) before it touches {@code index.json}.
 */
class LayoutLockProcessTest {
  @TempDir Path tmp;

  @Test
  void createWaitsForAnotherProcessesLock() throws Exception {
    Path layout = tmp.resolve("layout");
    CliTestSupport.copyTree(CliTestSupport.sample(), layout);
    byte[] before = Files.readAllBytes(layout.resolve("index.json"));
    Process child;
    try (FileChannel ch = FileChannel.open(layout.resolve("oci-layout"),
        StandardOpenOption.WRITE); FileLock held = ch.lock()) {
      child = CliTestSupport.startChild("create", "--min-layer-size", "0", layout.toString());
      try {
        // Long enough for an unlocked create of this small layout to finish several times over.
        assertThat(child.waitFor(5, TimeUnit.SECONDS)).as("create waits for the lock").isFalse();
        assertThat(Files.readAllBytes(layout.resolve("index.json"))).isEqualTo(before);
      } catch (AssertionError | RuntimeException e) {
        child.destroyForcibly();
        throw e;
      }
    }
    try {
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("create ends once released").isTrue();
      assertThat(child.exitValue()).isZero();
    } finally {
      child.destroyForcibly();
    }
    assertThat(Files.readAllBytes(layout.resolve("index.json"))).isNotEqualTo(before);
  }
}
