package dev.soci.oci.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.soci.core.IndexLimitException;
import dev.soci.core.internal.Sha256;
import dev.soci.oci.layout.OciLayout;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer over the build's limits (here a million empty deflate blocks, each a checkpoint) fails
 * {@code create} with the layer's digest and the limit's message, not an OutOfMemoryError.
 */
class HostileLayerIndexingTest {

  @Test
  @Timeout(60)
  void aLayerOverTheLimitsFailsCreateWithTheTypedError(@TempDir Path dir) throws Exception {
    byte[] layer = millionEmptyBlocks();
    String layerDigest = put(dir, layer);
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
        .getBytes(StandardCharsets.UTF_8);
    String configDigest = put(dir, config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
        + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
        + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    String manifestDigest = put(dir, manifest);
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
        + "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest
        + "\",\"size\":" + manifest.length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}");

    SociOptions options = SociOptions.builder().minLayerSize(0).build();
    try (OciLayout layout = OciLayout.open(dir)) {
      assertThatThrownBy(() -> new SociIndexCreator(options, s -> { }).create(layout))
          .isInstanceOf(LayerIndexingException.class)
          .hasMessageContaining("cannot index layer " + layerDigest)
          .hasMessageMatching("(?s).*(maxSpans|maxZtocSize)=\\d+.*")
          .cause().isInstanceOf(IndexLimitException.class);
    }
  }

  private static String put(Path layout, byte[] blob) throws Exception {
    String digest = Sha256.of(blob, 0, blob.length);
    Path p = layout.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    Files.createDirectories(p.getParent());
    Files.write(p, blob);
    return digest;
  }

  /**
   * A valid 1.25 MB gzip: a million empty fixed-Huffman blocks (10 bits each; four of them are
   * the five bytes 02 08 20 80 00), then a final stored block holding an empty tar.
   */
  private static byte[] millionEmptyBlocks() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
    byte[] four = {0x02, 0x08, 0x20, (byte) 0x80, 0x00};
    for (int i = 0; i < 250_000; i++) {
      out.writeBytes(four);
    }
    byte[] tar = new byte[1024];
    out.writeBytes(new byte[] {0x01, 0x00, 0x04, (byte) 0xff, (byte) 0xfb});
    out.writeBytes(tar);
    CRC32 crc = new CRC32();
    crc.update(tar);
    for (int v : new int[] {(int) crc.getValue(), tar.length}) {
      out.write(v);
      out.write(v >>> 8);
      out.write(v >>> 16);
      out.write(v >>> 24);
    }
    return out.toByteArray();
  }
}
