package dev.soci.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the reference vectors (system property {@code soci.testdata}, set by surefire). */
final class TestData {
  private TestData() {}

  static Path vectors() {
    String p = System.getProperty("soci.testdata");
    if (p == null) {
      throw new IllegalStateException("system property soci.testdata is not set");
    }
    return Path.of(p, "vectors");
  }

  static Path layer(String name) {
    return vectors().resolve("layers").resolve(name);
  }

  static List<Path> gzipLayers() throws IOException {
    try (Stream<Path> s = Files.list(vectors().resolve("layers"))) {
      return s.filter(f -> f.getFileName().toString().endsWith(".gz")).sorted().toList();
    }
  }

  static List<Path> ztocs() throws IOException {
    try (Stream<Path> s = Files.list(vectors().resolve("ztoc"))) {
      return s.filter(f -> f.getFileName().toString().endsWith(".ztoc")).sorted().toList();
    }
  }
}
