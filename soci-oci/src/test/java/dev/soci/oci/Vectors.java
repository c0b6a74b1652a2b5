package dev.soci.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the reference vectors (system property {@code soci.testdata}). */
public final class Vectors {
  private Vectors() {}

  /** {@code <repo>/testdata/vectors/oci}. */
  public static Path oci() {
    String td = System.getProperty("soci.testdata");
    if (td == null) {
      throw new IllegalStateException("system property soci.testdata is not set");
    }
    return Path.of(td, "vectors", "oci");
  }

  public static Path layout() {
    return oci().resolve("layout");
  }

  public static Path expected(String name) {
    return oci().resolve("expected").resolve(name);
  }

  public static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every regular file under {@code dir}, sorted. */
  public static List<Path> files(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the file looks like a JSON object (zTOCs and layers do not). */
  public static boolean isJson(Path p) {
    byte[] b = read(p);
    return b.length > 0 && b[0] == '{';
  }
}
