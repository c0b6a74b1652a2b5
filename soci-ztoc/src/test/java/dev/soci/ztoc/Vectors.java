package dev.soci.ztoc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Access to the reference vectors under {@code <repo>/testdata/vectors}. */
final class Vectors {
  private Vectors() {}

  /** One row of MANIFEST.tsv. */
  record Row(
      String layer,
      String compression,
      long spanSize,
      String ztocDigest,
      long ztocSize,
      long uncompressedArchiveSize,
      int numFiles,
      int numSpans) {
    Path ztocPath() {
      return dir().resolve("ztoc").resolve(layer + "." + spanSize + ".ztoc");
    }

    Path infoPath() {
      return dir().resolve("info").resolve(layer + "." + spanSize + ".info.json");
    }

    Path layerPath() {
      return dir().resolve("layers").resolve(layer);
    }

    @Override
    public String toString() {
      return layer + "." + spanSize;
    }
  }

  static Path dir() {
    String base = System.getProperty("soci.testdata");
    if (base == null) {
      throw new IllegalStateException("system property soci.testdata is not set");
    }
    return Path.of(base, "vectors");
  }

  static List<Row> manifest() {
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

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
