package dev.soci.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Gzip layers for benchmarks, generated once and kept on disk.
 *
 * <p>Generating and compressing a 256 MiB layer takes far longer than indexing it, and JMH forks a
 * fresh JVM for every benchmark method, so without a cache every method would pay that again.
 * The content is a pure function of (size, seed, level), so a cached file is always the same
 * bytes as a fresh one. The directory is {@code $SOCI_BENCH_CACHE}, else {@code
 * <java.io.tmpdir>/soci-bench-layers}.
 */
public final class LayerCache {
  private LayerCache() {}

  /** The gzip-compressed {@link SyntheticLayer#tar} of about {@code tarMiB} MiB, default level. */
  public static byte[] gzipLayer(int tarMiB, long seed) {
    Path dir = dir();
    Path file = dir.resolve("layer-" + tarMiB + "MiB-seed" + seed + "-v1.tar.gz");
    try {
      if (Files.isRegularFile(file)) {
        return Files.readAllBytes(file);
      }
      byte[] gz = SyntheticLayer.gzip(SyntheticLayer.tar((long) tarMiB << 20, seed));
      Files.createDirectories(dir);
      // Write then rename, so a concurrently running or killed fork never sees half a file.
      Path tmp = Files.createTempFile(dir, "partial-", ".tmp");
      Files.write(tmp, gz);
      moveIntoPlace(tmp, file);
      return gz;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Uncompressed size of a single-member gzip, from its ISIZE trailer (exact below 4 GiB). */
  public static long uncompressedSize(byte[] gz) {
    int n = gz.length;
    return (gz[n - 4] & 0xFFL) | (gz[n - 3] & 0xFFL) << 8 | (gz[n - 2] & 0xFFL) << 16 | (gz[n - 1] & 0xFFL) << 24;
  }

  static Path dir() {
    String env = System.getenv("SOCI_BENCH_CACHE");
    return env != null && !env.isEmpty()
        ? Path.of(env)
        : Path.of(System.getProperty("java.io.tmpdir"), "soci-bench-layers");
  }

  /**
   * Renames a complete cache file into place atomically, so a concurrently running or killed
   * fork never sees half a file (the cache directory is one file system: no fallback needed).
   */
  static void moveIntoPlace(Path tmp, Path file) throws IOException {
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
