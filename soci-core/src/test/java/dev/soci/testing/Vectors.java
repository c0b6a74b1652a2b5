package dev.soci.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The reference vectors under {@code <repo>/testdata/vectors}, for every module's tests: surefire
 * sets the system property {@code soci.testdata} to {@code <repo>/testdata}.
 */
public final class Vectors {
  private Vectors() {}

  /** One row of MANIFEST.tsv: a layer, the span size its zTOC was built with, and its facts. */
  public record Row(
      String layer,
      String compression,
      long spanSize,
      String ztocDigest,
      long ztocSize,
      long uncompressedArchiveSize,
      int numFiles,
      int numSpans) {
    /** The reference zTOC of this row. */
    public Path ztocPath() {
      return dir().resolve("ztoc").resolve(layer + "." + spanSize + ".ztoc");
    }

    /** The reference {@code ztoc info} output of this row. */
    public Path infoPath() {
      return dir().resolve("info").resolve(layer + "." + spanSize + ".info.json");
    }

    /** The layer blob of this row. */
    public Path layerPath() {
      return Vectors.layer(layer);
    }

    @Override
    public String toString() {
      return layer + "." + spanSize;
    }
  }

  /** {@code <repo>/testdata/vectors}. */
  public static Path dir() {
    String base = System.getProperty("soci.testdata");
    if (base == null) {
      throw new IllegalStateException("system property soci.testdata is not set");
    }
    return Path.of(base, "vectors");
  }

  /** The layer blob {@code name} under {@code layers/}. */
  public static Path layer(String name) {
    return dir().resolve("layers").resolve(name);
  }

  /** Every gzip layer ({@code layers/*.gz}), sorted. */
  public static List<Path> gzipLayers() throws IOException {
    try (Stream<Path> s = Files.list(dir().resolve("layers"))) {
      return s.filter(f -> f.getFileName().toString().endsWith(".gz")).sorted().toList();
    }
  }

  /** Every reference zTOC ({@code ztoc/*.ztoc}), sorted. */
  public static List<Path> ztocs() throws IOException {
    try (Stream<Path> s = Files.list(dir().resolve("ztoc"))) {
      return s.filter(f -> f.getFileName().toString().endsWith(".ztoc")).sorted().toList();
    }
  }

  /** The rows of MANIFEST.tsv, in file order. */
  public static List<Row> manifest() {
    try {
      List<Row> rows = new ArrayList<>();
      List<String> lines = Files.readAllLines(dir().resolve("MANIFEST.tsv"));
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t");
        rows.add(
            new Row(
                f[0],
                f[1],
                Long.parseLong(f[2]),
                f[3],
                Long.parseLong(f[4]),
                Long.parseLong(f[5]),
                Integer.parseInt(f[6]),
                Integer.parseInt(f[7])));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code <repo>/testdata/vectors/oci}: the image-level vectors. */
  public static Path oci() {
    return dir().resolve("oci");
  }

  /** The OCI layout the image-level vectors start from. */
  public static Path layout() {
    return oci().resolve("layout");
  }

  /** An expected output of the image-level vectors. */
  public static Path expected(String name) {
    return oci().resolve("expected").resolve(name);
  }

  /** Reads a whole file, unchecked. */
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

  /**
   * {@code sha256:<hex>} of {@code b}, computed with the JDK alone: the tests' independent
   * reference for the library's digests.
   */
  public static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
