package dev.soci.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Layers made at benchmark time from files every machine with a JDK has, compressed by a real
 * gzip producer, and cached next to {@link LayerCache}'s: real data, never downloaded.
 */
public final class RealLayers {
  private RealLayers() {}

  /** {@code tar -C $JAVA_HOME -cf - lib | gzip -6}: binaries, the modules image, text. */
  public static Path jdkLib() {
    return named("jdk-lib-gzip6");
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

  /**
   * The real layers of the decoder and build benchmarks, by name {@code <source>-<compressor>}:
   * sources {@code jdk-lib} (the running JDK's {@code lib/}), {@code so} (the system's shared
   * libraries, {@code *.so*} under {@code /usr/lib/<multiarch>} or {@code /usr/lib}, in path
   * order up to 256 MiB) and {@code text} ({@code /usr/include}, the Python and Perl standard
   * libraries without {@code __pycache__}); compressors {@code gzip6} ({@code gzip -6}, or the
   * JDK's {@link Deflater} at level 6 where {@code gzip} is absent) and {@code pigz} ({@code
   * pigz -6}: independent 128 KiB blocks, each ended by an empty stored block).
   *
   * @throws IllegalArgumentException for an unknown name
   * @throws IllegalStateException when {@code pigz} is asked for but not installed
   */
  public static Path named(String name) {
    Name n = Name.parse(name);
    String source = n.source();
    String compressor = n.compressor();
    String tar = switch (source) {
      case "jdk-lib" -> "tar -C '" + Path.of(System.getProperty("java.home")) + "' -cf - lib";
      // Regular files only, one name per inode (tar stores symlinks and further hard links as
      // bare headers: the Mesa drivers are one 25 MB file under 20 names), sorted bytewise so
      // the layer is the same on every run.
      case "so" -> "cd / && d=$(ls -d usr/lib/*-linux-gnu 2>/dev/null | head -1); d=${d:-usr/lib};"
          + " LC_ALL=C find \"$d\" -type f -name '*.so*' -printf '%i %s %p\\n' | LC_ALL=C sort -k3"
          + " | awk 'seen[$1]++ == 0 {t += $2; if (t > 256 * 1048576) exit; print $3}' | tar -cf - -T -";
      case "text" -> "cd / && tar --exclude=__pycache__ -cf - $(ls -d usr/include usr/lib/python3* usr/share/perl*"
          + " 2>/dev/null)";
      default -> throw new IllegalArgumentException("unknown real layer source '" + source + "' in " + name);
    };
    String file = n.fileName();
    switch (compressor) {
      case "gzip6":
        if (onPath("gzip")) {
          return cached(file, tar + " | gzip -6");
        }
        return cachedJavaGzip(file, tar);
      case "pigz":
        if (!onPath("pigz")) {
          throw new IllegalStateException("pigz is not installed: cannot build layer " + name);
        }
        return cached(file, tar + " | pigz -6");
      default:
        throw new IllegalArgumentException("unknown real layer compressor '" + compressor + "' in " + name);
    }
  }

  /**
   * The uncompressed size in MiB of a layer already cached under {@link #named}'s name (or of
   * the synthetic 100 MiB one), from its gzip ISIZE trailer; 0 when it is not cached. For
   * reports, which must not build layers.
   */
  static double cachedUncompressedMiB(String name) {
    try {
      Path file = name.equals("synthetic") ? LayerCache.dir().resolve("layer-100MiB-seed7-v1.tar.gz")
          : LayerCache.dir().resolve(Name.parse(name).fileName());
      if (!Files.isRegularFile(file)) {
        return 0;
      }
      try (FileChannel ch = FileChannel.open(file)) {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, ch.size() - 4);
        return Integer.toUnsignedLong(b.getInt(0)) / 1048576.0;
      }
    } catch (IOException | IllegalArgumentException e) {
      return 0;
    }
  }

  /** A {@link #named} layer's name, {@code <source>-<compressor>}, split at its last dash. */
  private record Name(String source, String compressor) {
    static Name parse(String name) {
      int dash = name.lastIndexOf('-');
      if (dash < 0) {
        throw new IllegalArgumentException("not a real layer name (<source>-<compressor>): " + name);
      }
      return new Name(name.substring(0, dash), name.substring(dash + 1));
    }

    /** The layer's cache file name. */
    String fileName() {
      // jdk-lib-gzip6 keeps the name jdkLib() has always cached it under.
      return source.equals("jdk-lib") ? "jdk-lib-" + Runtime.version().feature() + "-" + compressor + ".tar.gz"
          : "real-" + source + "-" + compressor + "-v2.tar.gz";
    }
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Where {@code gzip} is absent: the tar through the JDK's zlib at level 6 (what {@code gzip -6} asks zlib for). */
  private static Path cachedJavaGzip(String name, String tarPipeline) {
    Path file = LayerCache.dir().resolve(name);
    if (Files.isRegularFile(file)) {
      return file;
    }
    Path tar = cached(name + ".tar", tarPipeline);
    try {
      Path tmp = Files.createTempFile(LayerCache.dir(), "partial-", ".tmp");
      try (InputStream in = Files.newInputStream(tar);
          OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16) {
            {
              def.setLevel(6);
            }
          }) {
        in.transferTo(out);
      }
      LayerCache.moveIntoPlace(tmp, file);
      Files.delete(tar);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
      LayerCache.moveIntoPlace(tmp, file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
