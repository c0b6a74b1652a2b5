package dev.soci.oci;

import dev.soci.oci.index.PrefetchArtifact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the seed inputs of {@link OciFuzzTargetsTest} (run once by hand; the output is
 * committed): {@code java -cp <test classpath> dev.soci.oci.OciFuzzSeeds soci-oci testdata}.
 * JSON seeds are the small documents of the vectors; the layout seed is a small layout archive.
 */
final class OciFuzzSeeds {
  private OciFuzzSeeds() {}

  public static void main(String[] args) throws IOException {
    Path inputs = Path.of(args[0], "src/test/resources/dev/soci/oci/OciFuzzTargetsTestInputs");
    Path oci = Path.of(args[1], "vectors/oci");
    List<Path> docs;
    try (Stream<Path> s = Files.walk(oci)) {
      docs = s.filter(Files::isRegularFile).filter(p -> size(p) < 4096).sorted().toList();
    }
    int n = 0;
    java.util.Set<Digest> seen = new java.util.HashSet<>();
    for (Path p : docs) {
      byte[] b = Files.readAllBytes(p);
      if (!seen.add(Digest.of(b))) {
        continue;
      }
      String text = new String(b, StandardCharsets.ISO_8859_1);
      String name = (n++) + "-" + p.getFileName().toString().substring(0, Math.min(12, p.getFileName().toString().length()));
      if (text.contains("\"layers\"")) {
        write(inputs.resolve("imageManifest/" + name + ".json"), b);
      } else if (text.contains("\"manifests\"")) {
        write(inputs.resolve("imageIndex/" + name + ".json"), b);
      }
      if (text.startsWith("{")) {
        write(inputs.resolve("goJson/" + name + ".json"), b);
      }
    }
    write(inputs.resolve("prefetchArtifact/two-spans.json"),
        new PrefetchArtifact(List.of(new PrefetchArtifact.SpanRange(0, 3), new PrefetchArtifact.SpanRange(7, 7)), 1).toJson());

    // A small layout archive: marker, index.json, one manifest, its config.
    byte[] config = Files.readAllBytes(oci.resolve("layout/blobs/sha256/ae0c894b6ddb7be2ebc61c26a2e3a7b9c2c89fbf9e8c5b8c9761db5c18a1dba6"));
    Descriptor configDesc = Descriptor.forContent(MediaTypes.OCI_CONFIG, config);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
        + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDesc.digest() + "\",\"size\":" + config.length + "},\"layers\":[]}";
    byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
    Descriptor md = Descriptor.forContent(MediaTypes.OCI_MANIFEST, m);
    byte[] index = ImageIndex.of(List.of(md)).toJson();
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(tar)) {
      put(t, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII));
      put(t, "index.json", index);
      put(t, "blobs/sha256/" + md.digest().hex(), m);
      put(t, "blobs/sha256/" + configDesc.digest().hex(), config);
    }
    write(inputs.resolve("layoutArchive/one-image.tar"), tar.toByteArray());
  }

  private static void put(TarArchiveOutputStream t, String name, byte[] content) throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(content.length);
    e.setModTime(1_700_000_000_000L);
    t.putArchiveEntry(e);
    t.write(content);
    t.closeArchiveEntry();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(Path p, byte[] b) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, b);
  }
}
