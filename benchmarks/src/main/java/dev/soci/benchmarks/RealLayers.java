package dev.soci.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Layers made at benchmark time from files every machine with a JDK has, compressed by a real
 * gzip producer, and cached next to {@link LayerCache}'s: real data, never downloaded.
 */
public final class RealLayers {
  private RealLayers() {}

  /** {@code tar -C $JAVA_HOME -cf - lib | gzip -6}: binaries, the modules image, text. */
  public static Path jdkLib() {
    Path home = Path.of(System.getProperty("java.home"));
    return cached("jdk-lib-" + Runtime.version().feature() + "-gzip6.tar.gz",
        "tar -C '" + home + "' -cf - lib | gzip -6");
  }

  /**
   * A large layer (about 850 MB compressed on this machine kind): {@code usr/lib/jvm}, {@code
   * usr/lib/x86_64-linux-gnu}, {@code usr/lib/llvm-*} and {@code usr/share}, whichever exist,
   * compressed with {@code pigz -6} (or {@code gzip -6} where pigz is absent); at least {@code
   * minMiB} MiB or the benchmark refuses it.
   */
  public static Path system(int minMiB) {
    String gzip = Files.isExecutable(Path.of("/usr/bin/pigz")) ? "pigz -6" : "gzip -6";
    return cached("system-" + gzip.replace(' ', '_') + ".tar.gz",
        "cd / && tar -cf - $(ls -d usr/lib/jvm usr/lib/x86_64-linux-gnu usr/lib/llvm-* usr/share"
            + " 2>/dev/null) 2>/dev/null | " + gzip, minMiB);
  }

  private static Path cached(String name, String pipeline) {
    return cached(name, pipeline, 0);
  }

  private static Path cached(String name, String pipeline, int minMiB) {
    Path dir = LayerCache.dir();
    Path file = dir.resolve(name);
    try {
      if (Files.isRegularFile(file)) {
        return file;
      }
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "partial-", ".tmp");
      Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", pipeline + " > '" + tmp
          + "'").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(30, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + pipeline);
      }
      // tar exits 1 when files changed while read: the layer is still a valid tar.
      if (p.exitValue() > 1 || Files.size(tmp) < ((long) minMiB << 20)) {
        throw new IOException(pipeline + ": exit " + p.exitValue() + ", " + Files.size(tmp)
            + " bytes (wanted at least " + minMiB + " MiB)");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
