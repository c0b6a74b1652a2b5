package dev.soci.benchmarks;

import dev.soci.oci.Descriptor;
import dev.soci.oci.Digest;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.ImageManifest;
import dev.soci.oci.MediaTypes;
import dev.soci.oci.layout.OciLayoutWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Single-platform images made of given gzip layers, written as OCI layouts. */
final class BenchImages {
  private BenchImages() {}

  /** Writes a linux/amd64 image of {@code layers} (gzip tars) as a layout directory at {@code dir}. */
  static void write(Path dir, List<Path> layers) throws IOException {
    try (OciLayoutWriter w = OciLayoutWriter.create(dir, OciLayoutWriter.Format.DIRECTORY)) {
      List<Descriptor> layerDescriptors = new ArrayList<>();
      List<String> diffIds = new ArrayList<>();
      for (Path layer : layers) {
        Digest d;
        try (InputStream in = Files.newInputStream(layer)) {
          d = Digest.of(in);
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(layer), 1 << 16)) {
          diffIds.add("\"" + Digest.of(in) + "\"");
        }
        Descriptor ld = Descriptor.of(MediaTypes.OCI_LAYER_TAR_GZIP, d, Files.size(layer));
        try (InputStream in = Files.newInputStream(layer)) {
          w.putBlob(ld, in);
        }
        layerDescriptors.add(ld);
      }
      byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
          + "\"layers\",\"diff_ids\":[" + String.join(",", diffIds) + "]}}")
          .getBytes(StandardCharsets.UTF_8);
      Descriptor cd = w.putBlob(MediaTypes.OCI_CONFIG, config);
      byte[] manifest = new ImageManifest(2, MediaTypes.OCI_MANIFEST, "", cd, layerDescriptors,
          null, Map.of()).toJson();
      Descriptor md = w.putBlob(MediaTypes.OCI_MANIFEST, manifest);
      w.commit(ImageIndex.of(List.of(md)));
    }
  }
}
