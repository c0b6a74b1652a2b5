package dev.soci.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.soci.oci.Descriptor;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.layout.OciLayoutWriter;
import dev.soci.ztoc.ZtocBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A CLI process that gets SIGTERM, SIGINT or SIGHUP mid-write leaves no temporary file (the
 * shutdown hook of {@link dev.soci.oci.internal.TempPaths} removes them). The child is the real
 * {@code soci} main class on the test classpath, writing a 256 MiB output so that the signal
 * lands while it writes.
 */
class InterruptedRunsTest {
  private static final long BIG = 256L << 20;

  @TempDir static Path inputs;
  private static Path layer;
  private static Path ztoc;
  private static Path layout;

  @TempDir Path out;

  /** An uncompressed tar of one file "big" of {@link #BIG} bytes (zeros). */
  private static void writeTar(Path p) throws IOException {
    byte[] h = new byte[512];
    put(h, 0, "big");
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, String.format("%011o", BIG));
    put(h, 136, "00000000000");
    h[156] = '0';
    put(h, 257, "ustar");
    put(h, 263, "00");
    java.util.Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    try (OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(p), 1 << 20)) {
      o.write(h);
      byte[] zeros = new byte[1 << 20];
      for (long n = 0; n < BIG; n += zeros.length) {
        o.write(zeros);
      }
      o.write(new byte[1024]); // end-of-archive marker
    }
  }

  private static void put(byte[] h, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, at, b.length);
  }

  @BeforeAll
  static void makeInputs() throws Exception {
    layer = inputs.resolve("layer.tar");
    writeTar(layer);
    ztoc = inputs.resolve("layer.ztoc");
    try (OutputStream o = Files.newOutputStream(ztoc)) {
      ZtocBuilder.create().build(layer).writeTo(o);
    }
    layout = inputs.resolve("layout");
    try (OciLayoutWriter w = OciLayoutWriter.create(layout, OciLayoutWriter.Format.DIRECTORY)) {
      Descriptor l;
      try (InputStream in = Files.newInputStream(layer)) {
        l = Descriptor.of(MediaTypes.OCI_LAYER_TAR, sha256(layer), Files.size(layer));
        w.putBlob(l, in);
      }
      Descriptor config = w.putBlob(MediaTypes.OCI_CONFIG,
          "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8));
      Descriptor m = w.putBlob(MediaTypes.OCI_MANIFEST, new ImageManifest(2,
          MediaTypes.OCI_MANIFEST, "", config, List.of(l), null, Map.of()).toJson());
      w.commit(ImageIndex.of(List.of(m)));
    }
  }

  private static dev.soci.oci.Digest sha256(Path p) throws Exception {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return dev.soci.oci.Digest.parse("sha256:" + java.util.HexFormat.of().formatHex(md.digest()));
  }

  private static Process start(String... args) throws IOException {
    return CliTestSupport.startChild(args);
  }

  /**
   * Waits (bounded) until {@code dir} holds a temp entry with at least one byte written; false
   * when the child ended first.
   */
  private static boolean awaitWriting(Path dir, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        return false;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        if (s.anyMatch(f -> f.getFileName().toString().startsWith(".")
            && Files.isRegularFile(f) && f.toFile().length() > 0)) {
          return true;
        }
      } catch (IOException | java.io.UncheckedIOException raced) {
        // a file vanished while walking: look again
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no temp file appeared in " + dir);
  }

  /**
   * Whether this process ignores {@code sig} (Linux: the {@code SigIgn} mask of
   * /proc/self/status). A child inherits ignored signals, and the JVM installs no handler for a
   * signal ignored at its start, so such a run cannot test that signal.
   */
  private static boolean ignoredHere(String sig) throws IOException {
    int number = switch (sig) {
      case "HUP" -> 1;
      case "INT" -> 2;
      case "TERM" -> 15;
      default -> throw new IllegalArgumentException(sig);
    };
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
        return (mask & (1L << (number - 1))) != 0;
      }
    }
    return false;
  }

  /** Sends {@code sig}; true when it ended the child (false: the child had already finished). */
  private static boolean signal(Process p, String sig) throws Exception {
    if (sig.equals("TERM")) {
      p.destroy(); // SIGTERM
    } else {
      Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start();
      assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child exits after SIG" + sig).isTrue();
    return p.exitValue() != 0;
  }

  /**
   * Runs the CLI with {@code args} and signals it while it writes into {@link #out}. A fast child
   * can finish between the temp file's first bytes and the signal (spawning {@code kill} for
   * SIGHUP and SIGINT takes milliseconds): such a run tests nothing, so it is cleared and retried,
   * at most five times.
   */
  private void interruptWhileWriting(String sig, String... args) throws Exception {
    for (int attempt = 1; ; attempt++) {
      Process p = start(args);
      boolean interrupted;
      try {
        interrupted = awaitWriting(out, p) && signal(p, sig);
      } finally {
        p.destroyForcibly();
        p.waitFor(60, TimeUnit.SECONDS);
      }
      if (interrupted) {
        return;
      }
      assertThat(attempt).as("the child finished before SIG%s in every one of 5 runs", sig)
          .isLessThan(5);
      try (Stream<Path> s = Files.walk(out)) {
        for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          if (!f.equals(out)) {
            Files.delete(f);
          }
        }
      }
    }
  }

  private List<String> entries() throws IOException {
    try (Stream<Path> s = Files.walk(out)) {
      return s.filter(p -> !p.equals(out)).map(p -> out.relativize(p).toString()).toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "INT", "HUP"})
  void getFileLeavesNoTempFile(String sig) throws Exception {
    Assumptions.assumeFalse(ignoredHere(sig),
        "SIG" + sig + " is ignored by this test's process (run under nohup?), so the child inherits"
            + " that and the JVM never sees it");
    interruptWhileWriting(sig, "ztoc", "get-file", "-o", out.resolve("big").toString(),
        layer.toString(), ztoc.toString(), "big");
    assertThat(entries()).isEmpty();
  }

  @Test
  void convertLeavesNoTempDirectory() throws Exception {
    interruptWhileWriting("TERM", "convert", "--min-layer-size", "0", layout.toString(),
        out.resolve("converted").toString());
    assertThat(entries()).isEmpty();
  }
}
